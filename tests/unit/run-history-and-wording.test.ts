// What a finished run says about itself: which batches ran with which
// settings, and a log-everyone-out run described as ending every session.
import { describe, expect, it } from 'vitest';
import { describeKnobChange, knobChanges } from '@/lib/cleanup/knob-changes';
import { planCleanup } from '@/lib/cleanup/planner';
import type { TableFacts } from '@/lib/cleanup/driver';
import type { BatchKnobs } from '@/lib/store/runs/run-view';

const knobs = (deleteCount: number, sleepSeconds: number): BatchKnobs => ({
  deleteCount,
  sleepSeconds,
  iterationCount: null,
  maxRuntimeSeconds: null,
  targetBatchMs: null,
  maxReplicaLagSeconds: null,
  maxActiveConnections: null,
});

describe('settings by batch', () => {
  it('keeps the first settings and each change, drops repeats stored by a resume, and says what changed', () => {
    const changes = knobChanges([
      { n: 34, knobs: knobs(5000, 0.2) },
      { n: 1, knobs: knobs(2000, 1) },
      { n: 50, knobs: knobs(5000, 0.2) }, // a resume stores them again
    ]);
    expect(changes.map((c) => c.fromBatch)).toEqual([1, 34]);
    expect(describeKnobChange(changes[0]!, undefined)).toBe('delete count 2,000, sleep 1 s');
    expect(describeKnobChange(changes[1]!, changes[0])).toBe('delete count 2,000 → 5,000, sleep 1 s → 0.2 s');
  });
});

describe('a log-everyone-out plan', () => {
  const table = {
    dialect: 'postgres',
    schema: 'public',
    table: 'session',
    expiryColumn: 'expire',
    strategies: ['heap-walk', 'keyset'],
    unsupported: {},
  } as unknown as TableFacts;

  it('speaks of every session, not of an expired share', () => {
    const plan = planCleanup({ table, estimate: { expired: 15_000, total: 15_000, fraction: 1, method: 'exact' }, everySession: true });
    expect(plan.reason).toMatch(/^every session goes \(15k rows, expired or not\): walking the heap/);
    expect(plan.reason).not.toMatch(/are expired/);
  });
});
