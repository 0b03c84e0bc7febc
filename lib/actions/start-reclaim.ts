'use server';
// "Start" on the reclaim page: operators only. The operation keeps going in
// this process after the action returns; the browser is sent to its page,
// which streams its progress.
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { authorize } from '../auth/guard';
import { audit } from '../audit/record';
import { isAppError } from '../errors';
import { listTargets } from '../targets/registry';
import { startReclaim } from '../reclaim/execute';
import { reclaimParamsSchema, reclaimTableSchema } from '../schemas/reclaim';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';

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

export async function startReclaimAction(_prev: StartReclaimState, form: FormData): Promise<StartReclaimState> {
  const target = String(form.get('target') ?? '').slice(0, 64);
  const values = formFields(form, FIELDS);
  const where = `${target}:${values.schema ?? ''}.${values.table ?? ''}`;
  const auth = await authorize('reclaim.start', 'operator', where);
  if (!auth.ok) return { error: auth.error, values };
  if (!listTargets().some((t) => t.name === target)) return { error: `Unknown target "${target}".`, values };

  const ref = reclaimTableSchema.safeParse({ schema: values.schema || undefined, table: values.table });
  const params = reclaimParamsSchema.safeParse(values);
  if (!ref.success || !params.success) {
    const errors = { ...(ref.success ? {} : fieldErrors(ref.error)), ...(params.success ? {} : fieldErrors(params.error)) };
    return { errors, error: errors.form ?? errors.table ?? errors.mode ?? 'Check the highlighted settings.', values };
  }

  let operationId: string;
  try {
    const started = await startReclaim({ target: { target }, schema: ref.data.schema, table: ref.data.table, params: params.data, startedBy: auth.user.username });
    // The operation outlives this request; its outcome is in the store (and the audit log).
    started.done.catch((e: unknown) => console.error(`reclaim operation ${started.operationId} failed:`, e));
    operationId = started.operationId;
  } catch (e) {
    if (!isAppError(e)) throw e;
    // Refusals for a busy table are audited by startReclaim itself.
    if (e.kind !== 'conflict') await audit({ actor: auth.user.username, action: 'reclaim.start', target: where, detail: { error: e.message }, outcome: 'error' });
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { error: e.message, runningRunId: str(e.details?.runId), runningOperationId: str(e.details?.operationId), values };
  }
  revalidatePath('/operations');
  redirect(`/operations/${operationId}`);
}
