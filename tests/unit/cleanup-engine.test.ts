import { describe, expect, it } from 'vitest';
import { RECOUNT_MAX_BYTES, runCleanup, type BatchEvent, type ThrottleEvent } from '@/lib/cleanup/engine';
import type { PkRangeCursor, TableFacts } from '@/lib/cleanup/driver';
import { cleanupParamsSchema, type CleanupParams } from '@/lib/schemas/cleanup-params';
import { AppError } from '@/lib/errors';
import { planCleanup } from '@/lib/cleanup/planner';
import { FakeClock, FakeDriver, TABLE, type Row } from '../helpers/fake-cleanup-driver';

const BOUND = 1000;

/** `n` rows, every fifth one live, the rest expired. */
function seed(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ key: i + 1, expiry: i % 5 === 0 ? 5000 : 10 }));
}

function setup(n: number, params: Partial<CleanupParams> = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver(seed(n), clock);
  const p: CleanupParams = { ...cleanupParamsSchema.parse({}), sleepSeconds: 0, ...params };
  const batches: BatchEvent[] = [];
  const throttles: ThrottleEvent[] = [];
  const base = {
    driver,
    table: TABLE,
    bound: BOUND,
    strategy: 'pk-range' as const,
    expiredFraction: 0.8,
    getParams: () => p,
    clock,
    sleep: clock.sleep,
    onBatch: (e: BatchEvent) => {
      batches.push(e);
    },
    onThrottle: (e: ThrottleEvent) => {
      throttles.push(e);
    },
  };
  return { clock, driver, p, batches, throttles, base };
}

