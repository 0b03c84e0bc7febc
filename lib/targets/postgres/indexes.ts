// All indexes of user tables: size, scans, flags and bloat, in a fixed number
// of queries (list, estimate, and at most a bounded set of pgstatindex calls).
import 'server-only';
import type { IndexStat } from '../../stats/types';
import { CATALOG_GUARD, LOCKED_RELATIONS_CTE, userSchemaPredicate } from './catalog-filter';
import { estimateBtreeBloat } from './index-bloat';
import type { PgSession } from './pg-query';
import { DEFAULT_MEASURE, measureWithPgstattuple, type MeasureOptions } from './pgstattuple-bloat';

type Row = {
  oid: number;
  schema: string;
  table: string;
  name: string;
  method: string;
  bytes: number;
  scans: number | null;
  is_primary: boolean;
  is_unique: boolean;
  is_valid: boolean;
  is_locked: boolean;
  fillfactor: number;
  block_size: number;
};

// Indexes under an ACCESS EXCLUSIVE lock (VACUUM FULL, REINDEX …) are sized
// from pg_class instead of waiting for the lock; see catalog-filter.ts.
const SQL = `
WITH ${LOCKED_RELATIONS_CTE},
listed AS (
  SELECT ic.oid, n.nspname, t.relname AS table_name, ic.relname, ic.relam, ic.relpages, ic.reloptions, x.indisprimary,
    x.indisunique, x.indisvalid,
    EXISTS (SELECT 1 FROM locked WHERE locked.relation IN (ic.oid, t.oid)) AS is_locked
  FROM pg_index x
  JOIN pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE ic.relkind = 'i' AND t.relkind IN ('r', 'm') AND ${userSchemaPredicate('n.nspname')}
)
SELECT i.oid, i.nspname AS schema, i.table_name AS table, i.relname AS name, am.amname AS method,
  CASE WHEN i.is_locked THEN i.relpages::bigint * current_setting('block_size')::bigint
       ELSE pg_relation_size(i.oid) END AS bytes,
  pg_stat_get_numscans(i.oid) AS scans,
  i.indisprimary AS is_primary, i.indisunique AS is_unique, i.indisvalid AS is_valid, i.is_locked,
  coalesce((SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int FROM unnest(i.reloptions) o
            WHERE o LIKE 'fillfactor=%' LIMIT 1), 90) AS fillfactor,
  current_setting('block_size')::int AS block_size
FROM listed i
JOIN pg_am am ON am.oid = i.relam
`;

export async function readIndexes(
  session: PgSession,
  opts: { measure?: MeasureOptions } = {},
): Promise<{ indexes: IndexStat[]; note: string }> {
  const [rows, estimates] = await Promise.all([
    session.guarded(CATALOG_GUARD, (q) => q<Row>(SQL)),
    estimateBtreeBloat(session),
  ]);
  const blockSize = Number(rows[0]?.block_size ?? 8192);

  const candidates = rows
    .filter((r) => r.method === 'btree' && r.is_valid && !r.is_locked && Number(r.bytes) > 0)
    .sort((a, b) => Number(b.bytes) - Number(a.bytes))
    .map((r) => ({ oid: Number(r.oid), fillfactor: Number(r.fillfactor) }));
  const measured = await measureWithPgstattuple(session, candidates, blockSize, opts.measure ?? DEFAULT_MEASURE);

  const indexes: IndexStat[] = rows.map((r) => {
    const oid = Number(r.oid);
    const bytes = Number(r.bytes);
    const measuredRatio = measured.ratios.get(oid);
    const ratio = measuredRatio ?? estimates.get(oid) ?? null;
    return {
      schema: r.schema,
      table: r.table,
      name: r.name,
      bytes,
      bloatBytes: ratio === null ? null : Math.round(bytes * ratio),
      bloatRatio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
      bloatMethod: measuredRatio !== undefined ? 'pgstattuple' : 'estimate',
      scans: r.scans === null ? null : Number(r.scans),
      primary: r.is_primary,
      unique: r.is_unique,
    };
  });
  return { indexes, note: describeMethod(measured, candidates.length) };
}

function describeMethod(m: Awaited<ReturnType<typeof measureWithPgstattuple>>, btreeCount: number): string {
  const estimate = 'estimated from planner statistics (pg_stats); btree only, rough on tiny or heavily duplicated indexes';
  if (!m.extensionSchema) return `Index bloat ${estimate}. Install pgstattuple to measure it.`;
  if (m.denied) return `Index bloat ${estimate}. pgstattuple is installed but this login may not run pgstatindex.`;
  const n = m.ratios.size;
  if (n > 0 && n === btreeCount) return 'Index bloat measured with pgstattuple (pgstatindex) for every btree index; other index types are not estimated.';
  const skipped = m.skipped > 0 ? ` (${m.skipped} more timed out)` : '';
  return n === 0
    ? `Index bloat ${estimate}; pgstattuple measured none in time${skipped}.`
    : `Index bloat of the ${n} largest btree ${n === 1 ? 'index' : 'indexes'} measured with pgstattuple${skipped}; the rest ${estimate}.`;
}
