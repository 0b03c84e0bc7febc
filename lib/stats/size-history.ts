// The growth of a target over time: the sum of its tables' sizes at each
// sample (see record-size-samples.ts), oldest first.
import 'server-only';
import { store } from '../store/client';

export type SizePoint = { at: string; totalBytes: number };

export async function getSizeHistory(opts: { target: string; limit?: number }): Promise<SizePoint[]> {
  const db = await store();
  const groups = await db.sizeSample.groupBy({
    by: ['at'],
    where: { target: opts.target },
    _sum: { totalBytes: true },
    orderBy: { at: 'desc' },
    take: Math.min(opts.limit ?? 120, 1000),
  });
  return groups.reverse().map((g) => ({ at: g.at.toISOString(), totalBytes: g._sum.totalBytes ?? 0 }));
}
