// A worker: takes queued runs from the queue (up to `concurrency` at once),
// beats in the store so the dashboard knows it, and every few seconds sweeps:
// runs whose worker died go back to the queue (the takeover, decided by the
// run's lease in lib/store/work/ownership.ts), queued runs are offered again,
// and due schedule occurrences fire. It also keeps the size-history timer
// (lib/history). `janitor worker` runs one; the web server
// runs one on a thread of its own unless `janitor serve --no-worker`.
//
// Stopping (SIGTERM) is graceful: no new runs are taken, each running run
// finishes its batch and goes back to the queue, where another worker
// continues it.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { redact } from '../redact';
import { ownerId, interruptAbandoned } from '../store/work/ownership';
import { queueForResume } from '../store/runs/write-runs';
import { store } from '../store/client';
import { beatWorker, registerWorker, removeWorker } from '../store/workers/worker-rows';
import { workQueuedRun } from '../cleanup/work-queued-run';
import type { StartedRun } from '../cleanup/start-run';
import { fireDueSchedules } from '../schedules/fire-due';
import { startHistorySampling } from '../history/start-history-sampling';
import { afterRun } from './after-run';
import { workQueuedOperation } from '../reclaim/work-queued-operation';
import { startAlertDelivery } from '../alerts/delivery-loop';
import { checkThresholds } from '../alerts/check-thresholds';
import { thresholdFigures } from '../alerts/threshold-figures';
import { runQueue, type WorkRef } from './queue';

/** How often a worker beats, looks for dead workers' runs and for due schedules. */
export const SWEEP_MS = 5_000;

export type RunningWorker = { id: string; engine: string; stop(): Promise<void> };

export async function startWorker(o: { kind: 'worker' | 'web'; concurrency: number; log?: (m: string) => void }): Promise<RunningWorker> {
  // Everything a worker prints goes through redact: errors from targets can quote what they were given.
  const print = o.log ?? ((m: string) => console.log(m));
  const log = (m: string) => print(redact(m));
  const id = ownerId(randomBytes(4).toString('hex'));
  await registerWorker({ id, kind: o.kind, concurrency: o.concurrency });
  const queue = await runQueue({ worker: true });
  const running = new Map<string, StartedRun>();
  let stopping = false;

  const reclaims = new Map<string, Promise<unknown>>();
  const handle = async (work: WorkRef) => {
    if (stopping) return;
    if (work.kind === 'operation') return workOperation(work.id);
    const runId = work.id;
    const w = await workQueuedRun({ runId, owner: id });
    if ('skipped' in w) return;
    running.set(runId, w);
    void beatWorker(id, workingOn()).catch(() => undefined);
    log(`worker: run ${runId} on ${w.prepared.table.schema}.${w.prepared.table.table} started`);
    try {
      const out = await w.done;
      log(`worker: run ${runId} ${out.status}: ${out.totalDeleted} rows deleted in ${out.batches} batches${out.error ? ` (${out.error})` : ''}`);
      if (!stopping) await afterRun(runId, out, log);
    } finally {
      running.delete(runId);
      void beatWorker(id, workingOn()).catch(() => undefined);
    }
  };
  // A reclaim cannot stop half-way (VACUUM FULL and OPTIMIZE are all or
  // nothing): a stopping worker waits for it.
  const workOperation = async (operationId: string) => {
    const w = await workQueuedOperation({ operationId, owner: id });
    if ('skipped' in w) return void log(`worker: reclaim ${operationId} not started: ${w.skipped}`);
    reclaims.set(operationId, w.done);
    void beatWorker(id, workingOn()).catch(() => undefined);
    try {
      const r = await w.done;
      log(`worker: reclaim ${operationId} ${r.status}${r.error ? ` (${r.error})` : ''}`);
    } finally {
      reclaims.delete(operationId);
      void beatWorker(id, workingOn()).catch(() => undefined);
    }
  };
  const workingOn = () => [...[...running.keys()].map((i) => ({ kind: 'run' as const, id: i })), ...[...reclaims.keys()].map((i) => ({ kind: 'operation' as const, id: i }))];
  const stopWork = await queue.work({ concurrency: o.concurrency, handle });
  // Every worker also sends the alerts waiting in the store; claims keep two workers from sending one twice.
  const stopAlerts = startAlertDelivery({ log });

  const sweep = async () => {
    await beatWorker(id, workingOn());
    // The takeover: a fleet run whose worker is gone goes back to the queue.
    const taken = await interruptAbandoned('run');
    if (taken > 0) log(`worker: ${taken} run${taken === 1 ? '' : 's'} of a stopped worker back in the queue`);
    if (queue.engine === 'pg-boss') {
      const db = await store();
      for (const r of await db.run.findMany({ where: { status: 'queued' }, select: { id: true }, take: 100 })) await queue.send({ kind: 'run', id: r.id });
      for (const o of await db.operation.findMany({ where: { status: 'queued' }, select: { id: true }, take: 100 })) await queue.send({ kind: 'operation', id: o.id });
    }
    await fireDueSchedules({ log });
  };
  let sweeping = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = sweeping.then(sweep).catch((e: unknown) => log(`worker: sweep failed: ${redact(String((e as Error)?.message ?? e)).split('\n')[0]}`));
  }, SWEEP_MS);
  sweeping = sweeping.then(sweep).catch(() => undefined);
  // Size history: every worker keeps the timer; a slot in the store lets one sample each target per interval.
  // After a sample this process took, the alert thresholds are checked against it (once per sample across the fleet).
  const stopSampling = startHistorySampling({
    log,
    onSample: ({ target, outcome }) => {
      if (outcome !== 'sampled') return;
      void thresholdFigures(target)
        .then(checkThresholds)
        .catch((e: unknown) => log(`worker: alert thresholds of "${target}" could not be checked: ${redact(String((e as Error)?.message ?? e)).split('\n')[0]}`));
    },
  });
  log(`worker: ${id} working queued runs (${o.concurrency} at once, queue: ${queue.engine})`);

  return {
    id,
    engine: queue.engine,
    async stop() {
      stopping = true;
      clearInterval(timer);
      await sweeping;
      await stopSampling();
      await stopWork();
      await stopAlerts();
      // Each run finishes its batch, then waits in the queue for another worker.
      await Promise.all(
        [...running.entries()].map(async ([runId, w]) => {
          w.stop('pause');
          const out = await w.done.catch(() => null);
          if (out?.status === 'paused' && (await queueForResume(runId, ['paused']))) {
            await queue.send({ kind: 'run', id: runId }).catch(() => undefined);
            log(`worker: run ${runId} handed back to the queue at batch ${out.batches}`);
          }
        }),
      );
      await Promise.allSettled(reclaims.values());
      await removeWorker(id).catch(() => undefined);
    },
  };
}
