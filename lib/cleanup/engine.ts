// The cleanup loop: one short batch after another until nothing expired is
// left, with the pauses, limits and retries that keep it graceful. It touches
// the database only through a CleanupDriver and time only through the injected
// clock and sleep, so unit tests drive it with fakes. Knobs are re-read before
// every batch (getParams), so an operator can change them mid-run. The caller
// (runner, CLI) persists what onBatch reports; the loop holds at most one
// batch's worth of state. Its parts: engine-types.ts (options, events,
// result), engine-retry.ts, engine-throttle.ts, engine-stops.ts, batch-size.ts.
import { AppError, isAppError } from '../errors';
import type { CleanupParams } from '../schemas/cleanup-params';
import type { BatchCheck, CleanupCursor, DeleteBatchResult, StrategyName, ThrottleSignals } from './driver';
import type { BatchRecord, CleanupResult, Clock, EndedBy, RunCleanupOptions, ThrottleState } from './engine-types';
import { retryTransient } from './engine-retry';
import { passThrottle, throttleState } from './engine-throttle';
import { Halt, realSleep, StopChecks } from './engine-stops';
import { BatchSizer } from './batch-size';

export type * from './engine-types';

export { ADAPTIVE_MAX_SIZE, ADAPTIVE_MIN_SIZE } from './batch-size';
/** Re-walks after the final count still finds expired rows (moved or inserted meanwhile). */
export const MAX_PASSES = 3;
/** Tables up to this size are counted again after a walk (about 0.1-0.3 s); bigger ones are not re-read. */
export const RECOUNT_MAX_BYTES = 128 * 2 ** 20;
/**
 * Batches committed this long before a lost connection are asked about once
 * it is back: a database that crashed may have acknowledged their COMMIT
 * without having it on disk (PostgreSQL with synchronous_commit off keeps up
 * to three wal_writer_delay, 0.6 s by default, in memory).
 */
const UNDURABLE_MS = 2_000;

export function runCleanup(opts: RunCleanupOptions): Promise<CleanupResult> {
  return new CleanupLoop(opts).run();
}

class CleanupLoop {
  private readonly clock: Clock;
  private readonly started: number;
  private readonly stops: StopChecks;
  private readonly sizer: BatchSizer;
  private n: number;
  private total: number;
  private cursor: CleanupCursor | null;
  private lastSignals: ThrottleSignals | null = null;
  /** batches that deleted rows, recent enough that a database crash may still undo them */
  private recent: Array<{ rec: BatchRecord; at: number }> = [];
  /** when the connection to the target was first found lost, until the batches before it are checked */
  private lostAt: number | null = null;

  constructor(private readonly o: RunCleanupOptions) {
    this.clock = o.clock ?? { now: () => Date.now() };
    this.started = this.clock.now();
    const priorActiveMs = (o.resume?.activeSeconds ?? 0) * 1000;
    this.stops = new StopChecks(o, { clock: this.clock, sleep: o.sleep ?? realSleep, started: this.started, priorActiveMs });
    this.n = o.resume?.batches ?? 0;
    this.total = o.resume?.totalDeleted ?? 0;
    this.cursor = o.cursor ?? null;
    this.sizer = new BatchSizer(o.getParams().deleteCount);
  }

  private readonly checkStop = () => this.stops.checkStop();
  private readonly checkRuntime = (p: CleanupParams) => this.stops.checkRuntime(p);
  private readonly wait = (targetMs: () => number) => this.stops.wait(targetMs);
  private readonly resize = (p: CleanupParams) => this.sizer.resize(p);
  private readonly adapt = (p: CleanupParams, size: number, ms: number) => this.sizer.adapt(p, size, ms);
  private get size(): number {
    return this.sizer.size;
  }

  private log(level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) {
    this.o.log?.(level, message, fields);
  }

  private strategy(): StrategyName {
    return this.cursor?.strategy ?? this.o.strategy;
  }

  private result(endedBy: EndedBy, extra: Partial<CleanupResult> = {}): CleanupResult {
    return {
      endedBy,
      stopReason: null,
      error: null,
      totalDeleted: this.total,
      batches: this.n,
      cursor: this.cursor,
      seconds: (this.clock.now() - this.started) / 1000,
      remainingExpired: null,
      dryRun: null,
      ...extra,
    };
  }

  async run(): Promise<CleanupResult> {
    try {
      return await this.loop();
    } catch (e) {
      if (e instanceof Halt) return this.result(e.endedBy, { stopReason: e.reason });
      const error = isAppError(e) ? e : new AppError(`cleanup failed: ${(e as Error)?.message ?? String(e)}`, 'internal');
      if (!isAppError(e)) error.cause = e;
      this.log('warn', `cleanup failed: ${error.message}`);
      return this.result('failed', { error });
    }
  }

