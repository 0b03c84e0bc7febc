'use server';
// Resumes a paused, interrupted or failed run from its stored cursor. The worker runs
// on a thread of this process after the action returns (see run-on-thread).
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorize } from '../auth/guard';
import { isAppError } from '../errors';
import { runOnThread } from '../cleanup/run-on-thread';
import { getRun } from '../store/runs/read-runs';
import type { RunActionResult } from './run-action-result';

const runIdSchema = z.string().min(1).max(64);

export async function resumeRunAction(runId: unknown): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const auth = await authorize('cleanup.resume', 'operator', id.success ? `run:${id.data}` : undefined);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!id.success) return { ok: false, error: 'No such run.' };
  try {
    await runOnThread({ op: 'resume', runId: id.data, startedBy: auth.user.username });
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath('/runs');
  return { ok: true, run: await getRun(id.data) };
}
