'use server';
// Changes a run's knobs (sleep, batch size, limits) while it goes; the worker
// picks them up before its next batch, whichever process runs it.
import { AppError } from '../errors';
import { changeKnobs } from '../cleanup/control-run';
import { getRun } from '../store/runs/read-runs';
import { cleanupKnobsSchema, type CleanupKnobs } from '../schemas/cleanup-params';
import { fieldErrors, formFields } from '../cleanup/form-input';
import type { Parsed } from './operator-action';
import { runControl, type RunActionResult } from './run-action-result';

const KNOB_FIELDS = ['deleteCount', 'sleepSeconds', 'iterationCount', 'maxRuntimeSeconds', 'targetBatchMs', 'maxReplicaLagSeconds', 'maxActiveConnections'] as const;

function parseKnobs(form: FormData): Parsed<CleanupKnobs> {
  const input = formFields(form, KNOB_FIELDS);
  // Delete count and sleep cannot be switched off: left blank they keep their value.
  for (const k of ['deleteCount', 'sleepSeconds'] as const) if (input[k] === '') delete input[k];
  const knobs = cleanupKnobsSchema.safeParse(input);
  return knobs.success ? { ok: true, input: knobs.data } : { ok: false, error: 'Check the highlighted settings.', errors: fieldErrors(knobs.error) };
}

export async function changeRunKnobsAction(runId: unknown, form: FormData): Promise<RunActionResult> {
  return runControl(
    'cleanup.knobs',
    runId,
    async ({ id, more: knobs }, actor) => {
      const run = await getRun(id);
      if (!run) throw new AppError('No such run.', 'not-found');
      // Only what differs is changed (and audit-logged as changed).
      const changed = Object.fromEntries(Object.entries(knobs).filter(([k, v]) => v !== undefined && v !== run.params[k as keyof typeof run.params]));
      if (Object.keys(changed).length > 0) await changeKnobs(id, changed, actor);
    },
    parseKnobs(form),
  );
}
