'use server';
// Resumes a paused, interrupted or failed run from its stored cursor. The worker runs
// in this process after the action returns.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { resumeCleanupRun } from '../cleanup/start-run';
import { getRun } from '../store/runs/read-runs';
import type { RunActionResult } from './run-action-result';

const runIdSchema = z.string().min(1).max(64);

export async function resumeRunAction(runId: unknown): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const auth = await authorize('cleanup.resume', 'operator', id.success ? `run:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such run.' };
  try {
    const started = await resumeCleanupRun({ runId: id.data, startedBy: auth.user.username });
    started.done.catch((e: unknown) => console.error(`cleanup run ${started.runId} worker failed:`, e));
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/runs');
  return { ok: true, run: await getRun(id.data) };
}
