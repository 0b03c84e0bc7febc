// The cleanup engine's unit tests' stand-ins: a clock that moves only when
// the engine sleeps or a batch "takes" time, and an in-memory session table
// behind the CleanupDriver interface.
import type { CleanupCursor, CleanupDriver, DeleteBatchRequest, DeleteBatchResult, ExpiryBoundValue, PkRangeCursor, TableFacts, ThrottleSignals } from '@/lib/cleanup/driver';

/** Time that only moves when the engine sleeps or a fake batch "takes" time. */
export class FakeClock {
  t = 0;
  now = () => this.t;
  sleeps: number[] = [];
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

export type Row = { key: number; expiry: number };

export const TABLE: TableFacts = {
  dialect: 'mysql',
  schema: 'app',
  table: 'sessions',
  expiryColumn: 'expires',
  expiryType: 'epoch-s',
  expiryDataType: 'int',
  reading: { kind: 'epoch-s' },
  ttlSeconds: null,
  primaryKey: ['id'],
  expiryIndex: 'expires_idx',
  rowEstimate: 0,
  tableBytes: 0,
  pages: 0,
  server: 'fake',
  versionNum: 0,
  strategies: ['pk-range', 'keyset'],
  unsupported: {},
};

/**
 * An in-memory table walked by key ranges of `size` keys, like pk-range. Each
 * batch advances the clock by msPerRow × size; `failures` are thrown first.
 */
export class FakeDriver implements CleanupDriver {
  readonly dialect = 'mysql' as const;
  rows: Row[];
  batches: DeleteBatchRequest[] = [];
  failures: unknown[] = [];
  signals: ThrottleSignals[] = [];
  signalCalls = 0;
  counts = 0;
  constructor(
    rows: Row[],
    private clock: FakeClock,
    public msPerRow = 0.01,
  ) {
    this.rows = [...rows].sort((a, b) => a.key - b.key);
  }
  async inspect() {
    return TABLE;
  }
  async storedCutoff(_t: TableFacts, cutoff: Date) {
    return Math.floor(cutoff.getTime() / 1000);
  }
  async boundary() {
    return { newestDeleted: null, oldestKept: null, complete: false };
  }
  async estimateExpired(_t: TableFacts, bound: ExpiryBoundValue) {
    const expired = this.rows.filter((r) => r.expiry < Number(bound)).length;
    return { expired, total: this.rows.length, fraction: expired / Math.max(1, this.rows.length), method: 'exact' as const };
  }
  async countExpired(_t: TableFacts, bound: ExpiryBoundValue) {
    this.counts++;
    return this.rows.filter((r) => r.expiry < Number(bound)).length;
  }
  async startCursor(_t: TableFacts, _s: string, opts: { fraction: number; pass?: number }): Promise<CleanupCursor> {
    return { strategy: 'pk-range', after: null, expiredPerKey: opts.fraction, walkedKeys: 0, pass: opts.pass ?? 1 };
  }
  async deleteBatch(req: DeleteBatchRequest): Promise<DeleteBatchResult> {
    const failure = this.failures.shift();
    if (failure) {
      this.clock.t += 5;
      throw failure;
    }
    this.batches.push(req);
    const c = req.cursor as PkRangeCursor;
    const after = c.after === null ? -Infinity : Number(c.after[0]);
    let start = 0;
    for (let hi = this.rows.length; start < hi; ) {
      const mid = (start + hi) >> 1;
      if (this.rows[mid]!.key > after) hi = mid;
      else start = mid + 1;
    }
    const range = this.rows.slice(start, start + req.size);
    const kept = range.filter((r) => r.expiry >= Number(req.bound));
    this.rows.splice(start, range.length, ...kept);
    const doomed = { size: range.length - kept.length };
    this.clock.t += this.msPerRow * req.size;
    const last = range.at(-1);
    const done = range.length < req.size;
    const walkedKeys = c.walkedKeys + range.length;
    return {
      deleted: doomed.size,
      scanned: range.length,
      nextCursor: { ...c, after: last ? [last.key] : c.after, walkedKeys },
      done,
      walked: null,
    };
  }
  async explain() {
    return { sql: ['DELETE FROM `app`.`sessions` WHERE `id` > ? AND `id` <= ? AND `expires` < ?'], params: [[1, 2, 3]], plan: 'range PRIMARY' };
  }
  async tryLock() {
    return { acquired: true, holder: null };
  }
  async unlock() {}
  async truncate() {
    const removed = this.rows.length;
    this.rows = [];
    return { removed };
  }
  async throttleSignals() {
    this.signalCalls++;
    return this.signals.shift() ?? { replicaLagSeconds: 0, activeConnections: 1 };
  }
  async close() {}
}
