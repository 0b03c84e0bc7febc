// The one place a PostgreSQL expiry rule becomes SQL. The report's counts,
// the preview and its sample, dry runs, every delete strategy, the checks
// after a crash and log-everyone-out all compare `column < cutoff` through
// expiredSql(), with a cutoff that storedCutoff() wrote in the column's own
// terms, so none of them can disagree on which rows are expired.
//
// What the column holds decides the cutoff's form (column-reading.ts):
// - timestamptz: an instant, compared as one.
// - timestamp / date without time zone: wall-clock time in the zone its
//   writer used. The server converts the cutoff instant into that zone
//   (`AT TIME ZONE`), with its own time-zone data, the same data
//   connect-pg-simple's `to_timestamp(n)` used when it wrote the row.
// - integers: epoch seconds or milliseconds, bound as bigint so an index on
//   an int4 / int8 / numeric column stays usable.
import { readingFor, type ColumnReading, type ColumnStorage } from '../../session-tables/column-reading';
import type { ExpirySpec } from '../adapter';
import type { ExpiryBoundValue } from '../../cleanup/driver';

export type PgRows = <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/** How a column's base type (pg_type.typname) stores a moment. */
export function pgStorage(typname: string): ColumnStorage {
  if (typname === 'timestamptz') return 'instant';
  if (typname === 'timestamp' || typname === 'date') return 'naive';
  return 'integer';
}

/** The reading of the spec's column; a `server` zone is the TimeZone this connection inherited from the database (or role). */
export function pgReading(rows: PgRows, typname: string, spec: Pick<ExpirySpec, 'expiryType' | 'timestampZone' | 'expiryColumn'>): Promise<ColumnReading> {
  return readingFor({
    storage: pgStorage(typname),
    expiryType: spec.expiryType,
    zone: spec.timestampZone,
    column: spec.expiryColumn,
    serverZone: async () => (await rows<{ tz: string }>(`SELECT current_setting('TimeZone') AS tz`))[0]!.tz,
  });
}

const isOffset = (zone: string) => /^[+-]\d{2}:\d{2}$/.test(zone);

/**
 * `AT TIME ZONE` for a zone parameter. A text offset like '+09:00' would be
 * read as a POSIX zone there (sign inverted); as an interval it is ISO's.
 */
function atZone(zone: string, ph: string): string {
  return isOffset(zone) ? `AT TIME ZONE ${ph}::interval` : `AT TIME ZONE ${ph}`;
}

/** `col < $n` with the cast the stored cutoff needs; `col` is already quoted. */
export function expiredSql(reading: ColumnReading, col: string, ph: string): string {
  switch (reading.kind) {
    case 'instant':
      return `${col} < ${ph}::timestamptz`;
    case 'wall-clock':
      return `${col} < ${ph}::timestamp`;
    default:
      return `${col} < ${ph}::bigint`;
  }
}

/** The rows kept: the complement of expiredSql (NULL expiry values are neither). */
export function keptSql(reading: ColumnReading, col: string, ph: string): string {
  return expiredSql(reading, col, ph).replace(' < ', ' >= ');
}

/**
 * The cutoff instant in the column's terms: ISO text for instants, the zone's
 * wall clock (microseconds) for naive columns, whole epoch seconds or ms.
 */
export async function storedCutoff(rows: PgRows, reading: ColumnReading, cutoff: Date): Promise<ExpiryBoundValue> {
  switch (reading.kind) {
    case 'instant':
      return cutoff.toISOString();
    case 'epoch-s':
      return Math.floor(cutoff.getTime() / 1000);
    case 'epoch-ms':
      return cutoff.getTime();
    case 'wall-clock': {
      const [r] = await rows<{ v: string }>(
        `SELECT to_char($1::timestamptz ${atZone(reading.zone, '$2')}, 'YYYY-MM-DD HH24:MI:SS.US') AS v`,
        [cutoff.toISOString(), reading.zone],
      );
      return r!.v;
    }
  }
}

/** SQL for the instant a stored value names, as epoch seconds (float8); `zonePh` is bound to reading.zone for naive columns. */
export function instantEpochSql(reading: ColumnReading, col: string, zonePh: string): string {
  switch (reading.kind) {
    case 'instant':
      return `extract(epoch FROM ${col})::float8`;
    case 'wall-clock':
      return `extract(epoch FROM (${col}::timestamp ${atZone(reading.zone, zonePh)}))::float8`;
    case 'epoch-s':
      return `${col}::float8`;
    case 'epoch-ms':
      return `(${col}::float8 / 1000)`;
  }
}

/** Parameters every statement built on this reading binds after its own: the zone, for naive columns. */
export function readingParams(reading: ColumnReading): unknown[] {
  return reading.kind === 'wall-clock' ? [reading.zone] : [];
}
