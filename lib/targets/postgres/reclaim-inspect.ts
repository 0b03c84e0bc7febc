// Sizes of one PostgreSQL table and an estimate of its size after VACUUM FULL.
//
// After a rewrite the heap holds only the live rows, packed to the table's
// fillfactor, and every index is rebuilt from them. The live bytes come from
// pgstattuple_approx when the extension is installed and this login may run
// it (it reads the pages the visibility map does not vouch for, so it runs
// under a short statement timeout), otherwise from live rows counted in a
// sample of pages × the row width pg_stats reports. (pg_stat_user_tables'
// n_live_tup lags bulk deletes by up to the statistics flush interval, and
// reltuples until the next VACUUM or ANALYZE: right after a cleanup both can
// be far off.) Btree indexes are sized for the
// live rows with the same formula the space report uses for bloat
// (index-bloat.ts); other index types and TOAST shrink with the heap.
import 'server-only';
import { AppError, isAppError } from '../../errors';
import { quoteIdent, quoteQualified } from '../quote-identifier';
import { estimateBtreeBloatRatio } from './index-bloat';
import type { ReclaimTable } from '../../reclaim/driver';

export type PgRows = <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

export type PgReclaimTable = ReclaimTable & { oid: number; pglite: boolean };

const PAGE_HEADER = 24;
const LINE_POINTER = 4;
const HEAP_TUPLE_HEADER = 23;
const maxalign = (n: number) => Math.ceil(n / 8) * 8;

type TableRow = {
  oid: number;
  relkind: string;
  reltuples: number;
  block_size: number;
  fillfactor: number;
  heap_bytes: number;
  table_bytes: number;
  index_bytes: number;
  total_bytes: number;
  toast_bytes: number;
  live: number | null;
  dead: number | null;
  columns: number;
  columns_with_stats: number;
  data_width: number | null;
  has_nulls: boolean | null;
  version: string;
};

// Size functions open the relation (ACCESS SHARE): the caller's lock_timeout
// keeps this from queueing behind someone else's VACUUM FULL.
const TABLE_SQL = `
SELECT c.oid::int8 AS oid, c.relkind::text AS relkind, c.reltuples::float8 AS reltuples,
  current_setting('block_size')::int AS block_size,
  coalesce((SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int FROM unnest(c.reloptions) o
            WHERE o LIKE 'fillfactor=%' LIMIT 1), 100) AS fillfactor,
  pg_relation_size(c.oid) AS heap_bytes,
  pg_table_size(c.oid) AS table_bytes,
  pg_indexes_size(c.oid) AS index_bytes,
  pg_total_relation_size(c.oid) AS total_bytes,
  CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END AS toast_bytes,
  pg_stat_get_live_tuples(c.oid) AS live,
  pg_stat_get_dead_tuples(c.oid) AS dead,
  (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)::int AS columns,
  (SELECT count(*) FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited)::int AS columns_with_stats,
  (SELECT sum((1 - s.null_frac) * s.avg_width) FROM pg_stats s
    WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited)::float8 AS data_width,
  (SELECT bool_or(s.null_frac > 0) FROM pg_stats s
    WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) AS has_nulls,
  version() AS version
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2`;

type IndexRow = {
  oid: number;
  amname: string;
  bytes: number;
  fillfactor: number;
  columns: number;
  columns_with_stats: number;
  data_width: number | null;
  has_nulls: boolean | null;
};

