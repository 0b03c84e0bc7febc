// Writes one sample of a target: a row per table, all with the same `at`.
// Sizes, dead rows and row estimates come from the one catalog query; session
// tables also carry their expired and live counts (sample-target.ts, or the
// report's own when a report is the sample).
import 'server-only';
import { store } from '../store/client';
import type { TableStat } from '../stats/types';

export type SessionCount = { schema: string; table: string; expired: number; live: number };

type TableFigures = Pick<TableStat, 'schema' | 'name' | 'totalBytes'> & Partial<Pick<TableStat, 'indexBytes' | 'deadRows' | 'rowEstimate'>>;

export async function writeSample(opts: { target: string; at: Date; tables: TableFigures[]; sessions?: SessionCount[] }): Promise<number> {
  if (opts.tables.length === 0) return 0;
  const sessions = new Map((opts.sessions ?? []).map((s) => [`${s.schema}.${s.table}`, s]));
  const db = await store();
  const r = await db.sizeSample.createMany({
    data: opts.tables.map((t) => {
      const s = sessions.get(`${t.schema}.${t.name}`);
      return {
        target: opts.target,
        schema: t.schema,
        table: t.name,
        totalBytes: t.totalBytes,
        indexBytes: t.indexBytes ?? null,
        deadRows: t.deadRows ?? null,
        rowEstimate: t.rowEstimate ?? null,
        expiredRows: s?.expired ?? null,
        liveRows: s?.live ?? null,
        at: opts.at,
      };
    }),
  });
  return r.count;
}

/**
 * A report taken in an interval the schedule already sampled: its session
 * counts go onto that sample's rows (a few rows, one per session table), so
 * the latest counts reach the history and the metrics without a second sample.
 */
export async function addSessionCounts(opts: { target: string; bucketStart: Date; sessions: SessionCount[] }): Promise<void> {
  if (opts.sessions.length === 0) return;
  const db = await store();
  for (const s of opts.sessions) {
    await db.sizeSample.updateMany({
      where: { target: opts.target, schema: s.schema, table: s.table, resolution: 'fine', at: { gte: opts.bucketStart } },
      data: { expiredRows: s.expired, liveRows: s.live },
    });
  }
}
