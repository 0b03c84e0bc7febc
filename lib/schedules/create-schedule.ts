// Adding a schedule, from the dashboard or `janitor schedules add`. Everything
// is checked now, against the target too (the table, its expiry column, the
// zone), so a mistake is refused when it is made, not at 03:00.
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { scheduleFieldsSchema } from '../schemas/schedule';
import { cleanupParamsSchema } from '../schemas/cleanup-params';
import { sessionSpecSchema } from '../schemas/session-spec';
import { resolveSessionSpec } from '../session-tables/resolve-spec';
import { defaultSchemaOf, resolveTarget } from '../targets/resolve';
import { listTargets } from '../targets/registry';
import { insertSchedule } from '../store/schedules/schedule-rows';
import { parseOrThrow } from '../cleanup/start-run';
import { assertTableReady } from '../session-tables/assert-table-ready';
import { assertModeFits } from '../reclaim/modes';
import { scheduleView, type ScheduleView } from './schedule-view';

export async function createSchedule(input: { schedule: Record<string, unknown>; spec: Record<string, unknown>; params: Record<string, unknown>; createdBy: string }): Promise<ScheduleView> {
  const fields = parseOrThrow(scheduleFieldsSchema, input.schedule);
  const spec = parseOrThrow(sessionSpecSchema, input.spec);
  const params = parseOrThrow(cleanupParamsSchema, input.params);
  if (params.dryRun) throw new AppError('a schedule cannot be a dry run', 'input');
  const info = listTargets().find((t) => t.name === fields.target);
  if (!info) throw new AppError(`unknown target "${fields.target}"; schedules run on configured targets (JANITOR_TARGET_<NAME>)`, 'input');
  // A mode the target's dialect does not run would only fail after the 03:00 run.
  if (fields.then) assertModeFits(info.dialect, fields.then);
  const target = { target: fields.target };
  const adapter = resolveTarget(target);
  const resolved = await resolveSessionSpec(adapter, spec, defaultSchemaOf(target));
  await assertTableReady(adapter, resolved, fields.target);
  const row = await insertSchedule({
    target: fields.target,
    schema: resolved.schema,
    table: resolved.table,
    // As given: each occurrence resolves it again, as a start from the form would.
    spec: JSON.stringify({ ...spec, schema: resolved.schema }),
    params: JSON.stringify(params),
    cron: fields.cron,
    tz: fields.tz,
    then: fields.then ?? null,
    until: fields.until ?? null,
    createdBy: input.createdBy,
  });
  await audit({ actor: input.createdBy, action: 'schedule.add', target: `${fields.target}:${resolved.schema}.${resolved.table}`, detail: { scheduleId: row.id, cron: fields.cron, tz: fields.tz, then: fields.then ?? null, until: fields.until ?? null }, outcome: 'ok' });
  return scheduleView(row, []);
}