// pg_stats keeps a plain column's statistics under its table, an expression
// column's under the index (named after the index attribute).
const INDEX_SQL = `
WITH idx AS (
  SELECT x.indexrelid, x.indrelid, x.indkey, n.nspname, t.relname AS table_name, ic.relname AS index_name, am.amname,
    coalesce((SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int FROM unnest(ic.reloptions) o
              WHERE o LIKE 'fillfactor=%' LIMIT 1), 90) AS fillfactor
  FROM pg_index x
  JOIN pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  WHERE x.indrelid = $1::oid
),
cols AS (
  SELECT idx.indexrelid, idx.nspname,
    CASE WHEN k.attnum <> 0 THEN idx.table_name ELSE idx.index_name END AS stats_rel,
    CASE WHEN k.attnum <> 0 THEN ta.attname ELSE ia.attname END AS stats_att
  FROM idx
  CROSS JOIN LATERAL unnest(idx.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  LEFT JOIN pg_attribute ta ON ta.attrelid = idx.indrelid AND ta.attnum = k.attnum AND k.attnum <> 0
  LEFT JOIN pg_attribute ia ON ia.attrelid = idx.indexrelid AND ia.attnum = k.ord AND k.attnum = 0
),
widths AS (
  SELECT cols.indexrelid, count(*)::int AS columns, count(s.avg_width)::int AS columns_with_stats,
    sum((1 - s.null_frac) * s.avg_width)::float8 AS data_width, bool_or(s.null_frac > 0) AS has_nulls
  FROM cols
  LEFT JOIN pg_stats s ON s.schemaname = cols.nspname AND s.tablename = cols.stats_rel AND s.attname = cols.stats_att AND NOT s.inherited
  GROUP BY cols.indexrelid
)
SELECT idx.indexrelid::int8 AS oid, idx.amname, pg_relation_size(idx.indexrelid) AS bytes, idx.fillfactor,
  coalesce(widths.columns, 0) AS columns, coalesce(widths.columns_with_stats, 0) AS columns_with_stats,
  widths.data_width, widths.has_nulls
FROM idx LEFT JOIN widths ON widths.indexrelid = idx.indexrelid`;

type ApproxRow = { approx_tuple_count: number; approx_tuple_len: number };

/** Live rows and bytes from pgstattuple_approx, or null when it is not installed, not allowed, or too slow. */
async function measureLive(rows: PgRows, oid: number): Promise<ApproxRow | null> {
  const [ext] = await rows<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgstattuple'`,
  );
  if (!ext) return null;
  const fn = `${quoteIdent('postgres', ext.schema)}.pgstattuple_approx`;
  try {
    await rows('BEGIN READ ONLY');
    try {
      // It reads every page not marked all-visible: on a huge, just-cleaned table
      // that is most of it, so it gets a few seconds and the estimate otherwise.
      await rows("SELECT set_config('statement_timeout', '5s', true)");
      const [r] = await rows<ApproxRow>(`SELECT approx_tuple_count::float8, approx_tuple_len::float8 FROM ${fn}($1::oid::regclass)`, [oid]);
      return r ?? null;
    } finally {
      await rows('ROLLBACK').catch(() => undefined);
    }
  } catch (e) {
    if (isAppError(e) && (e.kind === 'unreachable' || e.kind === 'auth')) throw e;
    return null; // permission denied, timed out: fall back to the statistics
  }
}

/** Heap pages a live-row sample reads at most: ~16 MB of 8 KiB pages. */
const SAMPLE_PAGES = 2_000;

/** Live rows counted in a random sample of heap pages, scaled to the whole heap; null when it fails or takes too long. */
async function sampleLiveRows(rows: PgRows, ref: { schema: string; table: string }, heapPages: number): Promise<number | null> {
  if (heapPages <= 0) return 0;
  const percent = Math.min(100, (100 * SAMPLE_PAGES) / heapPages);
  const from = quoteQualified('postgres', ref.schema, ref.table);
  try {
    await rows('BEGIN READ ONLY');
    try {
      await rows("SELECT set_config('statement_timeout', '5s', true)");
      const sql = percent >= 100 ? `SELECT count(*)::float8 AS n FROM ${from}` : `SELECT count(*)::float8 AS n FROM ${from} TABLESAMPLE SYSTEM ($1)`;
      const [r] = await rows<{ n: number }>(sql, percent >= 100 ? [] : [percent]);
      return r ? Math.round((Number(r.n) * 100) / percent) : null;
    } finally {
      await rows('ROLLBACK').catch(() => undefined);
    }
  } catch (e) {
    if (isAppError(e) && (e.kind === 'unreachable' || e.kind === 'auth')) throw e;
    return null;
  }
}

