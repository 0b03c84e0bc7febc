// A worker takes one queued reclaim: claims it (queued → running under its
// owner id), then runs the same checks, lock and statement as a reclaim
// started in the foreground. One that cannot start (the table is busy, the
// target refuses) ends failed with the reason.
import 'server-only';
import { isAppError, toUserMessage } from '../errors';
import { store } from '../store/client';
import { claimOperation, failQueuedOperation } from '../store/operations/write-operations';
import type { ReclaimResult } from './execute-types';
import { startReclaim } from './execute';

export async function workQueuedOperation(o: { operationId: string; owner: string }): Promise<{ done: Promise<ReclaimResult> } | { skipped: string }> {
  const db = await store();
  const op = await db.operation.findUnique({ where: { id: o.operationId } });
  if (!op || op.status !== 'queued') return { skipped: op ? `operation is ${op.status}` : 'no such operation' };
  if (op.target.startsWith('url:')) return { skipped: 'a queued reclaim needs a configured target' };
  if (!(await claimOperation(op.id, o.owner))) return { skipped: 'another worker took it' };
  try {
    const started = await startReclaim({ target: { target: op.target }, schema: op.schema, table: op.table, params: JSON.parse(op.params) as Record<string, unknown>, startedBy: op.startedBy }, { operationId: op.id, owner: o.owner });
    return { done: started.done };
  } catch (e) {
    const message = isAppError(e) ? e.message : toUserMessage(e);
    await failQueuedOperation(op.id, o.owner, message);
    return { skipped: message };
  }
}
