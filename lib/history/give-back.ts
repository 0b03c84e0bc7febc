// What a cleanup and a rewrite would give back now, from the figures the space
// report already has (no extra query): for a session table, its expired rows'
// share of the table; for any table, the index bloat the report estimated or
// measured, the dead rows' share of the heap (PostgreSQL) and the free space
// InnoDB reports (MySQL DATA_FREE). Estimates, labelled as such on the page.
import type { IndexStat, SessionTableStat, TableStat } from '../stats/types';

export type GiveBack = {
  /** the expired rows' share of the table: freed inside the table by a cleanup, returned to the disk by a rewrite after it */
  cleanupBytes: number | null;
  /** returned to the disk by a rewrite (VACUUM FULL / OPTIMIZE TABLE) now, before any cleanup */
  rewriteBytes: number;
};

export function giveBack(t: TableStat, indexes: IndexStat[], session: SessionTableStat | undefined): GiveBack {
  const bloat = indexes.filter((i) => i.schema === t.schema && i.table === t.name).reduce((n, i) => n + (i.bloatBytes ?? 0), 0);
  const dead = t.deadRows ?? 0;
  const deadShare = dead > 0 ? dead / (dead + Math.max(0, t.rowEstimate)) : 0;
  const rewriteBytes = Math.min(t.totalBytes, bloat + deadShare * t.tableBytes + (t.freeBytes ?? 0));
  const cleanupBytes = session && session.total > 0 ? (session.expired / session.total) * t.totalBytes : null;
  return { cleanupBytes, rewriteBytes };
}
