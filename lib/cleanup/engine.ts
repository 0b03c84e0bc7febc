// The cleanup loop: one short batch after another until nothing expired is
// left, with the pauses, limits and retries that keep it graceful. It touches
// the database only through a CleanupDriver and time only through the injected
// clock and sleep, so unit tests drive it with fakes. Knobs are re-read before
// every batch (getParams), so an operator can change them mid-run. The caller
// (runner, CLI) persists what onBatch reports; the loop holds at most one
// batch's worth of state.
import { AppError, isAppError } from '../errors';
import { isTransientDbError } from '../targets/describe-error';
import type { CleanupParams } from '../schemas/cleanup-params';
import type { BatchCheck, CleanupCursor, CleanupDriver, DeleteBatchResult, ExpiryBoundValue, StrategyName, TableFacts, ThrottleSignals } from './driver';

/** Adaptive batches stay within these sizes. */
export const ADAPTIVE_MIN_SIZE = 10;
export const ADAPTIVE_MAX_SIZE = 100_000;
/** Re-walks after the final count still finds expired rows (moved or inserted meanwhile). */
export const MAX_PASSES = 3;
/** Longest single sleep: stop requests and knob changes are noticed within this. */
const SLICE_MS = 250;
/** How often a paused run re-reads the throttle signals. */
const PAUSE_POLL_MS = 1_000;
const BACKOFF_FIRST_MS = 500;
/**
 * Batches committed this long before a lost connection are asked about once
 * it is back: a database that crashed may have acknowledged their COMMIT
 * without having it on disk (PostgreSQL with synchronous_commit off keeps up
 * to three wal_writer_delay, 0.6 s by default, in memory).
 */
const UNDURABLE_MS = 2_000;
const BACKOFF_MAX_MS = 30_000;

export type Clock = { now(): number };

export type ThrottleState = {
  /** running: batches go; paused: waiting for lag / load to drop; retrying: backing off after a transient error */
  state: 'running' | 'paused' | 'retrying';
  reason: string | null;
  replicaLagSeconds: number | null;
  activeConnections: number | null;
  /** time spent paused or backing off just before this event */
  waitedMs: number;
};

export type BatchEvent = {
  type: 'batch';
  n: number;
  deleted: number;
  totalDeleted: number;
  ms: number;
  /** rows requested for this batch */
  size: number;
  /** pages / keys / rows the batch covered */
  scanned: number;
  /** cursor after this batch: persist it to resume from here */
  cursor: CleanupCursor;
  strategy: StrategyName;
  /** share of the walk done, 0..1, when known */
  walked: number | null;
  throttle: ThrottleState;
  at: number;
};

/**
 * A batch to store, handed over before its COMMIT on the target when the
 * driver supports it (then `check` tells later whether the COMMIT happened),
 * after it otherwise.
 */
export type BatchRecord = {
  n: number;
  deleted: number;
  totalDeleted: number;
  ms: number;
  size: number;
  /** resume from here once this batch is done */
  cursor: CleanupCursor;
  /** where this batch started: resume from here if it turns out not to have committed */
  prevCursor: CleanupCursor;
  check: BatchCheck | null;
  throttle: ThrottleState;
};

export type ThrottleEvent = {
  type: 'throttle';
  /** batches so far */
  n: number;
  totalDeleted: number;
  strategy: StrategyName;
  throttle: ThrottleState;
  at: number;
};

export type DryRunReport = {
  expired: number;
  strategy: StrategyName;
  /** batches of deleteCount needed, about */
  batches: number;
  sql: string[];
  params: unknown[][];
  plan: string;
};

export type EndedBy = 'done' | 'iteration-count' | 'max-runtime' | 'stopped' | 'failed' | 'dry-run';

export type CleanupResult = {
  endedBy: EndedBy;
  /** what shouldStop / the signal said, when endedBy is 'stopped' */
  stopReason: string | null;
  error: AppError | null;
  /** including batches before a resume */
  totalDeleted: number;
  batches: number;
  /** resume from here (null only if the run failed before its first cursor) */
  cursor: CleanupCursor | null;
  /** this invocation's own duration */
  seconds: number;
  /** expired rows left by the final count (endedBy 'done'), else null */
  remainingExpired: number | null;
  dryRun: DryRunReport | null;
};