describe('cleanup engine', () => {
  it('deletes every expired row, keeps live rows, and reports totals that match', async () => {
    const { driver, batches, base } = setup(10_000, { deleteCount: 1000 });
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('done');
    expect(r.error).toBeNull();
    expect(r.remainingExpired).toBe(0);
    expect(driver.rows).toHaveLength(2000);
    expect(driver.rows.every((row) => row.expiry >= BOUND)).toBe(true);
    expect(r.totalDeleted).toBe(8000);
    expect(batches.at(-1)!.totalDeleted).toBe(8000);
    expect(batches.map((b) => b.n)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.every((b) => b.strategy === 'pk-range' && b.size === 1000)).toBe(true);
  });

  it('stops after iteration-count batches and resumes from its cursor to the same outcome', async () => {
    const first = setup(10_000, { deleteCount: 1000, iterationCount: 3 });
    const r1 = await runCleanup(first.base);
    expect(r1.endedBy).toBe('iteration-count');
    expect(r1.batches).toBe(3);
    expect(first.driver.batches).toHaveLength(3);
    expect(r1.totalDeleted).toBe(2400);

    first.p.iterationCount = null;
    const r2 = await runCleanup({ ...first.base, cursor: r1.cursor, resume: { batches: r1.batches, totalDeleted: r1.totalDeleted } });
    expect(r2.endedBy).toBe('done');
    expect(r2.totalDeleted).toBe(8000);
    expect(first.driver.rows).toHaveLength(2000);
    // the resumed run continued after the third range instead of starting over
    expect((first.driver.batches[3]!.cursor as PkRangeCursor).after).toEqual([3000]);
  });

  it('stops at max-runtime, counting the sleeps between batches', async () => {
    const { base, clock } = setup(100_000, { deleteCount: 100, sleepSeconds: 1, maxRuntimeSeconds: 10 });
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('max-runtime');
    expect(clock.t).toBeGreaterThanOrEqual(10_000);
    expect(clock.t).toBeLessThan(11_500);
    // one batch per second of sleep, about
    expect(r.batches).toBeGreaterThanOrEqual(9);
    expect(r.batches).toBeLessThanOrEqual(11);
  });

  it('sleeps sleep-seconds between batches (fractions allowed)', async () => {
    const { base, clock, batches } = setup(5_000, { deleteCount: 1000, sleepSeconds: 0.4 });
    await runCleanup(base);
    const slept = clock.sleeps.reduce((a, b) => a + b, 0);
    // a sleep after every batch but the last
    expect(slept).toBeCloseTo(0.4 * 1000 * (batches.length - 1), 5);
  });

  it('resizes batches toward target-batch-ms, within 2x per step', async () => {
    const { base, driver, batches } = setup(200_000, { deleteCount: 5000, targetBatchMs: 100, iterationCount: 20 });
    driver.msPerRow = 0.1; // 5000 rows take 500 ms; 1000 rows take the target 100 ms
    await runCleanup(base);
    const sizes = batches.map((b) => b.size);
    expect(sizes[0]).toBe(5000);
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i]!).toBeGreaterThanOrEqual(Math.floor(sizes[i - 1]! / 2));
      expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]! * 2);
    }
    expect(sizes.at(-1)!).toBeGreaterThan(900);
    expect(sizes.at(-1)!).toBeLessThan(1100);
    expect(batches.at(-1)!.ms).toBeGreaterThan(90);
    expect(batches.at(-1)!.ms).toBeLessThan(110);
  });

  it('grows batches when they are faster than the target, up to the bound', async () => {
    const { base, driver, batches } = setup(2_000_000, { deleteCount: 1000, targetBatchMs: 1000, iterationCount: 15 });
    driver.msPerRow = 0.001;
    await runCleanup(base);
    expect(Math.max(...batches.map((b) => b.size))).toBe(100_000);
  });

  it('pauses while replica lag is above the limit and says why', async () => {
    const { base, driver, batches, throttles } = setup(3_000, { deleteCount: 1000, maxReplicaLagSeconds: 5 });
    driver.signals = [
      { replicaLagSeconds: 12, activeConnections: 3 },
      { replicaLagSeconds: 9, activeConnections: 3 },
      { replicaLagSeconds: 7, activeConnections: 3 },
    ];
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('done');
    expect(throttles).toHaveLength(3);
    expect(throttles.every((t) => t.throttle.state === 'paused')).toBe(true);
    expect(throttles[0]!.throttle.reason).toContain('replica lag 12.0 s is above 5 s');
    expect(throttles[0]!.n).toBe(0);
    // the first batch ran only after the lag dropped, about 3 s later
    expect(batches[0]!.throttle.state).toBe('running');
    expect(batches[0]!.throttle.waitedMs).toBeGreaterThanOrEqual(3000);
    expect(batches[1]!.throttle.waitedMs).toBe(0);
  });

  it('pauses while active connections are above the limit', async () => {
    const { base, driver, throttles } = setup(2_000, { deleteCount: 1000, maxActiveConnections: 10 });
    driver.signals = [{ replicaLagSeconds: null, activeConnections: 40 }];
    await runCleanup(base);
    expect(throttles[0]!.throttle.reason).toBe('paused: 40 active connections, above the limit of 10');
  });

  it('does not read throttle signals when no limit is set', async () => {
    const { base, driver } = setup(2_000, { deleteCount: 1000 });
    await runCleanup(base);
    expect(driver.signalCalls).toBe(0);
  });

  it('retries transient errors with backoff and goes on', async () => {
    const { base, driver, throttles, clock } = setup(3_000, { deleteCount: 1000 });
    driver.failures = [
      new AppError('target "x" is unreachable: connection lost', 'unreachable'),
      Object.assign(new Error('Deadlock found when trying to get lock'), { code: 'ER_LOCK_DEADLOCK' }),
    ];
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('done');
    expect(driver.rows).toHaveLength(600);
    expect(throttles.map((t) => t.throttle.state)).toEqual(['retrying', 'retrying']);
    expect(throttles[0]!.throttle.reason).toContain('connection lost; retrying in 0.5 s');
    expect(throttles[1]!.throttle.reason).toContain('retrying in 1 s');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(1500);
  });

  it('retries a deadlock reported as a one-line error, by the driver error behind it', async () => {
    const { base, driver } = setup(2_000, { deleteCount: 1000 });
    const deadlock = new AppError('target "x": deadlock detected', 'internal');
    deadlock.cause = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    driver.failures = [deadlock];
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('done');
    expect(r.totalDeleted).toBe(1600);
  });

  it('fails with the reason once transient errors outlast retry-for-seconds', async () => {
    const { base, driver, clock } = setup(3_000, { deleteCount: 1000, retryForSeconds: 10 });
    driver.failures = Array.from({ length: 100 }, () => new AppError('target "x" is unreachable: connection lost', 'unreachable'));
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('failed');
    expect(r.error?.message).toMatch(/deleting a batch failed 5 times over \d+ s; last error: .*connection lost/);
    expect(r.error?.kind).toBe('unreachable');
    // backoff 0.5 + 1 + 2 + 4 s, then the next 8 s wait would pass the 10 s limit
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(7500);
    expect(r.cursor).not.toBeNull();
    expect(r.totalDeleted).toBe(0);
  });

  it('fails at once on an error that retrying cannot fix', async () => {
    const { base, driver } = setup(3_000, { deleteCount: 1000 });
    driver.failures = [new AppError('target "x": permission denied (DELETE command denied)', 'permission')];
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('failed');
    expect(r.error?.message).toContain('permission denied');
    expect(r.batches).toBe(0);
  });

  it('halves the batch after a statement timeout and keeps it below that', async () => {
    const { base, driver, batches } = setup(10_000, { deleteCount: 2000 });
    driver.failures = [new AppError('target "x": statement timed out', 'timeout')];
    await runCleanup(base);
    expect(batches[0]!.size).toBe(1000);
    expect(batches.every((b) => b.size === 1000)).toBe(true);
  });

  it('applies knobs changed mid-run: batch size, sleep, and a new iteration limit', async () => {
    const { base, p, batches, clock } = setup(100_000, { deleteCount: 1000, sleepSeconds: 0 });
    const sleepsAt: number[] = [];
    const r = await runCleanup({
      ...base,
      onBatch: (e) => {
        batches.push(e);
        sleepsAt.push(clock.sleeps.length);
        if (e.n === 3) {
          p.deleteCount = 200;
          p.sleepSeconds = 2;
        }
        if (e.n === 5) p.iterationCount = 6;
      },
    });
    expect(r.endedBy).toBe('iteration-count');
    expect(batches.map((b) => b.size)).toEqual([1000, 1000, 1000, 200, 200, 200]);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(3 * 2000);
  });

  it('notices a longer sleep being shortened while it sleeps', async () => {
    const { base, p, clock } = setup(3_000, { deleteCount: 1000, sleepSeconds: 600 });
    const r = await runCleanup({
      ...base,
      sleep: async (ms) => {
        await clock.sleep(ms);
        if (clock.t > 5_000) p.sleepSeconds = 0;
      },
    });
    expect(r.endedBy).toBe('done');
    expect(clock.t).toBeLessThan(20_000);
  });

  it('stops when asked, between batches or while sleeping, with a cursor to resume from', async () => {
    const { base, clock } = setup(100_000, { deleteCount: 1000, sleepSeconds: 5 });
    const r = await runCleanup({ ...base, shouldStop: () => (clock.t > 7_000 ? 'cancel' : null) });
    expect(r.endedBy).toBe('stopped');
    expect(r.stopReason).toBe('cancel');
    expect(r.batches).toBe(2);
    expect(clock.t).toBeLessThan(7_600);
    expect(r.cursor?.strategy).toBe('pk-range');
  });

  it('stops on an abort signal', async () => {
    const { base } = setup(100_000, { deleteCount: 1000 });
    const ac = new AbortController();
    const r = await runCleanup({
      ...base,
      signal: ac.signal,
      onBatch: (e) => {
        if (e.n === 4) ac.abort('SIGINT');
      },
    });
    expect(r.endedBy).toBe('stopped');
    expect(r.stopReason).toBe('SIGINT');
    expect(r.batches).toBe(4);
  });

  it('dry-run counts and shows the SQL but deletes nothing', async () => {
    const { base, driver } = setup(10_000, { deleteCount: 1000, dryRun: true });
    const r = await runCleanup(base);
    expect(r.endedBy).toBe('dry-run');
    expect(driver.batches).toHaveLength(0);
    expect(driver.rows).toHaveLength(10_000);
    expect(r.dryRun).toMatchObject({ expired: 8000, strategy: 'pk-range', batches: 8 });
    expect(r.dryRun!.sql[0]).toContain('DELETE FROM');
    expect(r.totalDeleted).toBe(0);
  });

  it('walks again when the final count still finds expired rows', async () => {
    const { base, driver } = setup(5_000, { deleteCount: 1000 });
    let injected = false;
    const r = await runCleanup({
      ...base,
      onBatch: () => {
        // an expired row inserted behind the walk (e.g. restored by the application)
        if (!injected) {
          driver.rows.unshift({ key: 0, expiry: 1 });
          injected = true;
        }
      },
    });
    expect(r.endedBy).toBe('done');
    expect(r.remainingExpired).toBe(0);
    expect(driver.rows.some((row) => row.key === 0)).toBe(false);
    expect(driver.counts).toBe(2);
    expect(r.cursor?.pass).toBe(2);
  });

  it('does not re-read a table over the recount size after the walk: done, with what is left not counted', async () => {
    const { base, driver } = setup(5_000, { deleteCount: 1000 });
    const logs: string[] = [];
    const r = await runCleanup({ ...base, table: { ...base.table, tableBytes: RECOUNT_MAX_BYTES + 1 }, log: (_level, m) => logs.push(m) });
    expect(r.endedBy).toBe('done');
    expect(r.totalDeleted).toBe(4_000);
    expect(r.remainingExpired).toBeNull();
    expect(driver.counts).toBe(0);
    expect(logs.join('\n')).toMatch(/not re-read/);
  });

  it('keeps no per-batch history however many batches a run takes', async () => {
    const { base } = setup(20_000, { deleteCount: 10 });
    const r = await runCleanup({ ...base, onBatch: () => {} });
    // 2000 full ranges, then one that finds the end
    expect(r.batches).toBe(2001);
    expect(r.totalDeleted).toBe(16_000);
    expect(JSON.stringify(r).length).toBeLessThan(2000);
  });
});

