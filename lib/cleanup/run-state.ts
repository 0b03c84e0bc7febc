// The state a run page starts from: the run and its last batches (the chart's
// window). The event stream then continues after the last batch included.
import 'server-only';
import { getRun, listBatches } from '../store/runs/read-runs';
import { markInterruptedRuns } from '../store/runs/mark-interrupted';
import type { BatchView, RunView } from '../store/runs/run-view';
import { RECENT_BATCHES } from './run-events';

export type RunState = { run: RunView; batches: BatchView[] };

export async function loadRunState(runId: string): Promise<RunState | null> {
  // A run whose process died shows as interrupted (and resumable) rather than running forever.
  await markInterruptedRuns();
  const run = await getRun(runId);
  if (!run) return null;
  const batches = await listBatches(runId, Math.max(0, run.batchCount - RECENT_BATCHES), RECENT_BATCHES);
  return { run, batches };
}
