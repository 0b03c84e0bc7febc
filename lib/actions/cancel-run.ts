'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { cancelRun } from '../cleanup/control-run';
import { getRun } from '../store/runs/read-runs';
import type { RunActionResult } from './run-action-result';

const runIdSchema = z.string().min(1).max(64);

/** Ends a run for good: a running one after its current batch, a paused or interrupted one at once. */
export async function cancelRunAction(runId: unknown): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const auth = await authorize('cleanup.cancel', 'operator', id.success ? `run:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such run.' };
  try {
    await cancelRun(id.data, auth.user.username);
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/runs');
  return { ok: true, run: await getRun(id.data) };
}
