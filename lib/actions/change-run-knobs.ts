'use server';
// Changes a run's knobs (sleep, batch size, limits) while it goes; the worker
// picks them up before its next batch, whichever process runs it.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { changeKnobs } from '../cleanup/control-run';
import { getRun } from '../store/runs/read-runs';
import { cleanupKnobsSchema } from '../schemas/cleanup-params';
import { fieldErrors, formFields } from '../cleanup/form-input';
import type { RunActionResult } from './run-action-result';

const runIdSchema = z.string().min(1).max(64);
const KNOB_FIELDS = ['deleteCount', 'sleepSeconds', 'iterationCount', 'maxRuntimeSeconds', 'targetBatchMs', 'maxReplicaLagSeconds', 'maxActiveConnections'] as const;

export async function changeRunKnobsAction(runId: unknown, form: FormData): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const auth = await authorize('cleanup.knobs', 'operator', id.success ? `run:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such run.' };
  const input = formFields(form, KNOB_FIELDS);
  // Delete count and sleep cannot be switched off: left blank they keep their value.
  for (const k of ['deleteCount', 'sleepSeconds'] as const) if (input[k] === '') delete input[k];
  const knobs = cleanupKnobsSchema.safeParse(input);
  if (!knobs.success) return { ok: false, error: 'Check the highlighted settings.', errors: fieldErrors(knobs.error) };
  const run = await getRun(id.data);
  if (!run) return { ok: false, error: 'No such run.' };
  // Only what differs is changed (and audit-logged as changed).
  const changed = Object.fromEntries(Object.entries(knobs.data).filter(([k, v]) => v !== undefined && v !== run.params[k as keyof typeof run.params]));
  if (Object.keys(changed).length === 0) return { ok: true, run };
  try {
    await changeKnobs(id.data, changed, auth.user.username);
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/runs');
  return { ok: true, run: await getRun(id.data) };
}
