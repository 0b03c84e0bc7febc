'use server';
import { pauseRun } from '../cleanup/control-run';
import { runControl, type RunActionResult } from './run-action-result';

/** Asks a running run to stop after its current batch; it can be resumed from there. */
export async function pauseRunAction(runId: unknown): Promise<RunActionResult> {
  return runControl('cleanup.pause', runId, ({ id }, actor) => pauseRun(id, actor));
}
