// Keeps the history small: fine samples for FINE_DAYS days; before that one
// row per table per UTC day (the day's last fine sample, a real reading rather
// than an average of readings taken around a cleanup); nothing older than
// DAILY_DAYS. Run once a day by the sampling timer (one process, by a slot).
// Idempotent: each stretch of days is rolled up in one transaction that first
// deletes that stretch's daily rows, so a second pass rewrites the same rows.
import 'server-only';
import { store } from '../store/client';

export const FINE_DAYS = 7;
export const DAILY_DAYS = 365;
const DAY_MS = 86_400_000;
/** Days rolled up in one transaction: bounds the rows read at once after a long pause. */
const CHUNK_DAYS = 31;

export type DownsampleResult = { daysRolledUp: number; fineDeleted: number; dailyDeleted: number; slotsDeleted: number };

export async function downsample(opts: { now?: Date } = {}): Promise<DownsampleResult> {
  const now = opts.now ?? new Date();
  // Whole UTC days only: a day is rolled up once all its fine samples are past FINE_DAYS.
  const fineCutoff = new Date(Math.floor((now.getTime() - FINE_DAYS * DAY_MS) / DAY_MS) * DAY_MS);
  const dailyCutoff = new Date(now.getTime() - DAILY_DAYS * DAY_MS);
  const db = await store();
  const result: DownsampleResult = { daysRolledUp: 0, fineDeleted: 0, dailyDeleted: 0, slotsDeleted: 0 };

  // The oldest fine rows past the cutoff, a target and up to CHUNK_DAYS days at a time.
  for (;;) {
    const oldest = await db.sizeSample.findFirst({
      where: { resolution: 'fine', at: { lt: fineCutoff } },
      orderBy: { at: 'asc' },
      select: { target: true, at: true },
    });
    if (!oldest) break;
    const from = new Date(Math.floor(oldest.at.getTime() / DAY_MS) * DAY_MS);
    const to = new Date(Math.min(from.getTime() + CHUNK_DAYS * DAY_MS, fineCutoff.getTime()));
    const inChunk = { target: oldest.target, at: { gte: from, lt: to } };
    const rows = await db.sizeSample.findMany({ where: { ...inChunk, resolution: 'fine' }, orderBy: { at: 'asc' } });
    const days = new Map<number, Map<string, (typeof rows)[number]>>();
    for (const r of rows) {
      const day = Math.floor(r.at.getTime() / DAY_MS);
      let last = days.get(day);
      if (!last) days.set(day, (last = new Map()));
      last.set(`${r.schema}\u0000${r.table}`, r); // ascending: the day's last reading wins
    }
    // One moment per day for all its tables, as every fine sample has one,
    // so a database's total is still the sum of the rows at one `at`.
    const daily = [...days.values()].flatMap((last) => {
      const dayAt = new Date(Math.max(...[...last.values()].map((r) => r.at.getTime())));
      return [...last.values()].map(({ id: _id, ...r }) => ({ ...r, at: dayAt, resolution: 'day' }));
    });
    const [, , deleted] = await db.$transaction([
      db.sizeSample.deleteMany({ where: { ...inChunk, resolution: 'day' } }),
      db.sizeSample.createMany({ data: daily }),
      db.sizeSample.deleteMany({ where: { ...inChunk, resolution: 'fine' } }),
    ]);
    result.daysRolledUp += days.size;
    result.fineDeleted += deleted.count;
  }

  result.dailyDeleted = (await db.sizeSample.deleteMany({ where: { at: { lt: dailyCutoff } } })).count;
  // Slots only guard the current interval and tell whether a target is up; a week is plenty.
  result.slotsDeleted = (await db.sizeSampleSlot.deleteMany({ where: { bucketStart: { lt: new Date(now.getTime() - FINE_DAYS * DAY_MS) } } })).count;
  return result;
}
