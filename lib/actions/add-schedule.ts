'use server';
// "Add schedule" on the schedules page: operators only. Each field is checked
// here (the message goes under it), then lib/ checks the rest against the
// target (the table, its expiry column, the mode) and audit-logs the schedule.
import { z } from 'zod';
import { audit } from '../audit/record';
import { createSchedule } from '../schedules/create-schedule';
import { scheduleFieldsSchema } from '../schemas/schedule';
import { sessionSpecSchema } from '../schemas/session-spec';
import { cleanupParamsSchema } from '../schemas/cleanup-params';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';
import { operatorAction, type Parsed } from './operator-action';

export type AddScheduleState = {
  errors?: FieldErrors;
  error?: string;
  /** the schedule just added, so the form can say so */
  added?: { id: string; table: string; next: string | null; tz: string };
};

const FIELDS = ['target', 'schema', 'table', 'rule', 'preset', 'expiryColumn', 'expiryType', 'ttlSeconds', 'cron', 'tz', 'until', 'then', 'deleteCount', 'sleepSeconds'] as const;

/** How the rows expire: found from the table, a named preset, or a column of the operator's choosing. */
const ruleSchema = z.enum(['detect', 'preset', 'custom'], { error: 'Choose how rows expire' });

type AddInput = { schedule: Record<string, unknown>; spec: Record<string, unknown>; params: Record<string, unknown> };

function parseAdd(v: Record<string, string>): Parsed<AddInput> {
  const rule = ruleSchema.safeParse(v.rule || 'detect');
  const specIn = {
    schema: v.schema || undefined,
    table: v.table,
    ...(rule.data === 'preset' ? { preset: v.preset || '' } : {}),
    ...(rule.data === 'custom' ? { expiryColumn: v.expiryColumn ?? '', expiryType: v.expiryType || undefined, ttlSeconds: v.ttlSeconds || undefined } : {}),
  };
  const scheduleIn = { target: v.target, cron: v.cron, tz: v.tz, until: v.until, then: v.then };
  const paramsIn = { deleteCount: v.deleteCount, sleepSeconds: v.sleepSeconds };
  const schedule = scheduleFieldsSchema.safeParse(scheduleIn);
  const spec = sessionSpecSchema.safeParse(specIn);
  const params = cleanupParamsSchema.safeParse(paramsIn);
  if (rule.success && schedule.success && spec.success && params.success) return { ok: true, input: { schedule: scheduleIn, spec: specIn, params: paramsIn } };
  const errors: FieldErrors = {
    ...(rule.success ? {} : { rule: rule.error.issues[0]!.message }),
    ...(schedule.success ? {} : fieldErrors(schedule.error)),
    ...(spec.success ? {} : fieldErrors(spec.error)),
    ...(params.success ? {} : fieldErrors(params.error)),
  };
  return { ok: false, error: errors.form ?? '', errors };
}

export async function addScheduleAction(_prev: AddScheduleState, form: FormData): Promise<AddScheduleState> {
  const values = formFields(form, FIELDS);
  const where = `${values.target ?? ''}:${values.schema ?? ''}.${values.table ?? ''}`;
  const r = await operatorAction({
    action: 'schedule.add',
    where,
    parsed: parseAdd(values),
    run: (input, actor) => createSchedule({ ...input, createdBy: actor }),
    onFailure: (e, actor) => audit({ actor, action: 'schedule.add', target: where, detail: { error: e.message }, outcome: 'error' }),
    revalidate: '/schedules',
  });
  if (r.ok) return { added: { id: r.value.id, table: `${r.value.schema}.${r.value.table}`, next: r.value.next[0] ?? null, tz: r.value.tz } };
  return { errors: r.errors, error: r.error || undefined };
}
