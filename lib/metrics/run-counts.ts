// Cleanup runs as the store records them, for the metrics endpoint.
import 'server-only';
import { store } from '../store/client';

export type RunCount = { target: string; status: string; runs: number; deletedRows: number };

export async function runCounts(): Promise<RunCount[]> {
  const db = await store();
  const groups = await db.run.groupBy({ by: ['target', 'status'], _count: { _all: true }, _sum: { totalDeleted: true } });
  return groups.map((g) => ({ target: g.target, status: g.status, runs: g._count._all, deletedRows: g._sum.totalDeleted ?? 0 }));
}