describe('cleanup parameters', () => {
  it('fills sensible defaults for a run started without touching anything', () => {
    const p = cleanupParamsSchema.parse({});
    expect(p).toMatchObject({ deleteCount: 10000, iterationCount: null, maxRuntimeSeconds: null, dryRun: false, targetBatchMs: null, strategy: 'auto' });
    expect(p.sleepSeconds).toBeGreaterThan(0);
  });

  it('reads form and command-line strings: numbers, fractions, blank limits, checkboxes', () => {
    const p = cleanupParamsSchema.parse({ deleteCount: '1000', sleepSeconds: '0.25', iterationCount: '', maxRuntimeSeconds: '3600', dryRun: 'on' });
    expect(p).toMatchObject({ deleteCount: 1000, sleepSeconds: 0.25, iterationCount: null, maxRuntimeSeconds: 3600, dryRun: true });
  });

  it.each([
    [{ deleteCount: -5 }, 'Delete count must be at least 1'],
    [{ deleteCount: 2.5 }, 'Delete count must be a whole number'],
    [{ deleteCount: 10_000_000 }, 'Delete count must be at most 100,000'],
    [{ sleepSeconds: -1 }, 'Sleep seconds must be at least 0'],
    [{ sleepSeconds: 'soon' }, 'Sleep seconds must be a number'],
    [{ iterationCount: 0 }, 'Iteration count must be at least 1'],
    [{ maxRuntimeSeconds: 0 }, 'Max runtime must be more than 0'],
    [{ targetBatchMs: 1 }, 'Target batch time (ms) must be at least 10'],
    [{ strategy: 'delete-limit' }, 'Strategy must be one of auto, heap-walk, pk-range, keyset'],
  ])('rejects %j with a clear message', (input, message) => {
    const r = cleanupParamsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe(message);
  });
});

