// The worker of one durable run: drives the engine loop and persists every
// batch (with its cursor) before the next one, beats a heartbeat, and picks up
// an operator's pause / cancel / knob changes from the store between batches,
// so they work from any process (web or CLI) and survive reloads.
import 'server-only';
import { audit } from '../audit/record';
import { notifySafely } from '../alerts/enqueue';
import { notifyRunEnded } from '../alerts/notify-run-ended';
import { cleanupParamsSchema, type CleanupParams } from '../schemas/cleanup-params';
import { discountBatch, finishRun, heartbeat, readControl, recordBatch, undoLastBatch } from '../store/runs/write-runs';
import { AppError } from '../errors';
import { knobsOf, type RunStatus, type ThrottleView } from '../store/runs/run-view';
import type { CleanupCursor, CleanupDriver, StrategyName } from './driver';
import { runCleanup, type BatchEvent, type CleanupResult, type ThrottleEvent } from './engine';
import type { PreparedCleanup } from './prepare';

const HEARTBEAT_MS = 5_000;
/** Control is read from the store at most this often (it is one indexed SQLite read). */
const CONTROL_POLL_MS = 250;

export type RunEvent = BatchEvent | ThrottleEvent;

export type RunOutcome = {
  runId: string;
  status: Extract<RunStatus, 'completed' | 'cancelled' | 'paused' | 'failed'> | 'lost';
  totalDeleted: number;
  batches: number;
  /** this invocation's active time */
  seconds: number;
  error: string | null;
  result: CleanupResult | null;
  /** the ANALYZE after a completed run: how long it took, or why it failed; null when not run */
  analyzed: { seconds: number } | { error: string } | null;
};

/** Workers running on this thread (the CLI's; a web run has its own), so a pause / cancel from here takes effect at once. */
const g = globalThis as unknown as { __janitorWorkers?: Map<string, (reason: string) => void> };
export const localWorkers = (g.__janitorWorkers ??= new Map());

