// The progress stream of one reclaim operation, as Server-Sent Events (see
// lib/sse/poll-stream). The worker persists its progress about once a second;
// this reads it back for every viewer (the read marks it interrupted when its
// process died, so viewers see that without a reload).
//
// Events:
//   id: <n> / event: attempt / data: OperationEvent  — an attempt that could not get its lock
//   event: operation / data: OperationView           — when the operation changes
//   event: end                                       — finished, all sent
// Only attempt events carry an id, so a reconnect (Last-Event-ID) resumes
// after the last one the browser has, without repeating it.
import 'server-only';
import { pollStream } from '../sse/poll-stream';
import type { OperationStatus, OperationView } from './operation-view';
import { getOperation } from '../store/operations/read-operations';

const FINISHED: OperationStatus[] = ['completed', 'failed', 'interrupted'];
export const isOperationFinished = (s: OperationStatus) => FINISHED.includes(s);

function snapshotKey(op: OperationView): string {
  const { heartbeatAt: _ignored, ...rest } = op;
  return JSON.stringify(rest);
}

export function operationEventStream(opts: { operationId: string; after: number | null; signal: AbortSignal; pollMs?: number }): ReadableStream<Uint8Array> {
  let lastN = opts.after ?? 0;
  let lastKey = '';
  return pollStream({
    name: 'operation',
    signal: opts.signal,
    pollMs: opts.pollMs,
    async poll(send) {
      const op = await getOperation(opts.operationId);
      if (!op) {
        send('gone', { operationId: opts.operationId });
        return 'end';
      }
      for (const e of op.events) {
        if (e.n > lastN) {
          send('attempt', e, e.n);
          lastN = e.n;
        }
      }
      const key = snapshotKey(op);
      if (key !== lastKey) {
        send('operation', op);
        lastKey = key;
      }
      if (isOperationFinished(op.status)) {
        send('end', { status: op.status });
        return 'end';
      }
      return 'continue';
    },
  });
}
