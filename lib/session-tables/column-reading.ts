// What a stored expiry value means, once the column's type and the zone are
// known: an instant (timestamptz, MySQL TIMESTAMP), wall-clock time in a
// named zone (naive timestamps), or epoch seconds / milliseconds. Each
// dialect's expiry predicate turns a reading and a cutoff instant into SQL;
// this module holds the dialect-free parts: the choice, the wording shown
// before anything is deleted, and wall-clock arithmetic.
import { AppError } from '../errors';
import type { ExpiryType } from '../stats/types';
import { ZONE_HELP, type TimestampZone } from './timestamp-zone';

/** How the catalog type stores a moment. */
export type ColumnStorage = 'instant' | 'naive' | 'integer';

export type ColumnReading =
  | { kind: 'instant' }
  /** zone: `UTC`, an IANA name or an offset; `server` already replaced by the server's setting */
  | { kind: 'wall-clock'; zone: string; source: 'server' | 'given' }
  | { kind: 'epoch-s' }
  | { kind: 'epoch-ms' };

/**
 * The reading of one column. `serverZone` is asked only when the zone is
 * `server` (it costs a round trip on some dialects).
 */
export async function readingFor(o: {
  storage: ColumnStorage;
  expiryType: ExpiryType;
  zone: TimestampZone | null | undefined;
  column: string;
  serverZone: () => Promise<string>;
}): Promise<ColumnReading> {
  if (o.expiryType === 'epoch-s' || o.expiryType === 'epoch-ms') return { kind: o.expiryType };
  if (o.storage === 'instant') return { kind: 'instant' };
  if (!o.zone) {
    throw new AppError(
      `column "${o.column}" holds timestamps without a time zone; say in which zone they were written with --timestamp-zone (${ZONE_HELP})`,
      'input',
    );
  }
  if (o.zone === 'server') return { kind: 'wall-clock', zone: await o.serverZone(), source: 'server' };
  return { kind: 'wall-clock', zone: o.zone === 'utc' ? 'UTC' : o.zone, source: 'given' };
}

/** The zone to store with a run, so a resume reads the column exactly as the start did. */
export function zoneOfReading(r: ColumnReading): string | null {
  return r.kind === 'wall-clock' ? (r.zone === 'UTC' ? 'utc' : r.zone) : null;
}

/** One line for the preview, the CLI and dry runs: "`expire` is wall-clock time in America/Los_Angeles (the database's setting)". */
export function describeReading(column: string, r: ColumnReading): string {
  switch (r.kind) {
    case 'instant':
      return `"${column}" stores instants (with a time zone)`;
    case 'epoch-s':
      return `"${column}" is seconds since 1970-01-01 UTC`;
    case 'epoch-ms':
      return `"${column}" is milliseconds since 1970-01-01 UTC`;
    case 'wall-clock':
      return `"${column}" is wall-clock time in ${r.zone}${r.source === 'server' ? " (the database's own time zone setting)" : ''}`;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Offset of `zone` at `instant`, in minutes east of UTC. */
export function zoneOffsetMinutes(zone: string, instant: Date): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff`: the wall clock of `instant` in `zone` (MySQL DATETIME(6) literal; microseconds are zero-filled). */
export function wallClockIn(instant: Date, zone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(zone, instant) * 60_000);
  const d = shifted;
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`;
}

/** The instant a wall-clock value in `zone` names (the later one in a repeated DST hour). */
export function instantOfWallClock(text: string, zone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(text.trim());
  if (!m) throw new Error(`not a timestamp: ${text.slice(0, 40)}`);
  const ms = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  // Two steps settle the offset even across a DST change.
  let guess = asUtc - zoneOffsetMinutes(zone, new Date(asUtc)) * 60_000;
  guess = asUtc - zoneOffsetMinutes(zone, new Date(guess)) * 60_000;
  return new Date(guess);
}
