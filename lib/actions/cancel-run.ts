'use server';
import { cancelRun } from '../cleanup/control-run';
import { runControl, type RunActionResult } from './run-action-result';

/** Ends a run for good: a running one after its current batch, a paused or interrupted one at once. */
export async function cancelRunAction(runId: unknown): Promise<RunActionResult> {
  return runControl('cleanup.cancel', runId, ({ id }, actor) => cancelRun(id, actor));
}
