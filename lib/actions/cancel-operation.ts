'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { cancelOperation } from '../reclaim/cancel-operation';
import { getOperation } from '../store/operations/read-operations';
import type { OperationView } from '../reclaim/operation-view';

const idSchema = z.string().min(1).max(64);

export type OperationActionResult = { ok: true; operation: OperationView | null } | { ok: false; error: string };

/** Stops a running reclaim; the server rolls the statement back, so the table stays as it was. */
export async function cancelOperationAction(operationId: unknown): Promise<OperationActionResult> {
  const id = idSchema.safeParse(operationId);
  const auth = await authorize('reclaim.cancel', 'operator', id.success ? `operation:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such operation.' };
  try {
    await cancelOperation(id.data, auth.user.username);
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/operations');
  return { ok: true, operation: await getOperation(id.data) };
}
