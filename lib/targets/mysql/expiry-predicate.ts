// The one place a MySQL / MariaDB expiry rule becomes SQL: counts for the
// report, the preview, dry runs, every delete strategy, the checks after a
// crash and log-everyone-out all compare through expiredSql() with a cutoff
// that storedCutoff() wrote in the column's own terms.
//
// - TIMESTAMP stores an instant (UTC) and shows it in the session's
//   time_zone; Janitor's sessions are always UTC (connect.ts), so the cutoff
//   is written as UTC wall clock.
// - DATETIME and DATE store wall clock with no zone: the cutoff is written in
//   the zone the application used (Django with USE_TZ=True and ActiveRecord
//   write UTC). Named zones are converted here with Node's time-zone data,
//   since a MariaDB server often has none loaded; the server's own zone
//   (`server`) is converted by the server, which knows what SYSTEM means.
// - integers: epoch seconds or milliseconds.
import { instantOfWallClock, readingFor, wallClockIn, type ColumnReading, type ColumnStorage } from '../../session-tables/column-reading';
import type { ExpirySpec } from '../adapter';
import type { ExpiryBoundValue } from '../../cleanup/driver';

export type MysqlRows = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

/** How information_schema's DATA_TYPE stores a moment. */
export function mysqlStorage(dataType: string): ColumnStorage {
  const t = dataType.toLowerCase();
  if (t === 'timestamp') return 'instant';
  if (t === 'datetime' || t === 'date') return 'naive';
  return 'integer';
}

/** The reading of the spec's column; a `server` zone is the server's global time_zone (what an application's sessions start with). */
export function mysqlReading(rows: MysqlRows, dataType: string, spec: Pick<ExpirySpec, 'expiryType' | 'timestampZone' | 'expiryColumn'>): Promise<ColumnReading> {
  return readingFor({
    storage: mysqlStorage(dataType),
    expiryType: spec.expiryType,
    zone: spec.timestampZone,
    column: spec.expiryColumn,
    serverZone: async () => {
      const [r] = await rows<{ tz: string; sys: string }>('SELECT @@GLOBAL.time_zone AS tz, @@system_time_zone AS sys');
      return r!.tz === 'SYSTEM' ? `SYSTEM (${r!.sys})` : r!.tz;
    },
  });
}

/** `col < ?`: the stored cutoff is a literal of the column's own type, so an index on it stays usable. */
export function expiredSql(_reading: ColumnReading, col: string): string {
  return `${col} < ?`;
}

/** The rows kept: the complement of expiredSql (NULL expiry values are neither). */
export function keptSql(_reading: ColumnReading, col: string): string {
  return `${col} >= ?`;
}

/** DATETIME ends at 9999-12-31: a log-everyone-out cutoff shifted by a zone must not pass it. */
const DATETIME_MAX = '9999-12-31 23:59:59.999999';
const clamp = (v: string) => (v > DATETIME_MAX || v.length > DATETIME_MAX.length ? DATETIME_MAX : v);

export async function storedCutoff(rows: MysqlRows, reading: ColumnReading, cutoff: Date): Promise<ExpiryBoundValue> {
  switch (reading.kind) {
    case 'instant':
      return clamp(wallClockIn(cutoff, 'UTC'));
    case 'epoch-s':
      return Math.floor(cutoff.getTime() / 1000);
    case 'epoch-ms':
      return cutoff.getTime();
    case 'wall-clock': {
      if (reading.source === 'given') return clamp(wallClockIn(cutoff, reading.zone));
      const [r] = await rows<{ v: string }>(`SELECT CAST(CONVERT_TZ(?, '+00:00', @@GLOBAL.time_zone) AS CHAR) AS v`, [clamp(wallClockIn(cutoff, 'UTC'))]);
      return r!.v;
    }
  }
}

/**
 * SQL for a stored value's instant as epoch seconds, where the server must
 * convert it (the server's own zone); null where Node converts (instantOf).
 */
export function serverEpochSql(reading: ColumnReading, col: string): string | null {
  return reading.kind === 'wall-clock' && reading.source === 'server' ? `UNIX_TIMESTAMP(CONVERT_TZ(${col}, @@GLOBAL.time_zone, '+00:00'))` : null;
}

/** The instant a stored value names, read back as text (CAST … AS CHAR) or a number. */
export function instantOf(reading: ColumnReading, stored: string): Date | null {
  switch (reading.kind) {
    case 'instant':
      return instantOfWallClock(stored, 'UTC');
    case 'wall-clock':
      return reading.source === 'given' ? instantOfWallClock(stored, reading.zone) : null;
    case 'epoch-s':
      return new Date(Number(stored) * 1000);
    case 'epoch-ms':
      return new Date(Number(stored));
  }
}
