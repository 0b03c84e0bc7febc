'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { pauseRun } from '../cleanup/control-run';
import { getRun } from '../store/runs/read-runs';
import type { RunActionResult } from './run-action-result';

const runIdSchema = z.string().min(1).max(64);

/** Asks a running run to stop after its current batch; it can be resumed from there. */
export async function pauseRunAction(runId: unknown): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const auth = await authorize('cleanup.pause', 'operator', id.success ? `run:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such run.' };
  try {
    await pauseRun(id.data, auth.user.username);
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/runs');
  return { ok: true, run: await getRun(id.data) };
}
