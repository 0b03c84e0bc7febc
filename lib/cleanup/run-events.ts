// The progress stream of one run, as Server-Sent Events. It reads the store,
// not the worker, because the run may be executed by another process (the
// CLI, another app instance) or by none (paused, interrupted); every viewer
// gets its own stream and they all see the same persisted batches.
//
// Events:
//   id: <batch n> / event: batch / data: BatchView   — one per stored batch
//   event: run / data: RunView                       — when the run changes
//   event: end                                       — finished, all sent
// Only batch events carry an id, so the browser's Last-Event-ID on reconnect
// is the last batch it has; the stream resumes after it without duplicates.
import 'server-only';
import { getRun, listBatches } from '../store/runs/read-runs';
import { markInterruptedRuns } from '../store/runs/mark-interrupted';
import type { RunStatus, RunView } from '../store/runs/run-view';

export const POLL_MS = 500;
export const HEARTBEAT_MS = 15_000;
/** How often a stream checks for runs whose process died (so viewers see "interrupted" without a reload). */
const INTERRUPTED_CHECK_MS = 5_000;
/** A viewer arriving without a resume point gets the recent batches the chart shows, not a long run's whole history. */
export const RECENT_BATCHES = 200;
const PAGE = 500;

const FINISHED: RunStatus[] = ['completed', 'cancelled', 'failed'];
export const isFinished = (s: RunStatus) => FINISHED.includes(s);

/** The resume point: Last-Event-ID (a reconnect) wins over ?after= (the page's first connection). */
export function resumePoint(lastEventId: string | null, after: string | null): number | null {
  for (const v of [lastEventId, after]) {
    if (v !== null && /^\d{1,12}$/.test(v.trim())) return Number(v.trim());
  }
  return null;
}

function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The heartbeat timestamp changes every few seconds without anything a viewer sees changing. */
function snapshotKey(run: RunView): string {
  const { heartbeatAt: _ignored, ...rest } = run;
  return JSON.stringify(rest);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function runEventStream(opts: {
  runId: string;
  /** send batches after this number; null: the last RECENT_BATCHES */
  after: number | null;
  /** the request's signal: aborted when the viewer goes away */
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  const pollMs = opts.pollMs ?? POLL_MS;
  const encoder = new TextEncoder();
  // Aborted by the viewer leaving (request signal) or the stream being cancelled.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (opts.signal.aborted) stop.abort();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const send = (chunk: string) => {
        if (stop.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop.abort(); // the consumer is gone
        }
      };
      const finish = () => {
        clearInterval(heartbeat);
        opts.signal.removeEventListener('abort', onAbort);
        if (!stop.signal.aborted) {
          stop.abort();
          try {
            controller.close();
          } catch {
            // already closed by the consumer
          }
        }
      };
      // A comment line keeps proxies and the browser from timing out an idle stream (a paused run sends nothing else).
      heartbeat = setInterval(() => send(': heartbeat\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);

      void (async () => {
        send('retry: 2000\n\n');
        let lastN = opts.after;
        let lastKey = '';
        let lastInterruptedCheck = 0;
        while (!stop.signal.aborted) {
          if (Date.now() - lastInterruptedCheck >= INTERRUPTED_CHECK_MS) {
            lastInterruptedCheck = Date.now();
            await markInterruptedRuns();
          }
          // The run is read before its batches: a batch and the run's totals are
          // stored in one transaction, so every batch the snapshot counts is
          // already visible to the batch read that follows.
          const run = await getRun(opts.runId);
          if (!run) {
            send(frame('gone', { runId: opts.runId }));
            break;
          }
          lastN ??= Math.max(0, run.batchCount - RECENT_BATCHES);
          for (;;) {
            const batches = await listBatches(opts.runId, lastN, PAGE);
            for (const b of batches) send(frame('batch', b, b.n));
            if (batches.length) lastN = batches.at(-1)!.n;
            if (batches.length < PAGE || stop.signal.aborted) break;
          }
          const key = snapshotKey(run);
          if (key !== lastKey) {
            send(frame('run', run));
            lastKey = key;
          }
          // Finished before the batch read above: no batch can follow.
          if (isFinished(run.status)) {
            send(frame('end', { status: run.status }));
            break;
          }
          await sleep(pollMs, stop.signal);
        }
      })()
        .catch((e: unknown) => {
          console.error('run event stream failed:', e);
          send(frame('stream-error', { message: 'The progress stream failed; reconnecting.' }));
        })
        .finally(finish);
    },
    cancel() {
      clearInterval(heartbeat);
      opts.signal.removeEventListener('abort', onAbort);
      stop.abort();
    },
  });
}
