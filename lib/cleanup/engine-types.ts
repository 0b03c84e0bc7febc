// What the cleanup loop (engine.ts) takes and reports: its options, the
// events it hands the caller while it runs, and its result.
import type { AppError } from '../errors';
import type { CleanupParams } from '../schemas/cleanup-params';
import type { BatchCheck, CleanupCursor, CleanupDriver, ExpiryBoundValue, StrategyName, TableFacts } from './driver';

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
 * after it otherwise. (The run store writes it as a BatchWrite.)
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

export type EndedBy = 'done' | 'iteration-count' | 'max-runtime' | 'window-end' | 'stopped' | 'failed' | 'dry-run';

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
  /** all rows from the estimate, with expiredRows */
  totalRows?: number;
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
