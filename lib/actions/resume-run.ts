'use server';
// Resumes a paused, interrupted or failed run from its stored cursor. The worker runs
// on a thread of this process after the action returns (see run-on-thread).
import { runOnThread } from '../cleanup/run-on-thread';
import { runControl, type RunActionResult } from './run-action-result';

export async function resumeRunAction(runId: unknown): Promise<RunActionResult> {
  return runControl('cleanup.resume', runId, ({ id }, actor) => runOnThread({ op: 'resume', runId: id, startedBy: actor }));
}
