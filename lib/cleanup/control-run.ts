// An operator's controls over a run: pause, cancel, change knobs. They work on
// the stored run, so they reach the worker whichever process (or thread) runs
// it, within a quarter second; a worker on this thread is also told at once.
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { applyKnobs, cleanupKnobsSchema } from '../schemas/cleanup-params';
import { getRun } from '../store/runs/read-runs';
import { cancelIdleRun, requestControl, updateRunParams } from '../store/runs/write-runs';
import type { RunView } from '../store/runs/run-view';
import { localWorkers } from './execute-run';

async function load(runId: string): Promise<RunView> {
  const run = await getRun(runId);
  if (!run) throw new AppError(`no run ${runId.slice(0, 64)}`, 'not-found');
  return run;
}

const where = (r: RunView) => `${r.target}:${r.schema}.${r.table}`;

export async function pauseRun(runId: string, actor: string): Promise<void> {
  const run = await load(runId);
  if (run.status !== 'running') throw new AppError(`run is ${run.status}; only a running run can be paused`, 'conflict');
  if (!(await requestControl(runId, 'pause'))) throw new AppError('run stopped meanwhile', 'conflict');
  localWorkers.get(runId)?.('pause');
  await audit({ actor, action: `${run.kind}.pause`, target: where(run), detail: { runId }, outcome: 'ok' });
}

export async function cancelRun(runId: string, actor: string): Promise<void> {
  const run = await load(runId);
  if (run.status === 'running') {
    if (!(await requestControl(runId, 'cancel'))) throw new AppError('run stopped meanwhile', 'conflict');
    localWorkers.get(runId)?.('cancel');
  } else if (!(await cancelIdleRun(runId))) {
    throw new AppError(`run is ${run.status}; it cannot be cancelled`, 'conflict');
  }
  await audit({ actor, action: `${run.kind}.cancel`, target: where(run), detail: { runId }, outcome: 'ok' });
}

/** Validates knob changes (sleep, batch size, limits) and stores them; the worker picks them up before its next batch. */
export async function changeKnobs(runId: string, input: unknown, actor: string): Promise<RunView['params']> {
  const knobs = cleanupKnobsSchema.safeParse(input);
  if (!knobs.success) throw new AppError(knobs.error.issues[0]!.message, 'input');
  const run = await load(runId);
  if (!['running', 'paused', 'interrupted', 'queued'].includes(run.status)) throw new AppError(`run is ${run.status}; its settings can no longer change`, 'conflict');
  const params = applyKnobs(run.params, knobs.data);
  if (!(await updateRunParams(runId, params))) throw new AppError('run finished meanwhile', 'conflict');
  await audit({ actor, action: `${run.kind}.knobs`, target: where(run), detail: { runId, changed: knobs.data }, outcome: 'ok' });
  return params;
}
