'use server';
// "Start cleanup" on the cleanup form: operators only. The run's worker keeps
// going on a thread of this process after the action returns; the browser is sent to the
// run page, which streams its progress.
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { authorize } from '../auth/guard';
import { audit } from '../audit/record';
import { isAppError } from '../errors';
import { listTargets } from '../targets/registry';
import { runOnThread } from '../cleanup/run-on-thread';
import { getRun } from '../store/runs/read-runs';
import { cleanupParamsSchema } from '../schemas/cleanup-params';
import { sessionSpecSchema } from '../schemas/session-spec';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';

export type StartCleanupState = {
  errors?: FieldErrors;
  error?: string;
  /** set when a run is already going (or paused) on this table */
  runningRunId?: string;
  runningStatus?: string;
  /** what was submitted, so the form shows it again next to the errors */
  values?: Record<string, string>;
};

const SPEC_FIELDS = ['schema', 'table', 'preset', 'expiryColumn', 'expiryType', 'ttlSeconds', 'timestampZone'] as const;
const PARAM_FIELDS = ['deleteCount', 'sleepSeconds', 'iterationCount', 'maxRuntimeSeconds', 'targetBatchMs', 'maxReplicaLagSeconds', 'maxActiveConnections', 'strategy'] as const;

export async function startCleanupAction(_prev: StartCleanupState, form: FormData): Promise<StartCleanupState> {
  const target = String(form.get('target') ?? '').slice(0, 64);
  const specIn = formFields(form, SPEC_FIELDS);
  const paramsIn = formFields(form, PARAM_FIELDS);
  // An unticked checkbox sends nothing; the hidden field says the form had one.
  if (form.get('analyzeField')) paramsIn.analyze = form.get('analyze') === 'on' ? 'true' : 'false';
  const values = { ...specIn, ...paramsIn };
  const auth = await authorize('cleanup.start', 'operator', `${target}:${specIn.schema ?? ''}.${specIn.table ?? ''}`);
  if (!auth.ok) return { error: auth.error, values };
  if (!listTargets().some((t) => t.name === target)) return { error: `Unknown target "${target}".`, values };

  // Blank optional spec fields mean "not given" (the preset's own rule applies).
  const spec = sessionSpecSchema.safeParse(Object.fromEntries(Object.entries(specIn).filter(([, v]) => v !== '')));
  const params = cleanupParamsSchema.safeParse(paramsIn);
  if (!spec.success || !params.success) {
    const errors = { ...(spec.success ? {} : fieldErrors(spec.error)), ...(params.success ? {} : fieldErrors(params.error)) };
    return { errors, error: errors.form, values };
  }

  let runId: string;
  try {
    // The run goes on, on a thread of its own, after this request; its outcome is in the store (and the audit log).
    ({ runId } = await runOnThread({ op: 'start', input: { target: { target }, spec: spec.data, params: params.data, startedBy: auth.user.username } }));
  } catch (e) {
    if (!isAppError(e)) throw e;
    await audit({ actor: auth.user.username, action: 'cleanup.start', target: `${target}:${spec.data.schema ?? ''}.${spec.data.table}`, detail: { error: e.message }, outcome: 'error' });
    const running = e.kind === 'conflict' && typeof e.details?.runId === 'string' ? e.details.runId : undefined;
    const status = running ? (await getRun(running))?.status : undefined;
    return { error: e.message, runningRunId: running, runningStatus: status, values };
  }
  revalidatePath('/runs');
  redirect(`/runs/${runId}`);
}
