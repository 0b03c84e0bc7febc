// Reads of the size history: one table's series, a database's total series
// (the sum of its tables at each sample), the raw rows for an export.
import 'server-only';
import { z } from 'zod';
import { store } from '../store/client';
import type { SizePoint } from './forecast';

export const RANGES_DAYS = [7, 30, 365] as const;
export type RangeDays = (typeof RANGES_DAYS)[number];
/** ?range= on the report page and the export: one of RANGES_DAYS. */
export const rangeSchema = z.coerce
  .number()
  .refine((n): n is RangeDays => (RANGES_DAYS as readonly number[]).includes(n), { message: `range must be ${RANGES_DAYS.join(', ')} (days)` })
  .transform((n) => n as RangeDays);
const DAY_MS = 86_400_000;

export type HistoryRow = {
  target: string;
  schema: string;
  table: string;
  at: string;
  resolution: string;
  totalBytes: number;
  indexBytes: number | null;
  deadRows: number | null;
  rowEstimate: number | null;
  expiredRows: number | null;
  liveRows: number | null;
};

const since = (days: number, now: Date) => new Date(now.getTime() - days * DAY_MS);

/** A database's total over the last `days`: the sum of its tables at each sample, oldest first. */
export async function databaseSeries(opts: { target: string; days: number; now?: Date }): Promise<SizePoint[]> {
  const db = await store();
  const groups = await db.sizeSample.groupBy({
    by: ['at'],
    where: { target: opts.target, at: { gte: since(opts.days, opts.now ?? new Date()) } },
    _sum: { totalBytes: true },
    orderBy: { at: 'asc' },
  });
  return groups.map((g) => ({ at: g.at.getTime(), bytes: g._sum.totalBytes ?? 0 }));
}

export type TableKey = { schema: string; table: string };

/** The given tables' series over the last `days`, keyed "schema.table", oldest first. */
export async function tableSeries(opts: { target: string; days: number; tables: TableKey[]; now?: Date }): Promise<Map<string, { schema: string; table: string; points: SizePoint[] }>> {
  if (opts.tables.length === 0) return new Map();
  const db = await store();
  const rows = await db.sizeSample.findMany({
    where: { target: opts.target, at: { gte: since(opts.days, opts.now ?? new Date()) }, OR: opts.tables.map((t) => ({ schema: t.schema, table: t.table })) },
    orderBy: { at: 'asc' },
    select: { schema: true, table: true, at: true, totalBytes: true },
  });
  const out = new Map<string, { schema: string; table: string; points: SizePoint[] }>();
  for (const r of rows) {
    const key = `${r.schema}.${r.table}`;
    let s = out.get(key);
    if (!s) out.set(key, (s = { schema: r.schema, table: r.table, points: [] }));
    s.points.push({ at: r.at.getTime(), bytes: r.totalBytes });
  }
  return out;
}

/**
 * The tables that grew the most over the last `days`, by their first and last
 * sample in that span: two samples read, however many tables and samples there
 * are, so only the leaders' whole series need to be read and fitted.
 */
export async function growthLeaders(opts: { target: string; days: number; limit: number; now?: Date }): Promise<TableKey[]> {
  const db = await store();
  const span = await db.sizeSample.aggregate({ where: { target: opts.target, at: { gte: since(opts.days, opts.now ?? new Date()) } }, _min: { at: true }, _max: { at: true } });
  if (!span._min.at || !span._max.at || span._min.at.getTime() === span._max.at.getTime()) return [];
  const select = { schema: true, table: true, totalBytes: true } as const;
  const [first, last] = await Promise.all([
    db.sizeSample.findMany({ where: { target: opts.target, at: span._min.at }, select }),
    db.sizeSample.findMany({ where: { target: opts.target, at: span._max.at }, select }),
  ]);
  const before = new Map(first.map((r) => [`${r.schema}.${r.table}`, r.totalBytes]));
  return last
    .map((r) => ({ schema: r.schema, table: r.table, change: r.totalBytes - (before.get(`${r.schema}.${r.table}`) ?? r.totalBytes) }))
    .filter((r) => r.change > 0)
    .sort((a, b) => b.change - a.change)
    .slice(0, opts.limit)
    .map(({ schema, table }) => ({ schema, table }));
}

/** The stored rows for an export, oldest first; optionally one table's. */
export async function historyRows(opts: { target: string; schema?: string; table?: string; days: number; now?: Date }): Promise<HistoryRow[]> {
  const db = await store();
  const rows = await db.sizeSample.findMany({
    where: {
      target: opts.target,
      ...(opts.schema ? { schema: opts.schema } : {}),
      ...(opts.table ? { table: opts.table } : {}),
      at: { gte: since(opts.days, opts.now ?? new Date()) },
    },
    orderBy: [{ at: 'asc' }, { schema: 'asc' }, { table: 'asc' }],
  });
  return rows.map((r) => ({
    target: r.target,
    schema: r.schema,
    table: r.table,
    at: r.at.toISOString(),
    resolution: r.resolution,
    totalBytes: r.totalBytes,
    indexBytes: r.indexBytes,
    deadRows: r.deadRows,
    rowEstimate: r.rowEstimate,
    expiredRows: r.expiredRows,
    liveRows: r.liveRows,
  }));
}
