// The state a run page starts from: the run and its last batches (the chart's
// window). The event stream then continues after the last batch included.
import 'server-only';
import { getRun, listBatches, listKnobBatches } from '../store/runs/read-runs';
import type { BatchKnobs, BatchView, RunView } from '../store/runs/run-view';
import { RECENT_BATCHES } from './run-events';

/** knobBatches: every batch of the run that stored its settings, also those before the chart's window. */
export type RunState = { run: RunView; batches: BatchView[]; knobBatches: { n: number; knobs: BatchKnobs }[] };

export async function loadRunState(runId: string): Promise<RunState | null> {
  // getRun shows a run whose process died as interrupted (and resumable), not running forever.
  const run = await getRun(runId);
  if (!run) return null;
  const [batches, knobBatches] = await Promise.all([listBatches(runId, Math.max(0, run.batchCount - RECENT_BATCHES), RECENT_BATCHES), listKnobBatches(runId)]);
  return { run, batches, knobBatches };
}
