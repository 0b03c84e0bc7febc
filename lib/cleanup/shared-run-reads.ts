// The store reads behind a run's progress streams, shared by every stream of
// this process. Fifty viewers of one run each poll twice a second; reading the
// store for each of them cost the run 40% of its throughput in the same
// process (bench/load-viewers.ts). A read younger than maxAgeMs is reused.
//
// The streams rely on reading the run before its batches (a batch and the
// run's totals are stored in one transaction, so every batch a snapshot counts
// is visible to a batch read that starts after the snapshot was taken). Reads
// are numbered in the order they start and finish, and a shared batch read is
// only reused for a run snapshot that had finished before that batch read began.
import 'server-only';
import { getRun, listBatches } from '../store/runs/read-runs';
import type { BatchView, RunView } from '../store/runs/run-view';

let sequence = 0;

type Entry<T> = { startedSeq: number; doneSeq: number | null; at: number; value: Promise<T> };

const runs = new Map<string, Entry<RunView | null>>();
const batches = new Map<string, Entry<BatchView[]>>();

function read<T>(cache: Map<string, Entry<T>>, key: string, fetch: () => Promise<T>): Entry<T> {
  const entry: Entry<T> = { startedSeq: ++sequence, doneSeq: null, at: Date.now(), value: fetch() };
  cache.set(key, entry);
  entry.value.then(
    () => (entry.doneSeq = ++sequence),
    () => cache.get(key) === entry && cache.delete(key),
  );
  // Forget entries nobody asked for in a while (finished runs, viewers gone).
  if (cache.size > 500) for (const [k, e] of cache) if (Date.now() - e.at > 60_000) cache.delete(k);
  return entry;
}

/** The run, and the sequence number its read finished at (what batch reads must come after). */
export async function sharedRun(runId: string, maxAgeMs: number): Promise<{ run: RunView | null; seq: number }> {
  const hit = runs.get(runId);
  const entry = hit && Date.now() - hit.at <= maxAgeMs ? hit : read(runs, runId, () => getRun(runId));
  const run = await entry.value;
  return { run, seq: entry.doneSeq ?? ++sequence };
}

/** Batches after `afterN`, read after the run snapshot numbered `afterSeq`. */
export async function sharedBatches(runId: string, afterN: number, limit: number, afterSeq: number, maxAgeMs: number): Promise<BatchView[]> {
  const key = `${runId}:${afterN}:${limit}`;
  const hit = batches.get(key);
  const usable = hit && hit.startedSeq > afterSeq && Date.now() - hit.at <= maxAgeMs;
  return (usable ? hit : read(batches, key, () => listBatches(runId, afterN, limit))).value;
}
