// When each schedule last ran to success, for
// janitor_schedule_last_success_timestamp_seconds: the finish of the newest
// completed run among its occurrences. A schedule that never succeeded is
// absent (an alert rule on absent() or on age catches both).
import 'server-only';
import { store } from '../store/client';

export type ScheduleSuccess = { schedule: string; at: Date };

export async function lastScheduleSuccesses(): Promise<ScheduleSuccess[]> {
  const db = await store();
  const runs = await db.run.findMany({
    where: { scheduleId: { not: null }, status: 'completed', finishedAt: { not: null } },
    orderBy: { finishedAt: 'desc' },
    select: { scheduleId: true, finishedAt: true },
    take: 1000,
  });
  const last = new Map<string, Date>();
  for (const r of runs) if (!last.has(r.scheduleId!)) last.set(r.scheduleId!, r.finishedAt!);
  return [...last].map(([schedule, at]) => ({ schedule, at }));
}
