// The progress stream of one run, as Server-Sent Events (see lib/sse/poll-stream).
//
// Events:
//   id: <batch n> / event: batch / data: BatchView   — one per stored batch
//   event: run / data: RunView                       — when the run changes
//   event: end                                       — finished, all sent
// Only batch events carry an id, so the browser's Last-Event-ID on reconnect
// is the last batch it has; the stream resumes after it without duplicates.
import 'server-only';
import type { RunStatus, RunView } from '../store/runs/run-view';
import { POLL_MS, pollStream } from '../sse/poll-stream';
import { sharedBatches, sharedRun } from './shared-run-reads';

export { resumePoint } from '../sse/poll-stream';

/** A viewer arriving without a resume point gets the recent batches the chart shows, not a long run's whole history. */
export const RECENT_BATCHES = 200;
const PAGE = 500;

const FINISHED: RunStatus[] = ['completed', 'cancelled', 'failed'];
export const isFinished = (s: RunStatus) => FINISHED.includes(s);

/** The heartbeat timestamp changes every few seconds without anything a viewer sees changing. */
function snapshotKey(run: RunView): string {
  const { heartbeatAt: _ignored, ...rest } = run;
  return JSON.stringify(rest);
}

export function runEventStream(opts: {
  runId: string;
  /** send batches after this number; null: the last RECENT_BATCHES */
  after: number | null;
  /** the request's signal: aborted when the viewer goes away */
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  let lastN = opts.after;
  let lastKey = '';
  // Every stream of this process shares reads younger than half a poll.
  const maxAgeMs = (opts.pollMs ?? POLL_MS) / 2;
  return pollStream({
    name: 'run',
    signal: opts.signal,
    pollMs: opts.pollMs,
    heartbeatMs: opts.heartbeatMs,
    async poll(send, stopped) {
      // The run is read before its batches: a batch and the run's totals are
      // stored in one transaction, so every batch the snapshot counts is
      // already visible to the batch read that follows.
      const { run, seq } = await sharedRun(opts.runId, maxAgeMs);
      if (!run) {
        send('gone', { runId: opts.runId });
        return 'end';
      }
      lastN ??= Math.max(0, run.batchCount - RECENT_BATCHES);
      for (;;) {
        const batches = await sharedBatches(opts.runId, lastN, PAGE, seq, maxAgeMs);
        for (const b of batches) send('batch', b, b.n);
        if (batches.length) lastN = batches.at(-1)!.n;
        if (batches.length < PAGE || stopped.aborted) break;
      }
      const key = snapshotKey(run);
      if (key !== lastKey) {
        send('run', run);
        lastKey = key;
      }
      // Finished before the batch read above: no batch can follow.
      if (isFinished(run.status)) {
        send('end', { status: run.status });
        return 'end';
      }
      return 'continue';
    },
  });
}
