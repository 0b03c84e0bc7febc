'use server';
import { scheduleChange, type ScheduleChangeResult } from './schedule-change';

/** Starts a paused schedule again from now on (what fell due while paused does not fire). */
export async function resumeScheduleAction(scheduleId: unknown): Promise<ScheduleChangeResult> {
  return scheduleChange('resume', scheduleId);
}
