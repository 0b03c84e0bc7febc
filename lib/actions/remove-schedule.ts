'use server';
import { scheduleChange, type ScheduleChangeResult } from './schedule-change';

/** Removes a schedule and its occurrences; its runs and the audit log stay. */
export async function removeScheduleAction(scheduleId: unknown): Promise<ScheduleChangeResult> {
  return scheduleChange('remove', scheduleId);
}
