// The newest figures of every target as the store holds them, for the metrics
// endpoint: nothing here talks to a target.
import 'server-only';
import { store } from '../store/client';

export type LatestTable = { target: string; schema: string; table: string; totalBytes: number; indexBytes: number | null; deadRows: number | null };
export type LatestSessions = { target: string; schema: string; table: string; expired: number; live: number };
export type TargetUp = { target: string; up: boolean; at: Date };

/** Each target's tables at its newest sample (only `target`'s when given). */
export async function latestTables(target?: string): Promise<LatestTable[]> {
  const db = await store();
  const newest = await db.sizeSample.groupBy({ by: ['target'], where: target ? { target } : {}, _max: { at: true } });
  const rows = await Promise.all(
    newest.map((n) =>
      db.sizeSample.findMany({
        where: { target: n.target, at: n._max.at! },
        select: { target: true, schema: true, table: true, totalBytes: true, indexBytes: true, deadRows: true },
      }),
    ),
  );
  return rows.flat();
}

/** Per session table, the newest sample that holds counts (the scheduled sample counts them, and so does a report). */
export async function latestSessionCounts(): Promise<LatestSessions[]> {
  const db = await store();
  const newest = await db.sizeSample.groupBy({ by: ['target', 'schema', 'table'], where: { expiredRows: { not: null } }, _max: { at: true } });
  const rows = await Promise.all(
    newest.map((n) =>
      db.sizeSample.findFirst({
        where: { target: n.target, schema: n.schema, table: n.table, at: n._max.at!, expiredRows: { not: null } },
        select: { target: true, schema: true, table: true, expiredRows: true, liveRows: true },
      }),
    ),
  );
  return rows.filter((r) => r !== null).map((r) => ({ target: r.target, schema: r.schema, table: r.table, expired: r.expiredRows ?? 0, live: r.liveRows ?? 0 }));
}

/** Whether each target answered its last finished sample. */
export async function targetsUp(targets: string[]): Promise<TargetUp[]> {
  const db = await store();
  const out: TargetUp[] = [];
  for (const target of targets) {
    const slot = await db.sizeSampleSlot.findFirst({
      where: { target, status: { in: ['up', 'down'] } },
      orderBy: { bucketStart: 'desc' },
      select: { status: true, finishedAt: true, bucketStart: true },
    });
    if (slot) out.push({ target, up: slot.status === 'up', at: slot.finishedAt ?? slot.bucketStart });
  }
  return out;
}
