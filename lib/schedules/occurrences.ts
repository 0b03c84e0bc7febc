// When a schedule's occurrences fall, and where its window ends, in its own
// zone (croner evaluates the cron expression in that zone, daylight saving
// included).
import { Cron } from 'croner';

/** The occurrences after `from` up to and including `to`, oldest first (at most `limit`). */
export function occurrencesBetween(cron: string, tz: string, from: Date, to: Date, limit = 100): Date[] {
  const c = new Cron(cron, { timezone: tz, paused: true });
  const out: Date[] = [];
  let t: Date | null = from;
  while (out.length < limit && (t = c.nextRun(t)) && t.getTime() <= to.getTime()) out.push(t);
  return out;
}

export function nextOccurrences(cron: string, tz: string, after: Date, n: number): Date[] {
  return new Cron(cron, { timezone: tz, paused: true }).nextRuns(n, after);
}

/** The first HH:MM in `tz` after `due`: where a run started at `due` must stop. */
export function windowEnd(until: string, tz: string, due: Date): Date {
  const [h, m] = until.split(':').map(Number);
  return new Cron(`${m} ${h} * * *`, { timezone: tz, paused: true }).nextRun(due)!;
}

/**
 * How late an occurrence may still start: until the end of its window, or
 * this long after its time when it has none. Later than that it is recorded
 * as missed (everything was down), not run at a time nobody chose.
 */
export const LATE_START_MS = 10 * 60_000;

export function latestStart(due: Date, until: string | null, tz: string): Date {
  return until ? windowEnd(until, tz, due) : new Date(due.getTime() + LATE_START_MS);
}
