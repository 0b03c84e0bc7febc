// Which batches ran with which settings: the batches that stored their knobs
// (the first, and each where an operator's change took effect), with what
// changed from the settings before. Shared by the run page and `runs show`.
import type { BatchKnobs } from '../store/runs/run-view';
import { KNOB_KEYS } from '../store/runs/run-view';

export type KnobChange = { fromBatch: number; knobs: BatchKnobs; changed: (keyof BatchKnobs)[] };

const LABEL: Record<keyof BatchKnobs, string> = {
  deleteCount: 'delete count',
  sleepSeconds: 'sleep',
  iterationCount: 'iteration count',
  maxRuntimeSeconds: 'max runtime',
  targetBatchMs: 'target batch time',
  maxReplicaLagSeconds: 'max replica lag',
  maxActiveConnections: 'max active connections',
};

/** Stored knobs in batch order, with repeats (a resume stores them again) dropped. */
export function knobChanges(stored: { n: number; knobs?: BatchKnobs | null }[]): KnobChange[] {
  const out: KnobChange[] = [];
  let before: BatchKnobs | null = null;
  for (const b of [...stored].sort((x, y) => x.n - y.n)) {
    if (!b.knobs) continue;
    const prev: BatchKnobs | null = before;
    const changed = prev ? KNOB_KEYS.filter((k) => prev[k] !== b.knobs![k]) : [...KNOB_KEYS];
    if (prev && changed.length === 0) continue;
    out.push({ fromBatch: b.n, knobs: b.knobs, changed });
    before = b.knobs;
  }
  return out;
}

function value(k: keyof BatchKnobs, v: number | null): string {
  if (v === null) return k === 'iterationCount' || k === 'maxRuntimeSeconds' ? 'no limit' : 'off';
  const n = v.toLocaleString('en-US');
  if (k === 'sleepSeconds' || k === 'maxRuntimeSeconds' || k === 'maxReplicaLagSeconds') return `${n} s`;
  if (k === 'targetBatchMs') return `${n} ms`;
  return n;
}

/** "delete count 2,000 → 5,000, sleep 1 s → 0.2 s" (or the first settings: "delete count 2,000, sleep 1 s"). */
export function describeKnobChange(c: KnobChange, previous: KnobChange | undefined): string {
  const keys = previous ? c.changed : (['deleteCount', 'sleepSeconds'] as (keyof BatchKnobs)[]).concat(KNOB_KEYS.filter((k) => k !== 'deleteCount' && k !== 'sleepSeconds' && c.knobs[k] !== null));
  return keys.map((k) => `${LABEL[k]} ${previous ? `${value(k, previous.knobs[k])} → ` : ''}${value(k, c.knobs[k])}`).join(', ');
}
