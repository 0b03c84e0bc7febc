// Pausing, resuming and removing a schedule. Removing keeps its runs (and the
// audit log); the occurrences go with it.
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { scheduleIdSchema } from '../schemas/schedule';
import { deleteSchedule, getScheduleRow, setSchedulePaused } from '../store/schedules/schedule-rows';
import { parseOrThrow } from '../cleanup/start-run';

export async function changeSchedule(idInput: unknown, change: 'pause' | 'resume' | 'remove', actor: string): Promise<void> {
  const id = parseOrThrow(scheduleIdSchema, idInput);
  const s = await getScheduleRow(id);
  if (!s) throw new AppError(`no schedule ${id}`, 'not-found');
  const ok = change === 'remove' ? await deleteSchedule(id) : await setSchedulePaused(id, change === 'pause');
  if (!ok && change !== 'remove') throw new AppError(`schedule ${id} is already ${change === 'pause' ? 'paused' : 'active'}`, 'conflict');
  await audit({ actor, action: `schedule.${change}`, target: `${s.target}:${s.schema}.${s.table}`, detail: { scheduleId: id }, outcome: 'ok' });
}