export async function inspectPgReclaimTable(rows: PgRows, ref: { schema: string; table: string }): Promise<PgReclaimTable> {
  const [t] = await rows<TableRow>(TABLE_SQL, [ref.schema, ref.table]);
  if (!t) throw new AppError(`table ${ref.schema}.${ref.table} does not exist`, 'not-found');
  if (t.relkind === 'p') throw new AppError(`${ref.schema}.${ref.table} is a partitioned table: reclaim its partitions one at a time`, 'input');
  if (t.relkind !== 'r' && t.relkind !== 'm') throw new AppError(`${ref.schema}.${ref.table} is not a table`, 'input');
  const indexes = await rows<IndexRow>(INDEX_SQL, [t.oid]);
  const pglite = /PGlite/i.test(t.version);
  const approx = pglite ? null : await measureLive(rows, t.oid);

  const bs = Number(t.block_size);
  const heapBytes = Number(t.heap_bytes);
  const dead = t.dead === null ? null : Number(t.dead);
  const statsLive = t.live !== null && (Number(t.live) > 0 || (dead ?? 0) > 0) ? Number(t.live) : null;
  const sampled = approx ? null : await sampleLiveRows(rows, ref, Math.ceil(heapBytes / bs));
  const liveRows = approx ? Number(approx.approx_tuple_count) : (sampled ?? statsLive ?? (t.reltuples >= 0 ? Number(t.reltuples) : null));
  const usable = (bs - PAGE_HEADER) * (Number(t.fillfactor) / 100);

  let heapAfter: number;
  let method: string;
  if (approx) {
    // tuple lengths are unaligned; each tuple also takes a line pointer and ~4 bytes of alignment on average
    const bytes = Number(approx.approx_tuple_len) + Number(approx.approx_tuple_count) * (LINE_POINTER + 4);
    heapAfter = Math.ceil(bytes / usable) * bs;
    method = 'pgstattuple_approx (live rows measured), indexes estimated from pg_stats';
  } else if (liveRows !== null && t.columns > 0 && t.columns_with_stats >= t.columns && t.data_width !== null) {
    const header = maxalign(HEAP_TUPLE_HEADER + (t.has_nulls ? Math.ceil(t.columns / 8) : 0));
    const perRow = header + maxalign(Number(t.data_width)) + LINE_POINTER;
    heapAfter = Math.ceil((liveRows * perRow) / usable) * bs;
    method = `estimate from ${sampled !== null ? 'live rows in a sample of pages' : 'live rows in pg_stat_user_tables'} and pg_stats row widths`;
  } else if (statsLive !== null && dead !== null && statsLive + dead > 0) {
    heapAfter = heapBytes * (statsLive / (statsLive + dead));
    method = 'estimate from live / dead rows (no column statistics yet)';
  } else {
    heapAfter = heapBytes;
    method = 'no statistics: assumes nothing comes back (run ANALYZE first)';
  }
  heapAfter = Math.min(heapBytes, heapAfter);
  const heapShare = heapBytes > 0 ? heapAfter / heapBytes : 1;

  let indexAfter = 0;
  for (const i of indexes) {
    const bytes = Number(i.bytes);
    const ratio =
      i.amname === 'btree' && liveRows !== null
        ? estimateBtreeBloatRatio({
            reltuples: liveRows,
            relpages: bytes / bs,
            fillfactor: Number(i.fillfactor),
            blockSize: bs,
            columns: Number(i.columns),
            columnsWithStats: Number(i.columns_with_stats),
            dataWidth: Number(i.data_width ?? 0),
            hasNulls: Boolean(i.has_nulls),
          })
        : null;
    indexAfter += ratio === null ? bytes * heapShare : bytes * (1 - ratio);
  }
  const toastBytes = Number(t.toast_bytes);
  // the free space map and visibility map forks are rebuilt small; count them as heap
  const otherForks = Math.max(0, Number(t.table_bytes) - heapBytes - toastBytes);
  const rewritten = Math.round(heapAfter + otherForks * heapShare + toastBytes * heapShare + indexAfter);

  return {
    dialect: 'postgres',
    schema: ref.schema,
    table: ref.table,
    oid: Number(t.oid),
    pglite,
    server: serverName(t.version),
    engine: null,
    hasFulltext: false,
    rowEstimate: liveRows ?? 0,
    deadRows: dead,
    tableBytes: Number(t.table_bytes) - toastBytes,
    indexBytes: Number(t.index_bytes),
    toastBytes,
    totalBytes: Number(t.total_bytes),
    freeBytes: null,
    rewrittenBytes: Math.min(Number(t.total_bytes), rewritten),
    estimateMethod: method,
  };
}

function serverName(version: string): string {
  const m = /^PostgreSQL ([0-9.]+)/.exec(version);
  if (/PGlite/i.test(version)) return `PGlite (PostgreSQL ${m?.[1] ?? '?'})`;
  return m ? `PostgreSQL ${m[1]}` : version.slice(0, 40);
}