describe('strategy planner', () => {
  const pg: TableFacts = { ...TABLE, dialect: 'postgres', strategies: ['heap-walk', 'keyset'], unsupported: {} };
  const estimate = (fraction: number, total: number) => ({ expired: Math.round(fraction * total), total, fraction, method: 'exact' as const });

  it('walks the table when most rows are expired', () => {
    expect(planCleanup({ table: pg, estimate: estimate(0.8, 2_000_000) })).toEqual({
      strategy: 'heap-walk',
      reason: '80% of 2.0M rows are expired: walking the heap in physical order (TID ranges) reads each row once and keeps batches flat, near the speed of one big DELETE',
    });
    expect(planCleanup({ table: TABLE, estimate: estimate(0.5, 600_000) }).strategy).toBe('pk-range');
  });

  it('follows the expiry index when few rows of a big table are expired', () => {
    const plan = planCleanup({ table: pg, estimate: { ...estimate(0.01, 50_000_000), method: 'sample' } });
    expect(plan.strategy).toBe('keyset');
    expect(plan.reason).toBe('only 1.0% of 50.0M rows are expired (estimated): following the index on "expires" reads just those rows instead of the whole table');
  });

  it('uses what the table allows, and says why', () => {
    const noIndex = { ...pg, strategies: ['heap-walk' as const], unsupported: { keyset: 'no index on "expires"' } };
    expect(planCleanup({ table: noIndex, estimate: estimate(0.01, 50_000_000) }).reason).toContain('which needs no index (there is none on "expires")');
    const pg13 = { ...pg, strategies: ['keyset' as const], unsupported: { 'heap-walk': 'PostgreSQL 13.4 has no TID range scans (needs 14 or later)' } };
    expect(planCleanup({ table: pg13, estimate: estimate(0.8, 1000) })).toEqual({
      strategy: 'keyset',
      reason: 'following the index on "expires" from the oldest expired row, since PostgreSQL 13.4 has no TID range scans (needs 14 or later)',
    });
  });

  it('honours an operator choice only when the table allows it', () => {
    expect(planCleanup({ table: pg, estimate: estimate(0.8, 1000), requested: 'keyset' }).strategy).toBe('keyset');
    const noIndex = { ...pg, strategies: ['heap-walk' as const], unsupported: { keyset: 'no index on "expires"' } };
    expect(() => planCleanup({ table: noIndex, estimate: estimate(0.8, 1000), requested: 'keyset' })).toThrow(
      'cannot use keyset on app.sessions: no index on "expires"',
    );
    const nothing = { ...pg, strategies: [], unsupported: { 'heap-walk': 'PostgreSQL 13.4 has no TID range scans (needs 14 or later)', keyset: 'no index on "expires"' } };
    expect(() => planCleanup({ table: nothing, estimate: estimate(0.8, 1000) })).toThrow(
      'cannot clean up app.sessions in batches: PostgreSQL 13.4 has no TID range scans (needs 14 or later); no index on "expires"',
    );
  });
});
