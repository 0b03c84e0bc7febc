// The state a run page starts from: the run and its last batches (the chart's
// window). The event stream then continues after the last batch included.
import 'server-only';
import { getRun, listBatches } from '../store/runs/read-runs';
import type { BatchView, RunView } from '../store/runs/run-view';
import { RECENT_BATCHES } from './run-events';

export type RunState = { run: RunView; batches: BatchView[] };

export async function loadRunState(runId: string): Promise<RunState | null> {
  // getRun shows a run whose process died as interrupted (and resumable), not running forever.
  const run = await getRun(runId);
  if (!run) return null;
  const batches = await listBatches(runId, Math.max(0, run.batchCount - RECENT_BATCHES), RECENT_BATCHES);
  return { run, batches };
}