  private async loop(): Promise<CleanupResult> {
    const { driver, table, bound } = this.o;
    let params = this.o.getParams();
    if (!this.cursor) {
      const fraction = this.o.expiredFraction ?? 0.5;
      this.cursor = await this.retrying('starting the walk', () => driver.startCursor(table, this.o.strategy, { fraction, expired: this.o.expiredRows, total: this.o.totalRows }));
    }
    if (params.dryRun) return this.dryRun(params);

    for (;;) {
      params = this.o.getParams();
      await this.checkStop();
      if (params.iterationCount !== null && this.n >= params.iterationCount) return this.result('iteration-count');
      this.checkRuntime(params);
      const throttle = await this.throttleGate();
      params = this.o.getParams();
      this.resize(params);

      const cursor = this.cursor!;
      let ms = 0;
      let size = this.size;
      // Set once the batch is stored; a failure after that (the COMMIT's reply
      // lost with the connection) leaves it unknown whether the batch committed.
      let stored: BatchRecord | null = null;
      const record = async (deleted: number, next: CleanupCursor, check: BatchCheck | null) => {
        const r: BatchRecord = { n: this.n + 1, deleted, totalDeleted: this.total + deleted, ms, size, cursor: next, prevCursor: cursor, check, throttle };
        await this.o.recordBatch?.(r);
        stored = r;
      };
      const batch = await this.retrying('deleting a batch', async (): Promise<DeleteBatchResult> => {
        if (stored) {
          const s: BatchRecord = stored;
          if (s.check && driver.batchCommitted && (await driver.batchCommitted(table, s.check, bound))) {
            // It did commit: carry on after it (the next batch finds out whether the walk is done).
            return { deleted: s.deleted, scanned: 0, nextCursor: s.cursor, done: false, walked: null };
          }
          if (s.check) await this.o.undoBatch?.(s);
          stored = null;
        }
        // A retry after a timeout runs with the halved size.
        size = this.size;
        const t0 = this.clock.now();
        const r = await driver.deleteBatch({
          table,
          cursor,
          size,
          bound,
          beforeCommit: this.o.recordBatch
            ? async (b) => {
                ms = this.clock.now() - t0;
                await record(b.deleted, b.nextCursor, b.check);
              }
            : undefined,
        });
        if (!stored) {
          ms = this.clock.now() - t0;
          await record(r.deleted, r.nextCursor, null);
        }
        return r;
      });
      this.n += 1;
      this.total += batch.deleted;
      this.cursor = batch.nextCursor;
      // Set inside the batch attempt (TypeScript cannot see that through the callback).
      const rec = stored as BatchRecord | null;
      if (rec?.check) {
        const at = this.clock.now();
        // While a lost connection waits to be settled, its window is what counts.
        if (this.lostAt === null) this.recent = this.recent.filter((r) => at - r.at <= UNDURABLE_MS);
        this.recent.push({ rec, at });
      }
      await this.settleRecent();
      await this.o.onBatch?.({
        type: 'batch',
        n: this.n,
        deleted: batch.deleted,
        totalDeleted: this.total,
        ms,
        size,
        scanned: batch.scanned,
        cursor: batch.nextCursor,
        strategy: batch.nextCursor.strategy,
        walked: batch.walked,
        throttle,
        at: this.clock.now(),
      });
      this.adapt(this.o.getParams(), size, ms);

      if (batch.done) {
        const remaining = await this.leftAfterWalk();
        await this.settleRecent();
        const pass = batch.nextCursor.pass;
        if (remaining === null) {
          this.log('info', `the walk covered the whole table; not re-read to count what is left (over ${Math.round(RECOUNT_MAX_BYTES / 2 ** 20)} MB): rows written expired during the run are left for the next run`);
          return this.result('done', { remainingExpired: null });
        }
        if (remaining === 0 || pass >= MAX_PASSES) {
          if (remaining > 0) this.log('warn', `${remaining} expired rows are left after ${pass} passes (rows moved or inserted during the run)`);
          return this.result('done', { remainingExpired: remaining });
        }
        // Rows can be missed when the application moved them behind the walk
        // (an UPDATE that kept them expired) or inserted expired rows: walk
        // again, along the index when there is one since few rows are left.
        const next: StrategyName = table.strategies.includes('keyset') ? 'keyset' : batch.nextCursor.strategy;
        this.log('info', `${remaining} expired rows remain after pass ${pass}; pass ${pass + 1} ${next}`);
        this.cursor = await this.retrying('starting the walk', () =>
          driver.startCursor(table, next, { fraction: 0.01, pass: pass + 1 }),
        );
      }
      const limit = this.o.getParams().iterationCount;
      if (limit !== null && this.n >= limit) return this.result('iteration-count');
      await this.wait(() => this.o.getParams().sleepSeconds * 1000);
    }
  }

