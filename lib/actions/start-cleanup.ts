'use server';
// "Start cleanup" on the cleanup form: operators only. The run is queued; a
// worker (this server's own, or a janitor worker) takes it. The browser is
// sent to the run page, which streams its progress from any web instance.
import { redirect } from 'next/navigation';
import { audit } from '../audit/record';
import { listTargets } from '../targets/registry';
import { queueCleanupRun } from '../cleanup/queue-run';
import { getRun } from '../store/runs/read-runs';
import { cleanupParamsSchema, type CleanupParams } from '../schemas/cleanup-params';
import { sessionSpecSchema, type SessionSpecInput } from '../schemas/session-spec';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';
import { operatorAction, type Parsed } from './operator-action';

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

type StartInput = { spec: SessionSpecInput; params: CleanupParams };

function parseStart(target: string, specIn: Record<string, string>, paramsIn: Record<string, string>): Parsed<StartInput> {
  if (!listTargets().some((t) => t.name === target)) return { ok: false, error: `Unknown target "${target}".` };
  // Blank optional spec fields mean "not given" (the preset's own rule applies).
  const spec = sessionSpecSchema.safeParse(Object.fromEntries(Object.entries(specIn).filter(([, v]) => v !== '')));
  const params = cleanupParamsSchema.safeParse(paramsIn);
  if (spec.success && params.success) return { ok: true, input: { spec: spec.data, params: params.data } };
  const errors = { ...(spec.success ? {} : fieldErrors(spec.error)), ...(params.success ? {} : fieldErrors(params.error)) };
  return { ok: false, error: errors.form ?? '', errors };
}

export async function startCleanupAction(_prev: StartCleanupState, form: FormData): Promise<StartCleanupState> {
  const target = String(form.get('target') ?? '').slice(0, 64);
  const specIn = formFields(form, SPEC_FIELDS);
  const paramsIn = formFields(form, PARAM_FIELDS);
  // An unticked checkbox sends nothing; the hidden field says the form had one.
  if (form.get('analyzeField')) paramsIn.analyze = form.get('analyze') === 'on' ? 'true' : 'false';
  const values = { ...specIn, ...paramsIn };
  const r = await operatorAction({
    action: 'cleanup.start',
    where: `${target}:${specIn.schema ?? ''}.${specIn.table ?? ''}`,
    parsed: parseStart(target, specIn, paramsIn),
    run: ({ spec, params }, actor) => queueCleanupRun({ target: { target }, spec, params, startedBy: actor }),
    onFailure: (e, actor, { spec }) =>
      audit({ actor, action: 'cleanup.start', target: `${target}:${spec.schema ?? ''}.${spec.table}`, detail: { error: e.message }, outcome: 'error' }),
    revalidate: '/runs',
  });
  if (r.ok) redirect(`/runs/${r.value}`);
  const running = r.kind === 'conflict' && typeof r.details?.runId === 'string' ? r.details.runId : undefined;
  const status = running ? (await getRun(running))?.status : undefined;
  return { errors: r.errors, error: r.error || undefined, runningRunId: running, runningStatus: status, values };
}
