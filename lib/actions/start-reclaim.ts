'use server';
// "Start" on the reclaim page: operators only. The operation is queued; a
// worker (this server's own, or a janitor worker) runs it. The browser is sent
// to its page, which streams its progress.
import { redirect } from 'next/navigation';
import { audit } from '../audit/record';
import { listTargets } from '../targets/registry';
import { queueReclaim } from '../reclaim/queue-reclaim';
import { reclaimParamsSchema, reclaimTableSchema, type ReclaimParams } from '../schemas/reclaim';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';
import { operatorAction, type Parsed } from './operator-action';

export type StartReclaimState = {
  errors?: FieldErrors;
  error?: string;
  /** set when a cleanup run or another operation is active on the table */
  runningRunId?: string;
  runningOperationId?: string;
  /** what was submitted, so the form shows it again next to the errors */
  values?: Record<string, string>;
};

const FIELDS = ['schema', 'table', 'mode', 'lockTimeoutSeconds', 'statementTimeoutSeconds', 'retries', 'retryPauseSeconds'] as const;

type StartInput = { schema?: string; table: string; params: ReclaimParams };

function parseStart(target: string, values: Record<string, string>): Parsed<StartInput> {
  if (!listTargets().some((t) => t.name === target)) return { ok: false, error: `Unknown target "${target}".` };
  const ref = reclaimTableSchema.safeParse({ schema: values.schema || undefined, table: values.table });
  const params = reclaimParamsSchema.safeParse(values);
  if (ref.success && params.success) return { ok: true, input: { ...ref.data, params: params.data } };
  const errors = { ...(ref.success ? {} : fieldErrors(ref.error)), ...(params.success ? {} : fieldErrors(params.error)) };
  return { ok: false, error: errors.form ?? errors.table ?? errors.mode ?? 'Check the highlighted settings.', errors };
}

export async function startReclaimAction(_prev: StartReclaimState, form: FormData): Promise<StartReclaimState> {
  const target = String(form.get('target') ?? '').slice(0, 64);
  const values = formFields(form, FIELDS);
  const where = `${target}:${values.schema ?? ''}.${values.table ?? ''}`;
  const r = await operatorAction({
    action: 'reclaim.start',
    where,
    parsed: parseStart(target, values),
    run: ({ schema, table, params }, actor) => queueReclaim({ target: { target }, schema, table, params, startedBy: actor }),
    onFailure: async (e, actor) => {
      await audit({ actor, action: 'reclaim.start', target: where, detail: { error: e.message }, outcome: e.kind === 'conflict' ? 'denied' : 'error' });
    },
    revalidate: '/operations',
  });
  if (r.ok) redirect(`/operations/${r.value}`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { errors: r.errors, error: r.error, runningRunId: str(r.details?.runId), runningOperationId: str(r.details?.operationId), values };
}
