// Estimated btree bloat for every index, from the planner statistics.
//
// The approach is the widely used btree bloat estimate (ioguix's
// pgsql-bloat-estimation, also behind pghero and check_postgres): from
// pg_stats, guess how wide an index tuple is, derive how many pages the
// index's reltuples would need when packed to its fillfactor, and call the
// rest bloat. Written here from the page layout in the PostgreSQL sources
// (bufpage.h, itup.h, nbtree.h). It is an estimate: it ignores internal
// pages, per-column alignment and btree deduplication (13+), so healthy
// indexes read a few percent "bloated" and heavily duplicated ones read 0.
import 'server-only';
import { CATALOG_GUARD, userSchemaPredicate } from './catalog-filter';
import type { PgSession } from './pg-query';

/** The statistics the estimate needs for one index. */
export type BtreeStatsRow = {
  /** index tuples as of the last VACUUM/ANALYZE/CREATE INDEX; -1 when unknown */
  reltuples: number;
  /** index pages as of the same moment */
  relpages: number;
  /** leaf fillfactor in percent (btree default 90) */
  fillfactor: number;
  /** PostgreSQL block size in bytes */
  blockSize: number;
  /** index columns (key and INCLUDE) */
  columns: number;
  /** index columns that have a pg_stats row */
  columnsWithStats: number;
  /** sum over columns of (1 - null_frac) * avg_width */
  dataWidth: number;
  /** any column has nulls (a null bitmap is stored then) */
  hasNulls: boolean;
};

const MAXALIGN = 8;
const PAGE_HEADER = 24; // SizeOfPageHeaderData
const BTREE_OPAQUE = 16; // BTPageOpaqueData, the special space at the end of every btree page
const INDEX_TUPLE_HEADER = 8; // IndexTupleData: 6-byte heap TID + 2-byte t_info
const NULL_BITMAP = 4; // IndexAttributeBitMapData, present only in tuples with a NULL
const LINE_POINTER = 4; // ItemIdData, one per tuple

const maxalign = (n: number) => Math.ceil(n / MAXALIGN) * MAXALIGN;

/**
 * Share of the index (0..1) that the statistics cannot account for, or null
 * when there are no statistics to estimate from.
 */
export function estimateBtreeBloatRatio(s: BtreeStatsRow): number | null {
  if (s.reltuples < 0 || s.relpages <= 0 || s.columns === 0 || s.columnsWithStats < s.columns) return null;
  const header = maxalign(INDEX_TUPLE_HEADER + (s.hasNulls ? NULL_BITMAP : 0));
  const tupleBytes = header + maxalign(s.dataWidth) + LINE_POINTER;
  const usablePerPage = (s.blockSize - PAGE_HEADER - BTREE_OPAQUE) * (s.fillfactor / 100);
  // +1: the metapage every btree has
  const expectedPages = Math.ceil((s.reltuples * tupleBytes) / usablePerPage) + 1;
  if (expectedPages >= s.relpages) return 0;
  return 1 - expectedPages / s.relpages;
}

type Row = {
  oid: number;
  reltuples: number;
  relpages: number;
  fillfactor: number;
  block_size: number;
  columns: number;
  columns_with_stats: number;
  data_width: number | null;
  has_nulls: boolean;
};

// One query for all btree indexes. pg_stats keeps a plain column's statistics
// under its table, an expression column's under the index itself (named after
// the index's attribute), hence the two-way lookup.
const SQL = `
WITH idx AS (
  SELECT x.indexrelid, x.indrelid, x.indkey, n.nspname, t.relname AS table_name, ic.relname AS index_name,
    ic.reltuples, ic.relpages,
    coalesce((SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int FROM unnest(ic.reloptions) o
              WHERE o LIKE 'fillfactor=%' LIMIT 1), 90) AS fillfactor
  FROM pg_index x
  JOIN pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  WHERE ic.relkind = 'i' AND am.amname = 'btree' AND ${userSchemaPredicate('n.nspname')}
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
  SELECT cols.indexrelid,
    count(*) AS columns,
    count(s.avg_width) AS columns_with_stats,
    sum((1 - s.null_frac) * s.avg_width) AS data_width,
    coalesce(bool_or(s.null_frac > 0), false) AS has_nulls
  FROM cols
  LEFT JOIN pg_stats s
    ON s.schemaname = cols.nspname AND s.tablename = cols.stats_rel AND s.attname = cols.stats_att AND NOT s.inherited
  GROUP BY cols.indexrelid
)
SELECT idx.indexrelid AS oid, idx.reltuples, idx.relpages, idx.fillfactor,
  current_setting('block_size')::int AS block_size,
  widths.columns, widths.columns_with_stats, widths.data_width, widths.has_nulls
FROM idx JOIN widths ON widths.indexrelid = idx.indexrelid
`;

/** Estimated bloat ratio per btree index oid (null: no statistics). Other access methods are absent. */
export async function estimateBtreeBloat(session: PgSession): Promise<Map<number, number | null>> {
  const rows = await session.guarded(CATALOG_GUARD, (q) => q<Row>(SQL));
  const out = new Map<number, number | null>();
  for (const r of rows) {
    out.set(
      Number(r.oid),
      estimateBtreeBloatRatio({
        reltuples: Number(r.reltuples),
        relpages: Number(r.relpages),
        fillfactor: Number(r.fillfactor),
        blockSize: Number(r.block_size),
        columns: Number(r.columns),
        columnsWithStats: Number(r.columns_with_stats),
        dataWidth: Number(r.data_width ?? 0),
        hasNulls: Boolean(r.has_nulls),
      }),
    );
  }
  return out;
}
