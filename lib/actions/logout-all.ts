'use server';
// "Log everyone out" on its confirmation page: operators only, and only with
// the table's name typed exactly — checked here, whatever the page's button
// did. Graceful by default (a run of kind logout-all: batches, pause, cancel);
// TRUNCATE only when "instant" was chosen.
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { audit } from '../audit/record';
import { isAppError } from '../errors';
import { listTargets } from '../targets/registry';
import { queueCleanupRun } from '../cleanup/queue-run';
import { logoutAllInstant } from '../session-tables/logout-all-instant';
import { cleanupParamsSchema } from '../schemas/cleanup-params';
import { sessionSpecSchema } from '../schemas/session-spec';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';

export type LogoutAllState = {
  errors?: FieldErrors;
  error?: string;
  runningRunId?: string;
  runningOperationId?: string;
  /** the instant way finished: how many sessions the TRUNCATE removed */
  truncated?: { removed: number; seconds: number };
  values?: Record<string, string>;
};

const SPEC_FIELDS = ['schema', 'table', 'preset', 'expiryColumn', 'expiryType'] as const;
const PARAM_FIELDS = ['deleteCount', 'sleepSeconds'] as const;
const methodSchema = z.enum(['graceful', 'instant'], { error: 'Choose graceful or instant.' });

export async function logoutAllAction(_prev: LogoutAllState, form: FormData): Promise<LogoutAllState> {
  const target = String(form.get('target') ?? '').slice(0, 64);
  const specIn = formFields(form, SPEC_FIELDS);
  const paramsIn = formFields(form, PARAM_FIELDS);
  const { confirm = '', method: methodIn = '' } = formFields(form, ['confirm', 'method']);
  const values = { ...specIn, ...paramsIn, method: methodIn };
  const method = methodSchema.safeParse(methodIn || 'graceful');
  const action = method.success && method.data === 'instant' ? 'logout-all.instant' : 'logout-all.start';
  const where = `${target}:${specIn.schema ?? ''}.${specIn.table ?? ''}`;
  const auth = await authorize(action, 'operator', where);
  if (!auth.ok) return { error: auth.error, values };
  if (!listTargets().some((t) => t.name === target)) return { error: `Unknown target "${target}".`, values };
  if (!method.success) return { error: method.error.issues[0]!.message, values };

  const spec = sessionSpecSchema.safeParse(Object.fromEntries(Object.entries(specIn).filter(([, v]) => v !== '')));
  const params = cleanupParamsSchema.safeParse(paramsIn);
  if (!spec.success || !params.success) {
    const errors = { ...(spec.success ? {} : fieldErrors(spec.error)), ...(params.success ? {} : fieldErrors(params.error)) };
    return { errors, error: errors.form ?? errors.table ?? 'Check the highlighted settings.', values };
  }
  // The typed name, exactly: not trimmed into a match, not case-folded.
  if (form.get('confirm') !== spec.data.table) {
    await audit({ actor: auth.user.username, action, target: where, detail: { reason: 'typed table name did not match', typed: confirm.slice(0, 64) }, outcome: 'denied' });
    return { errors: { confirm: `Type ${spec.data.table} exactly to confirm.` }, error: 'The typed name does not match the table; nothing was deleted.', values };
  }

  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (method.data === 'instant') {
    try {
      const r = await logoutAllInstant({ target: { target }, spec: spec.data, startedBy: auth.user.username });
      revalidatePath(`/targets/${target}`);
      return { truncated: { removed: r.removed, seconds: r.seconds } };
    } catch (e) {
      if (!isAppError(e)) throw e;
      return { error: e.message, runningRunId: str(e.details?.runId), runningOperationId: str(e.details?.operationId), values };
    }
  }

  let runId: string;
  try {
    runId = await queueCleanupRun({ target: { target }, spec: spec.data, params: params.data, startedBy: auth.user.username, kind: 'logout-all' });
  } catch (e) {
    if (!isAppError(e)) throw e;
    await audit({ actor: auth.user.username, action, target: where, detail: { error: e.message }, outcome: e.kind === 'conflict' ? 'denied' : 'error' });
    return { error: e.message, runningRunId: str(e.details?.runId), values };
  }
  revalidatePath('/runs');
  redirect(`/runs/${runId}`);
}