  /**
   * Expired rows left once the walk reached the end: a probe through the
   * expiry index when the driver has a cheap one; else a count, but only of a
   * table small enough to read again in a fraction of a second. The walk has
   * already deleted every row that was expired when it passed; what a count
   * adds are rows the application wrote, already expired, behind the walk
   * during the run, and on a big table that count re-reads gigabytes (minutes
   * of I/O on a 7 GB table) to find what is almost always none. null: not
   * counted.
   */
  private async leftAfterWalk(): Promise<number | null> {
    const { driver, table, bound } = this.o;
    const probed = driver.probeExpired ? await this.retrying('checking what is left', () => driver.probeExpired!(table, bound)) : null;
    if (probed !== null) return probed;
    if (table.tableBytes > RECOUNT_MAX_BYTES) return null;
    return this.retrying('counting what is left', () => driver.countExpired(table, bound));
  }

  private async dryRun(params: CleanupParams): Promise<CleanupResult> {
    const { driver, table, bound } = this.o;
    const expired = await this.retrying('counting expired rows', () => driver.countExpired(table, bound));
    const ex = await this.retrying('explaining a batch', () => driver.explain({ table, cursor: this.cursor!, size: params.deleteCount, bound }));
    return this.result('dry-run', {
      dryRun: {
        expired,
        strategy: this.strategy(),
        batches: Math.ceil(expired / params.deleteCount),
        sql: ex.sql,
        params: ex.params,
        plan: ex.plan,
      },
    });
  }

  /** Pauses while replica lag or active connections are above their limits (engine-throttle.ts). */
  private throttleGate(): Promise<ThrottleState> {
    return passThrottle({
      now: () => this.clock.now(),
      getParams: () => this.o.getParams(),
      readSignals: async () => (this.lastSignals = await this.retrying('reading replica lag and load', () => this.o.driver.throttleSignals())),
      state: (state, reason, waitedMs) => throttleState(this.lastSignals, state, reason, waitedMs),
      paused: (state) => this.emitThrottle(state),
      wait: (targetMs) => this.wait(targetMs),
    });
  }

  private async emitThrottle(throttle: ThrottleState): Promise<void> {
    await this.o.onThrottle?.({ type: 'throttle', n: this.n, totalDeleted: this.total, strategy: this.strategy(), throttle, at: this.clock.now() });
  }

  /**
   * After a lost connection: asks the target whether the batches committed
   * just before it are still there. One that a crash undid is taken back out
   * of the totals (discountBatch); its rows are still expired, and the run
   * deletes and counts them again (the final count sends it on another pass).
   */
  private async settleRecent(): Promise<void> {
    const lostAt = this.lostAt;
    const ask = this.o.driver.batchCommitted?.bind(this.o.driver);
    if (lostAt === null || !ask) return;
    const { table, bound } = this.o;
    for (const { rec, at } of this.recent) {
      if (at < lostAt - UNDURABLE_MS || at > lostAt) continue;
      if (await this.retrying('checking the batches before the connection was lost', () => ask(table, rec.check!, bound))) continue;
      this.total -= rec.deleted;
      await this.o.discountBatch?.(rec);
      this.log('warn', `batch ${rec.n} did not survive the database's crash; its ${rec.deleted} rows are deleted and counted again`);
    }
    this.recent = this.recent.filter((r) => r.at > lostAt);
    if (this.lostAt === lostAt) this.lostAt = null;
  }

  /**
   * Runs `fn`, retrying transient database errors (engine-retry.ts). A lost
   * connection marks the batches just before it for settleRecent; a timeout
   * also halves the batch size, so a batch that cannot finish in time gets
   * smaller instead of failing the same way again.
   */
  private retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retryTransient(
      {
        now: () => this.clock.now(),
        retryForMs: () => this.o.getParams().retryForSeconds * 1000,
        connectionLost: (at) => {
          this.lostAt ??= at;
        },
        timedOut: () => this.sizer.halve(),
        warn: (message) => this.log('warn', message),
        backingOff: (reason, failingMs) => this.emitThrottle(throttleState(this.lastSignals, 'retrying', reason, failingMs)),
        wait: (targetMs) => this.wait(targetMs),
      },
      what,
      fn,
    );
  }
}
