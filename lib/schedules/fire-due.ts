// Fires the schedules' due occurrences; every worker calls it on each sweep.
// An occurrence is claimed with a unique row before anything else, so across
// the fleet it fires once: its run is queued, or it is recorded as skipped
// (the table still has a run going, the target refused) or as missed (nothing
// was running when it fell due and its window has passed).
import 'server-only';
import { isAppError } from '../errors';
import { queueCleanupRun } from '../cleanup/queue-run';
import { advanceCheckedTo, claimOccurrence, listScheduleRows, settleOccurrence, type ScheduleRow } from '../store/schedules/schedule-rows';
import { latestStart, occurrencesBetween, windowEnd } from './occurrences';
import { notifySafely } from '../alerts/enqueue';
import { notifyScheduleSkipped } from '../alerts/notify-schedule-skipped';

export async function fireDueSchedules(o: { now?: Date; log?: (m: string) => void } = {}): Promise<number> {
  const now = o.now ?? new Date();
  const log = o.log ?? (() => {});
  let fired = 0;
  for (const s of await listScheduleRows({ activeOnly: true })) {
    // Missed occurrences (everything was down) are told in one alert per schedule and sweep, not one each.
    const missed: { due: Date; reason: string }[] = [];
    for (const due of occurrencesBetween(s.cron, s.tz, s.checkedTo, now)) {
      if (now.getTime() > latestStart(due, s.until, s.tz).getTime()) {
        const reason = `nothing was running at ${due.toISOString()}; ${s.until ? `its window ended at ${s.until}` : 'more than 10 minutes late'}, so it was not started late`;
        if (await claimOccurrence(s.id, due, 'missed', reason)) {
          log(`schedule ${s.id}: occurrence ${due.toISOString()} missed`);
          missed.push({ due, reason });
        }
        continue;
      }
      const occurrence = await claimOccurrence(s.id, due, 'started');
      if (occurrence === null) continue; // another worker fired it
      fired++;
      await fire(s, due, occurrence, log);
    }
    await advanceCheckedTo(s.id, now);
    const last = missed.at(-1);
    if (last) await notifySkipped(s, last.due, missed.length === 1 ? `missed: ${last.reason}` : `${missed.length} occurrences missed, the last at ${last.due.toISOString()}: ${last.reason}`);
  }
  return fired;
}

async function fire(s: ScheduleRow, due: Date, occurrence: number, log: (m: string) => void) {
  const params = JSON.parse(s.params) as Record<string, unknown>;
  try {
    const runId = await queueCleanupRun({
      target: { target: s.target },
      spec: JSON.parse(s.spec) as Record<string, unknown>,
      params: { ...params, ...(s.until ? { stopAt: windowEnd(s.until, s.tz, due).toISOString() } : {}) },
      startedBy: `schedule:${s.id}`,
      scheduleId: s.id,
      after: s.then ? { then: s.then } : null,
    });
    await settleOccurrence(occurrence, { status: 'started', runId });
    log(`schedule ${s.id}: occurrence ${due.toISOString()} queued run ${runId}`);
  } catch (e) {
    const busy = isAppError(e) && e.kind === 'conflict';
    const reason = (e as Error).message.split('\n')[0]!;
    const other = busy ? e.details?.runId : null;
    const runId = typeof other === 'string' ? other : null;
    await settleOccurrence(occurrence, { status: busy ? 'skipped' : 'failed', reason, runId });
    log(`schedule ${s.id}: occurrence ${due.toISOString()} ${busy ? 'skipped' : 'failed'}: ${reason}`);
    await notifySkipped(s, due, busy ? reason : `could not start: ${reason}`);
  }
}

/** Webhooks that want to hear of a schedule that did not run (skipped, failed to start, missed); never throws. */
function notifySkipped(s: ScheduleRow, due: Date, reason: string): Promise<void> {
  return notifySafely(`schedule ${s.id}'s skipped occurrence`, () => notifyScheduleSkipped({ scheduleId: s.id, target: s.target, table: `${s.schema}.${s.table}`, reason, at: due }));
}