export function executeRun(o: {
  runId: string;
  /** the run's target as stored (a configured name, or url:host:port/db), for the audit log */
  target?: string;
  owner: string;
  driver: CleanupDriver;
  prepared: PreparedCleanup;
  strategy: StrategyName;
  cursor: CleanupCursor;
  resume: { batches: number; totalDeleted: number; activeSeconds: number };
  actor: string;
  onEvent?: (e: RunEvent) => void;
}): { done: Promise<RunOutcome>; stop: (reason: 'cancel' | 'pause') => void } {
  const abort = new AbortController();
  const stop = (reason: string) => abort.abort(reason);
  localWorkers.set(o.runId, stop);

  let params: CleanupParams = cleanupParamsSchema.parse({});
  let lastPoll = 0;
  let pending: string | null = null;
  let lastThrottle: ThrottleView = null;
  // The settings the last stored batch ran with: a batch stores them only when they
  // changed, so a finished run still shows which batches ran with which settings.
  let lastKnobs = '';

  const poll = async (): Promise<string | null> => {
    const now = Date.now();
    if (now - lastPoll < CONTROL_POLL_MS) return pending;
    lastPoll = now;
    const c = await readControl(o.runId);
    if (!c || c.status !== 'running' || c.owner !== o.owner) return (pending = 'lost');
    params = JSON.parse(c.params) as CleanupParams;
    if (c.control === 'pause' || c.control === 'cancel') pending = c.control;
    return pending;
  };

  const beat = setInterval(() => {
    heartbeat(o.runId, o.owner, lastThrottle).then((ok) => { if (!ok) stop('lost'); }, () => {});
  }, HEARTBEAT_MS);
  beat.unref?.();

  const startedAt = Date.now();
  const done = (async (): Promise<RunOutcome> => {
    await poll(); // load the stored params before the first batch
    let result: CleanupResult | null = null;
    let status: RunOutcome['status'];
    let error: string | null = null;
    let analyzed: RunOutcome['analyzed'] = null;
    try {
      result = await runCleanup({
        driver: o.driver,
        table: o.prepared.table,
        bound: o.prepared.bound,
        strategy: o.strategy,
        expiredFraction: o.prepared.estimate.fraction,
        cursor: o.cursor,
        resume: o.resume,
        getParams: () => params,
        shouldStop: poll,
        signal: abort.signal,
        // Stored before the batch commits on the target (see CleanupDriver.beforeCommit).
        recordBatch: async (r) => {
          lastThrottle = toThrottleView(r.throttle);
          const knobs = knobsOf(params);
          const changed = JSON.stringify(knobs) !== lastKnobs;
          lastKnobs = JSON.stringify(knobs);
          const owned = await recordBatch(o.runId, o.owner, {
            knobs: changed ? knobs : null,
            n: r.n,
            deleted: r.deleted,
            totalDeleted: r.totalDeleted,
            ms: r.ms,
            size: r.size,
            cursor: r.cursor,
            check: r.check ? { n: r.n, deleted: r.deleted, check: r.check, prevCursor: r.prevCursor } : null,
            throttle: lastThrottle,
            activeSeconds: o.resume.activeSeconds + (Date.now() - startedAt) / 1000,
          });
          if (!owned) {
            stop('lost');
            // Not ours any more: the batch must not commit behind the new owner's back.
            throw new AppError('the run was taken over or ended elsewhere', 'conflict');
          }
        },
        undoBatch: async (r) => {
          if (!(await undoLastBatch(o.runId, o.owner, r.n))) stop('lost');
        },
        discountBatch: async (r) => {
          if (!(await discountBatch(o.runId, o.owner, r.n, r.deleted))) stop('lost');
        },
        onBatch: (e) => {
          o.onEvent?.(e);
        },
        onThrottle: async (e) => {
          lastThrottle = toThrottleView(e.throttle);
          await heartbeat(o.runId, o.owner, lastThrottle);
          o.onEvent?.(e);
        },
      });
      status = statusOf(result);
      error = result.error?.message ?? null;
      if (status === 'completed' && params.analyze !== false) analyzed = await analyzeTable(o.driver, o.prepared.table);
    } catch (e) {
      status = 'failed';
      error = (e as Error).message.split('\n')[0]!;
    } finally {
      clearInterval(beat);
      localWorkers.delete(o.runId);
      await o.driver.close().catch(() => {});
    }
    const totalDeleted = result?.totalDeleted ?? o.resume.totalDeleted;
    const batches = result?.batches ?? o.resume.batches;
    const activeSeconds = o.resume.activeSeconds + (result?.seconds ?? 0);
    if (status !== 'lost') {
      const ok = await finishRun(o.runId, o.owner, status, { error, cursor: result?.cursor ?? undefined, activeSeconds, totalDeleted, batchCount: batches });
      if (!ok) status = 'lost';
      else
        await audit({
          actor: o.actor,
          action: `cleanup.${status}`,
          target: `${o.target ? `${o.target}:` : ''}${o.prepared.table.schema}.${o.prepared.table.table}`,
          detail: { runId: o.runId, totalDeleted, batches, error, endedBy: result?.endedBy, ...(analyzed ? { analyzed } : {}) },
          outcome: status === 'failed' ? 'error' : 'ok',
        }).catch(() => {});
      // Webhooks that want this end (completed / failed); bounded, never throws.
      if (ok) await notifySafely(`the end of run ${o.runId}`, () => notifyRunEnded(o.runId));
    }
    return { runId: o.runId, status, totalDeleted, batches, seconds: result?.seconds ?? 0, error, result, analyzed };
  })();
  return { done, stop };
}

/** A completed run's last step: fresh planner statistics, so the report's row estimates match what is left. */
async function analyzeTable(driver: CleanupDriver, table: PreparedCleanup['table']): Promise<RunOutcome['analyzed']> {
  if (!driver.analyze) return null;
  const t0 = Date.now();
  try {
    await driver.analyze(table);
    return { seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    // The rows are gone either way; stale statistics are not a failed run.
    return { error: (e as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

function statusOf(r: CleanupResult): RunOutcome['status'] {
  switch (r.endedBy) {
    case 'done':
    case 'iteration-count':
    case 'max-runtime':
    case 'window-end':
    case 'dry-run':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'stopped':
      if (r.stopReason === 'pause') return 'paused';
      if (r.stopReason === 'lost') return 'lost';
      return 'cancelled';
  }
}

function toThrottleView(t: BatchEvent['throttle']): ThrottleView {
  return { state: t.state, reason: t.reason, replicaLagSeconds: t.replicaLagSeconds, activeConnections: t.activeConnections };
}
