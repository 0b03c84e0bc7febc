// The frame of the schedules page's pause / resume / remove buttons: the id
// checked, the role checked (a viewer's attempt audit-logged), lib/ called
// (which audit-logs the change), the page revalidated.
import 'server-only';
import { changeSchedule } from '../schedules/change-schedule';
import { scheduleIdSchema } from '../schemas/schedule';
import { operatorAction } from './operator-action';

export type ScheduleChangeResult = { ok: true } | { ok: false; error: string };

export async function scheduleChange(change: 'pause' | 'resume' | 'remove', idInput: unknown): Promise<ScheduleChangeResult> {
  const id = scheduleIdSchema.safeParse(idInput);
  const r = await operatorAction({
    action: `schedule.${change}`,
    where: id.success ? `schedule:${id.data}` : undefined,
    parsed: id.success ? { ok: true, input: id.data } : { ok: false, error: 'No such schedule.' },
    run: (sid, actor) => changeSchedule(sid, change, actor),
    revalidate: '/schedules',
  });
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}
