'use server';
// Resumes a paused, interrupted, failed or cancelled run from its stored
// cursor: it goes back to the queue, and a worker continues it.
import { resumeQueuedRun } from '../cleanup/queue-run';
import { runControl, type RunActionResult } from './run-action-result';

export async function resumeRunAction(runId: unknown): Promise<RunActionResult> {
  return runControl('cleanup.resume', runId, ({ id }, actor) => resumeQueuedRun(id, actor));
}
