'use server';
import { z } from 'zod';
import { cancelOperation } from '../reclaim/cancel-operation';
import { getOperation } from '../store/operations/read-operations';
import type { OperationView } from '../reclaim/operation-view';
import { operatorAction } from './operator-action';

const idSchema = z.string().min(1).max(64);

export type OperationActionResult = { ok: true; operation: OperationView | null } | { ok: false; error: string };

/** Stops a running reclaim; the server rolls the statement back, so the table stays as it was. */
export async function cancelOperationAction(operationId: unknown): Promise<OperationActionResult> {
  const id = idSchema.safeParse(operationId);
  const r = await operatorAction({
    action: 'reclaim.cancel',
    where: id.success ? `operation:${id.data}` : undefined,
    parsed: id.success ? { ok: true, input: id.data } : { ok: false, error: 'No such operation.' },
    run: (opId, actor) => cancelOperation(opId, actor),
    revalidate: '/operations',
  });
  return r.ok ? { ok: true, operation: await getOperation(id.data!) } : r;
}
