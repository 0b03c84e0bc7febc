'use server';
import { scheduleChange, type ScheduleChangeResult } from './schedule-change';

/** Stops a schedule firing; its history stays and resume starts it again. */
export async function pauseScheduleAction(scheduleId: unknown): Promise<ScheduleChangeResult> {
  return scheduleChange('pause', scheduleId);
}