export type LogFn = (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;

export type RunCleanupOptions = {
  driver: CleanupDriver;
  table: TableFacts;
  /** the cutoff in the column's terms (driver.storedCutoff): fixed for the whole run */
  bound: ExpiryBoundValue;
  /** the planned strategy, used when starting without a cursor */
  strategy: StrategyName;
  /** expired share from the estimate; seeds the first range size */
  expiredFraction?: number;
  /** expired rows from the estimate, when known: seeds it better (see StartCursorOptions.expired) */
  expiredRows?: number;
  /** resume point; null / absent: start from the beginning */
  cursor?: CleanupCursor | null;
  /** where a resumed run left off */
  resume?: { batches: number; totalDeleted: number; activeSeconds?: number };
  /** re-read before every batch and while sleeping */
  getParams: () => CleanupParams;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** a reason to stop (e.g. 'pause', 'cancel'), or null to go on; checked between batches and while waiting */
  shouldStop?: () => string | null | Promise<string | null>;
  signal?: AbortSignal;
  /** after each batch has committed: progress */
  onBatch?: (e: BatchEvent) => void | Promise<void>;
  /**
   * Stores a batch, before its COMMIT when the driver can say afterwards
   * whether that happened; a throw rolls the batch back and fails the run.
   */
  recordBatch?: (r: BatchRecord) => Promise<void>;
  /** A stored batch whose COMMIT was lost did not commit after all: take it back out of the totals. */
  undoBatch?: (r: BatchRecord) => Promise<void>;
  /** An earlier batch did commit, but the database lost it in a crash: its rows no longer count. */
  discountBatch?: (r: BatchRecord) => Promise<void>;
  onThrottle?: (e: ThrottleEvent) => void | Promise<void>;
  log?: LogFn;
};

/** Worth retrying: the error itself, or the driver error behind a one-line AppError (a deadlock keeps its code there). */
function transient(e: unknown): boolean {
  return isTransientDbError(e) || (isAppError(e) && e.cause !== undefined && isTransientDbError(e.cause));
}

/** Thrown inside the loop to unwind from a wait; never escapes runCleanup. */
class Halt {
  constructor(
    readonly endedBy: 'stopped' | 'max-runtime',
    readonly reason: string | null,
  ) {}
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function runCleanup(opts: RunCleanupOptions): Promise<CleanupResult> {
  return new CleanupLoop(opts).run();
}

class CleanupLoop {
  private readonly clock: Clock;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly started: number;
  private readonly priorActiveMs: number;
  private n: number;
  private total: number;
  private cursor: CleanupCursor | null;
  private size: number;
  private sizeFrom: number;
  /** rows per ms, weighted over recent batches (adaptive mode) */
  private rate: number | null = null;
  private lastSignals: ThrottleSignals | null = null;
  /** ceiling set by a statement timeout; cleared when the operator changes deleteCount */
  private timeoutCap: number | null = null;
  /** batches that deleted rows, recent enough that a database crash may still undo them */
  private recent: Array<{ rec: BatchRecord; at: number }> = [];
  /** when the connection to the target was first found lost, until the batches before it are checked */
  private lostAt: number | null = null;

  constructor(private readonly o: RunCleanupOptions) {
    this.clock = o.clock ?? { now: () => Date.now() };
    this.sleepFn = o.sleep ?? realSleep;
    this.started = this.clock.now();
    this.priorActiveMs = (o.resume?.activeSeconds ?? 0) * 1000;
    this.n = o.resume?.batches ?? 0;
    this.total = o.resume?.totalDeleted ?? 0;
    this.cursor = o.cursor ?? null;
    const p = o.getParams();
    this.size = p.deleteCount;
    this.sizeFrom = p.deleteCount;
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
      this.cursor = await this.retrying('starting the walk', () => driver.startCursor(table, this.o.strategy, { fraction, expired: this.o.expiredRows }));
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
        // A probe through the expiry index when the driver has a cheap one, else a count of the whole table.
        const probed = driver.probeExpired ? await this.retrying('checking what is left', () => driver.probeExpired!(table, bound)) : null;
        const remaining = probed ?? (await this.retrying('counting what is left', () => driver.countExpired(table, bound)));
        await this.settleRecent();
        const pass = batch.nextCursor.pass;
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

  private async checkStop(): Promise<void> {
    if (this.o.signal?.aborted) throw new Halt('stopped', String(this.o.signal.reason ?? 'signal'));
    const reason = await this.o.shouldStop?.();
    if (reason) throw new Halt('stopped', reason);
  }

  private activeMs(): number {
    return this.priorActiveMs + this.clock.now() - this.started;
  }

  private checkRuntime(params: CleanupParams): void {
    if (params.maxRuntimeSeconds !== null && this.activeMs() >= params.maxRuntimeSeconds * 1000) {
      throw new Halt('max-runtime', null);
    }
  }

  /** Waits about `targetMs()` (re-read as it goes), noticing stop requests and the runtime limit. */
  private async wait(targetMs: () => number): Promise<void> {
    const from = this.clock.now();
    for (;;) {
      const left = targetMs() - (this.clock.now() - from);
      if (left <= 0) return;
      await this.sleepFn(Math.min(SLICE_MS, left));
      await this.checkStop();
      this.checkRuntime(this.o.getParams());
    }
  }

  /** Pauses while replica lag or active connections are above their limits. */
  private async throttleGate(): Promise<ThrottleState> {
    const since = this.clock.now();
    for (;;) {
      const p = this.o.getParams();
      if (p.maxReplicaLagSeconds === null && p.maxActiveConnections === null) {
        return this.throttleState('running', null, this.clock.now() - since);
      }
      this.lastSignals = await this.retrying('reading replica lag and load', () => this.o.driver.throttleSignals());
      const { replicaLagSeconds: lag, activeConnections: active } = this.lastSignals;
      const reasons: string[] = [];
      if (p.maxReplicaLagSeconds !== null && lag !== null && lag > p.maxReplicaLagSeconds) {
        reasons.push(Number.isFinite(lag) ? `replica lag ${lag.toFixed(1)} s is above ${p.maxReplicaLagSeconds} s` : 'a replica is not replicating');
      }
      if (p.maxActiveConnections !== null && active > p.maxActiveConnections) {
        reasons.push(`${active} active connections, above the limit of ${p.maxActiveConnections}`);
      }
      const waited = this.clock.now() - since;
      if (reasons.length === 0) return this.throttleState('running', null, waited);
      const state = this.throttleState('paused', `paused: ${reasons.join('; ')}`, waited);
      await this.emitThrottle(state);
      await this.wait(() => PAUSE_POLL_MS);
    }
  }

  private throttleState(state: ThrottleState['state'], reason: string | null, waitedMs: number): ThrottleState {
    const lag = this.lastSignals?.replicaLagSeconds ?? null;
    return {
      state,
      reason,
      replicaLagSeconds: lag !== null && Number.isFinite(lag) ? lag : null,
      activeConnections: this.lastSignals?.activeConnections ?? null,
      waitedMs,
    };
  }

  private async emitThrottle(throttle: ThrottleState): Promise<void> {
    await this.o.onThrottle?.({ type: 'throttle', n: this.n, totalDeleted: this.total, strategy: this.strategy(), throttle, at: this.clock.now() });
  }

  /** Fixed size from deleteCount, or the adaptive size; a changed deleteCount restarts from the new value. */
  private resize(p: CleanupParams): void {
    if (p.deleteCount !== this.sizeFrom) {
      this.sizeFrom = p.deleteCount;
      this.size = p.deleteCount;
      this.rate = null;
      this.timeoutCap = null;
    }
    if (p.targetBatchMs === null) {
      this.size = p.deleteCount;
      this.rate = null;
    }
    if (this.timeoutCap !== null) this.size = Math.min(this.size, this.timeoutCap);
  }

  /**
   * pt-online-schema-change's chunk-time: keep a weighted rows-per-ms rate and
   * size the next batch to take targetBatchMs at that rate, moving at most 2x
   * per batch so one slow batch (a lock wait) does not collapse the size.
   */
  private adapt(p: CleanupParams, size: number, ms: number): void {
    if (p.targetBatchMs === null) return;
    const observed = size / Math.max(ms, 0.1);
    this.rate = this.rate === null ? observed : 0.75 * this.rate + 0.25 * observed;
    const want = this.rate * p.targetBatchMs;
    const next = Math.min(Math.max(want, size / 2), size * 2);
    this.size = Math.round(Math.min(ADAPTIVE_MAX_SIZE, Math.max(ADAPTIVE_MIN_SIZE, next)));
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
   * Runs `fn`, retrying transient database errors (connection lost, deadlock,
   * lock or statement timeout) with exponential backoff until retryForSeconds
   * have passed since the first failure; then the run fails with the reason.
   * A timeout also halves the batch size, so a batch that cannot finish in
   * time gets smaller instead of failing the same way again.
   */
  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let firstFailure: number | null = null;
    let delay = BACKOFF_FIRST_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!transient(e)) throw e;
        const now = this.clock.now();
        firstFailure ??= now;
        if (!isAppError(e) || e.kind === 'unreachable') this.lostAt ??= now;
        const message = isAppError(e) ? e.message : String((e as Error)?.message ?? e);
        const limitMs = this.o.getParams().retryForSeconds * 1000;
        if (now - firstFailure + delay > limitMs) {
          const secs = Math.round((now - firstFailure) / 1000);
          throw new AppError(`${what} failed ${attempt} time${attempt > 1 ? 's' : ''}${secs > 0 ? ` over ${secs} s` : ''}; last error: ${message}`, isAppError(e) ? e.kind : 'internal');
        }
        if (isAppError(e) && e.kind === 'timeout') {
          this.size = Math.max(ADAPTIVE_MIN_SIZE, Math.floor(this.size / 2));
          this.timeoutCap = this.size;
        }
        this.log('warn', `${what} failed (${message}); retry ${attempt} in ${delay / 1000} s`);
        await this.emitThrottle(this.throttleState('retrying', `${message}; retrying in ${delay / 1000} s`, now - firstFailure));
        await this.wait(() => delay);
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
      }
    }
  }
}
