// An operator stops a queued or running reclaim. The request is stored, so it reaches the
// worker whichever process runs it (it reads the request with its progress,
// about once a second); a worker in this process is told at once. Cancelling
// a VACUUM FULL or OPTIMIZE TABLE rolls it back: the table stays as it was.
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { cancelReclaim } from './execute';
import { getOperation } from '../store/operations/read-operations';
import { cancelQueuedOperation, requestOperationControl } from '../store/operations/write-operations';

export async function cancelOperation(operationId: string, actor: string): Promise<void> {
  const op = await getOperation(operationId);
  if (!op) throw new AppError(`operation ${operationId.slice(0, 40)} does not exist`, 'not-found');
  if (op.status === 'queued') {
    // Nothing ran yet: it ends here, before any worker takes it.
    if (!(await cancelQueuedOperation(operationId, `cancelled by ${actor} before it started`))) throw new AppError('operation started meanwhile; cancel it again', 'conflict');
  } else if (op.status !== 'running') {
    throw new AppError(`operation is ${op.status}; only a queued or running operation can be cancelled`, 'conflict');
  } else if (!(await requestOperationControl(operationId, 'cancel'))) throw new AppError('operation finished meanwhile', 'conflict');
  cancelReclaim(operationId);
  await audit({ actor, action: 'reclaim.cancel', target: `${op.target}:${op.schema}.${op.table}`, detail: { operationId, mode: op.mode }, outcome: 'ok' });
}
