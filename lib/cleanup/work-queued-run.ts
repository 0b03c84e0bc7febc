// A worker takes one queued run: claims it (queued → running under its owner
// id; of two workers offered the same run, one wins), locks the table on the
// target, and then either plans it (a new run) or settles its last batch and
// goes on from its cursor (a run resumed by an operator, or taken over after
// its worker died), exactly as a resume does.
import 'server-only';
import { audit } from '../audit/record';
import { isAppError } from '../errors';
import { resolveTarget } from '../targets/resolve';
import { getRun } from '../store/runs/read-runs';
import { claimRun, finishRun, heartbeat, planClaimedRun, readCursor, requeueRun, undoLastBatch } from '../store/runs/write-runs';
import type { CleanupCursor, CleanupDriver } from './driver';
import { firstCursor, prepareCleanup, type PreparedCleanup } from './prepare';
import { executeRun, type RunEvent } from './execute-run';
import { cutoffFor, lastBatchInDoubt, lockTable, selectionFor, specOfRun, type StartedRun } from './start-run';

/** While the worker locks and plans (an exact count can take a while), the run's lease must not lapse. */
const PREPARE_BEAT_MS = 5_000;

export type WorkedRun = StartedRun | { runId: string; skipped: string };

export async function workQueuedRun(o: { runId: string; owner: string; onEvent?: (e: RunEvent) => void }): Promise<WorkedRun> {
  const run = await getRun(o.runId);
  if (!run || run.status !== 'queued') return { runId: o.runId, skipped: run ? `run is ${run.status}` : 'no such run' };
  if (!(await claimRun(run.id, o.owner, ['queued']))) return { runId: o.runId, skipped: 'another worker took it' };
  const beat = setInterval(() => void heartbeat(run.id, o.owner).catch(() => undefined), PREPARE_BEAT_MS);
  let driver: CleanupDriver | null = null;
  try {
    const adapter = resolveTarget(selectionFor(run));
    const spec = specOfRun(run, adapter);
    try {
      driver = await lockTable(adapter, run.target, spec);
    } catch (e) {
      // The table is locked by someone this store does not know of (another
      // store's run, or a dead worker's connection the server has not yet
      // noticed): wait in the queue and try again.
      if (isAppError(e) && e.kind === 'conflict') {
        await requeueRun(run.id, o.owner, `waiting for the table: ${e.message}`);
        return { runId: run.id, skipped: e.message };
      }
      throw e;
    }
    const fresh = run.strategy === null;
    const prepared = await prepareCleanup({
      driver,
      spec,
      cutoff: fresh ? cutoffFor(spec, run.kind) : new Date(run.cutoff!),
      params: run.params,
      everySession: run.kind === 'logout-all',
    });
    let cursor: CleanupCursor;
    let resume = { batches: 0, totalDeleted: 0, activeSeconds: 0 };
    if (fresh) {
      cursor = await firstCursor(driver, prepared);
      await planClaimedRun(run.id, o.owner, {
        cutoff: prepared.cutoff,
        strategy: prepared.plan.strategy,
        strategyReason: prepared.plan.reason,
        expiredAtStart: prepared.estimate.method === 'exact' ? prepared.estimate.expired : Math.round(prepared.estimate.expired),
        cursor,
        timestampZone: prepared.table.reading.kind === 'wall-clock' ? (spec.timestampZone ?? null) : null,
      });
    } else {
      const last = await lastBatchInDoubt(run.id, driver, prepared);
      if (last && !last.committed) await undoLastBatch(run.id, o.owner, last.n);
      const current = (await getRun(run.id))!;
      cursor = (await readCursor(run.id)) as CleanupCursor;
      resume = { batches: current.batchCount, totalDeleted: current.totalDeleted, activeSeconds: current.activeSeconds };
    }
    await audit({
      actor: run.startedBy,
      action: `${run.kind}.${fresh ? 'start' : 'resume'}`,
      target: `${run.target}:${run.schema}.${run.table}`,
      detail: { runId: run.id, worker: o.owner, ...(fresh ? { strategy: prepared.plan.strategy, expired: prepared.estimate.expired } : { fromBatch: resume.batches, takeovers: run.takeovers }) },
      outcome: 'ok',
    });
    clearInterval(beat);
    const worker = executeRun({
      runId: run.id,
      target: run.target,
      owner: o.owner,
      driver,
      prepared,
      strategy: (fresh ? prepared.plan.strategy : run.strategy) as PreparedCleanup['plan']['strategy'],
      cursor,
      resume,
      actor: run.startedBy,
      onEvent: o.onEvent,
    });
    driver = null; // executeRun closes it
    return { runId: run.id, prepared, done: worker.done, stop: worker.stop };
  } catch (e) {
    // Planning failed (the table went away, the target refused): the run ends
    // failed with the reason, as a foreground start would have said it.
    const message = (e as Error).message.split('\n')[0]!;
    await finishRun(run.id, o.owner, 'failed', { error: message }).catch(() => undefined);
    await audit({ actor: run.startedBy, action: `${run.kind}.failed`, target: `${run.target}:${run.schema}.${run.table}`, detail: { runId: run.id, error: message }, outcome: 'error' }).catch(() => undefined);
    return { runId: run.id, skipped: message };
  } finally {
    clearInterval(beat);
    await driver?.close().catch(() => undefined);
  }
}
