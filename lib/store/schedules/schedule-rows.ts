// Schedules and their occurrences in the store. An occurrence row is unique
// per (schedule, time): the worker whose insert succeeds fires it, so each
// occurrence fires once however many workers notice it.
import 'server-only';
import { store } from '../client';
import { isUniqueViolation } from '../unique-violation';

export type ScheduleRow = {
  id: string; target: string; schema: string; table: string; spec: string; params: string; cron: string; tz: string;
  then: string | null; until: string | null; paused: boolean; createdBy: string; createdAt: Date; checkedTo: Date;
};

export type OccurrenceStatus = 'started' | 'skipped' | 'missed' | 'failed';

export async function insertSchedule(s: Omit<ScheduleRow, 'id' | 'createdAt' | 'checkedTo' | 'paused'>): Promise<ScheduleRow> {
  const db = await store();
  return db.schedule.create({ data: { ...s, checkedTo: new Date() } });
}

export async function listScheduleRows(opts: { activeOnly?: boolean } = {}): Promise<ScheduleRow[]> {
  const db = await store();
  return db.schedule.findMany({ where: opts.activeOnly ? { paused: false } : {}, orderBy: { createdAt: 'asc' } });
}

export async function getScheduleRow(id: string): Promise<ScheduleRow | null> {
  const db = await store();
  return db.schedule.findUnique({ where: { id } });
}

/** Pausing keeps the schedule; resuming settles what fell due meanwhile from now on, so nothing old fires. */
export async function setSchedulePaused(id: string, paused: boolean): Promise<boolean> {
  const db = await store();
  const r = await db.schedule.updateMany({ where: { id, paused: !paused }, data: { paused, ...(paused ? {} : { checkedTo: new Date() }) } });
  return r.count === 1;
}

export async function deleteSchedule(id: string): Promise<boolean> {
  const db = await store();
  const r = await db.schedule.deleteMany({ where: { id } });
  return r.count === 1;
}

/** Moves the schedule's settled-up-to mark forward (never back: two workers may sweep at once). */
export async function advanceCheckedTo(id: string, to: Date): Promise<void> {
  const db = await store();
  await db.schedule.updateMany({ where: { id, checkedTo: { lt: to } }, data: { checkedTo: to } });
}

/** Claims an occurrence; false when another worker already has it. */
export async function claimOccurrence(scheduleId: string, dueAt: Date, status: OccurrenceStatus, reason: string | null = null): Promise<number | null> {
  const db = await store();
  try {
    const r = await db.scheduleOccurrence.create({ data: { scheduleId, dueAt, status, reason } });
    return r.id;
  } catch (e) {
    if (isUniqueViolation(e)) return null;
    throw e;
  }
}

export async function settleOccurrence(id: number, data: { status: OccurrenceStatus; reason?: string | null; runId?: string | null }): Promise<void> {
  const db = await store();
  await db.scheduleOccurrence.update({ where: { id }, data });
}

export type OccurrenceRow = { id: number; scheduleId: string; dueAt: Date; status: string; reason: string | null; runId: string | null; at: Date };

export async function recentOccurrences(scheduleId: string, take = 10): Promise<OccurrenceRow[]> {
  const db = await store();
  return db.scheduleOccurrence.findMany({ where: { scheduleId }, orderBy: { dueAt: 'desc' }, take });
}
