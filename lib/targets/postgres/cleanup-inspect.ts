// Reads what a cleanup needs to know about one table from the PostgreSQL
// catalog, and refuses a spec that cannot be cleaned: unknown table or column,
// a column whose type does not match the expiry type, a view, a standby.
import 'server-only';
import type { ExpirySpec } from '../adapter';
import type { StrategyName, TableFacts } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { pgReading, type PgRows } from './expiry-predicate';

export type { PgRows };

const TIMESTAMP_TYPES = new Set(['timestamp', 'timestamptz', 'date']);
const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);

/** Heap walk by TID range needs a TID Range Scan, new in PostgreSQL 14. */
export const PG_TID_RANGE_MIN_VERSION = 140000;

type TableRow = {
  oid: number;
  relkind: string;
  relpages: number;
  reltuples: number;
  bytes: number;
  block_size: number;
  vnum: number;
  version: string;
  in_recovery: boolean;
  row_width: number | null;
  attnum: number | null;
  data_type: string | null;
  base_type: string | null;
};

export async function inspectPgTable(rows: PgRows, spec: ExpirySpec): Promise<TableFacts> {
  const label = `${spec.schema}.${spec.table}`;
  const [t] = await rows<TableRow>(
    `SELECT c.oid::int8::float8 AS oid, c.relkind::text AS relkind, c.relpages::float8 AS relpages, c.reltuples::float8 AS reltuples,
            pg_relation_size(c.oid)::float8 AS bytes, current_setting('block_size')::int AS block_size,
            current_setting('server_version_num')::int AS vnum, current_setting('server_version') AS version,
            pg_is_in_recovery() AS in_recovery,
            (SELECT sum(s.avg_width)::float8 FROM pg_stats s WHERE s.schemaname = $1 AND s.tablename = $2 AND NOT s.inherited) AS row_width,
            a.attnum::int AS attnum, format_type(a.atttypid, a.atttypmod) AS data_type,
            bt.typname::text AS base_type
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_type ty ON ty.oid = a.atttypid
       LEFT JOIN pg_type bt ON bt.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END
      WHERE n.nspname = $1 AND c.relname = $2`,
    [spec.schema, spec.table, spec.expiryColumn],
  );
  if (!t) throw new AppError(`table ${label} does not exist`, 'not-found');
  if (t.in_recovery) throw new AppError(`the target is a read-only standby; clean up ${label} on the primary`, 'input');
  if (t.relkind === 'p') throw new AppError(`${label} is a partitioned table; clean up its partitions one by one`, 'input');
  if (t.relkind !== 'r') throw new AppError(`${label} is not a table (a view or another kind of relation)`, 'input');
  if (t.attnum === null) throw new AppError(`column "${spec.expiryColumn}" does not exist in ${label}`, 'not-found');
  const base = t.base_type ?? '';
  const wantsTimestamp = spec.expiryType === 'timestamp';
  if (wantsTimestamp ? !TIMESTAMP_TYPES.has(base) : !NUMBER_TYPES.has(base)) {
    throw new AppError(
      `column "${spec.expiryColumn}" of ${label} is ${t.data_type}; expiry type ${spec.expiryType} needs ${
        wantsTimestamp ? 'a timestamp column' : 'an integer column holding epoch ' + (spec.expiryType === 'epoch-ms' ? 'milliseconds' : 'seconds')
      }`,
      'input',
    );
  }

  const pk = await rows<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::int8::oid AND i.indisprimary
      ORDER BY k.ord`,
    [t.oid],
  );
  // A valid, non-partial btree whose first column is the expiry column: what the keyset walk and exact counts use.
  const [idx] = await rows<{ name: string }>(
    `SELECT ic.relname AS name
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_am am ON am.oid = ic.relam
      WHERE i.indrelid = $1::int8::oid AND i.indkey[0] = $2 AND i.indisvalid AND i.indpred IS NULL AND am.amname = 'btree'
      ORDER BY i.indnatts, ic.relname
      LIMIT 1`,
    [t.oid, t.attnum],
  );

  const reading = await pgReading(rows, base, spec);
  const pages = Math.round(t.bytes / t.block_size);
  const estimate = rowEstimate(t.reltuples, t.relpages, pages);
  const strategies: StrategyName[] = [];
  const unsupported: TableFacts['unsupported'] = {};
  if (t.vnum >= PG_TID_RANGE_MIN_VERSION) strategies.push('heap-walk');
  else unsupported['heap-walk'] = `PostgreSQL ${t.version} has no TID range scans (needs 14 or later)`;
  if (idx) strategies.push('keyset');
  else unsupported.keyset = `no index on "${spec.expiryColumn}"`;
  unsupported['pk-range'] = 'PostgreSQL walks the heap instead of the primary key';

  return {
    dialect: 'postgres',
    schema: spec.schema,
    table: spec.table,
    expiryColumn: spec.expiryColumn,
    expiryType: spec.expiryType,
    expiryDataType: t.data_type ?? base,
    reading,
    ttlSeconds: spec.ttlSeconds,
    primaryKey: pk.map((r) => r.name),
    expiryIndex: idx?.name ?? null,
    rowEstimate: estimate,
    tableBytes: t.bytes,
    pages,
    fullPageRows: fullPageRows(t.block_size, t.row_width) ?? rowsPerPage({ rowEstimate: estimate, pages }),
    server: `PostgreSQL ${t.version.split(' ')[0]}`,
    versionNum: t.vnum,
    strategies,
    unsupported,
  };
}

/**
 * Scales the last ANALYZE's rows-per-page to the current size, as the planner
 * does. reltuples is -1 until the first VACUUM / ANALYZE (0 on PostgreSQL 13):
 * then the estimate is unknown (-1).
 */
function rowEstimate(reltuples: number, relpages: number, pages: number): number {
  if (pages === 0) return 0;
  if (relpages > 0 && reltuples >= 0) return Math.round((reltuples / relpages) * pages);
  return -1;
}

/** Rows per heap page from the planner's statistics, or a django_session-like guess before the first ANALYZE. */
export function rowsPerPage(t: Pick<TableFacts, 'rowEstimate' | 'pages'>): number {
  if (t.rowEstimate > 0 && t.pages > 0) return Math.max(1, t.rowEstimate / t.pages);
  return 30;
}

/**
 * Rows one full heap page holds at an average row width of `width` bytes, or
 * null without statistics: the page header (24 bytes) aside, each row takes a
 * 4-byte line pointer, a 24-byte tuple header and its data, 8-byte aligned.
 */
export function fullPageRows(blockSize: number, width: number | null): number | null {
  if (width === null || !(width > 0)) return null;
  return Math.max(1, Math.floor((blockSize - 24) / (4 + 24 + Math.ceil(width / 8) * 8)));
}
