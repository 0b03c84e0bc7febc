// Every user table's sizes, row estimate, dead rows and maintenance times in
// one catalog query. Partition leaves are ordinary tables here; partitioned
// parents own no storage and are left out. Materialized views take disk, so
// they are listed too.
import 'server-only';
import type { TableStat } from '../../stats/types';
import { CATALOG_GUARD, LOCKED_RELATIONS_CTE, userSchemaPredicate } from './catalog-filter';
import type { PgSession } from './pg-query';

type Row = {
  schema: string;
  name: string;
  reltuples: number;
  live_tuples: number | null;
  dead_tuples: number | null;
  total_bytes: number | null;
  index_bytes: number | null;
  toast_bytes: number | null;
  last_vacuum: Date | null;
  last_autovacuum: Date | null;
  last_analyze: Date | null;
  last_autoanalyze: Date | null;
};

// Sizes come from the size functions (exact, they stat the files), except for
// relations under an ACCESS EXCLUSIVE lock: those are read from pg_class
// (relpages as of the last VACUUM/ANALYZE) rather than waiting for the lock.
// CASE evaluates only the branch it takes, so a locked table is never opened.
// MATERIALIZED: is_locked is computed once per table, not once per CASE.
const SQL = `
WITH ${LOCKED_RELATIONS_CTE},
rel AS MATERIALIZED (
  SELECT c.oid, n.nspname, c.relname, c.reltuples, c.relpages, c.reltoastrelid,
    EXISTS (
      SELECT 1 FROM locked
      WHERE locked.relation = c.oid
         OR locked.relation = c.reltoastrelid
         OR locked.relation IN (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid)
    ) AS is_locked
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND ${userSchemaPredicate('n.nspname')}
),
pages AS (
  SELECT rel.*,
    current_setting('block_size')::bigint AS bs,
    CASE WHEN rel.is_locked THEN
      (SELECT coalesce(sum(ic.relpages), 0) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = rel.oid)
    END AS index_pages,
    CASE WHEN rel.is_locked THEN
      (SELECT coalesce(sum(tc.relpages), 0) FROM pg_class tc
        WHERE tc.oid = rel.reltoastrelid
           OR tc.oid IN (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = rel.reltoastrelid AND rel.reltoastrelid <> 0))
    END AS toast_pages
  FROM rel
)
SELECT
  nspname AS schema,
  relname AS name,
  reltuples,
  pg_stat_get_live_tuples(oid) AS live_tuples,
  pg_stat_get_dead_tuples(oid) AS dead_tuples,
  CASE WHEN is_locked THEN (relpages + index_pages + toast_pages) * bs ELSE pg_total_relation_size(oid) END AS total_bytes,
  CASE WHEN is_locked THEN index_pages * bs ELSE pg_indexes_size(oid) END AS index_bytes,
  CASE WHEN reltoastrelid = 0 THEN 0
       WHEN is_locked THEN toast_pages * bs
       ELSE pg_total_relation_size(reltoastrelid) END AS toast_bytes,
  pg_stat_get_last_vacuum_time(oid) AS last_vacuum,
  pg_stat_get_last_autovacuum_time(oid) AS last_autovacuum,
  pg_stat_get_last_analyze_time(oid) AS last_analyze,
  pg_stat_get_last_autoanalyze_time(oid) AS last_autoanalyze
FROM pages
`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function readTables(session: PgSession): Promise<TableStat[]> {
  const rows = await session.guarded(CATALOG_GUARD, (q) => q<Row>(SQL));
  return rows.map((r) => {
    // pg_total_relation_size returns NULL for a table dropped while the query ran.
    const totalBytes = Number(r.total_bytes ?? 0);
    const indexBytes = Number(r.index_bytes ?? 0);
    const toastBytes = Number(r.toast_bytes ?? 0);
    return {
      schema: r.schema,
      name: r.name,
      // reltuples is -1 until the first VACUUM/ANALYZE (PostgreSQL 14+)
      rowEstimate: r.reltuples >= 0 ? Math.round(r.reltuples) : Number(r.live_tuples ?? 0),
      tableBytes: Math.max(0, totalBytes - indexBytes - toastBytes),
      indexBytes,
      toastBytes,
      totalBytes,
      deadRows: Number(r.dead_tuples ?? 0),
      freeBytes: null,
      lastVacuum: iso(r.last_vacuum),
      lastAutovacuum: iso(r.last_autovacuum),
      lastAnalyze: iso(r.last_analyze),
      lastAutoanalyze: iso(r.last_autoanalyze),
    };
  });
}
