// What the cleanup engine needs from a target database. One driver serves one
// run: it owns a dedicated connection (the advisory lock lives on it, and its
// session carries the statement / lock timeouts), so create one per run and
// close it when the run ends. Dialect differences live behind this interface;
// the engine and the planner never branch on dialect.
import type { Dialect } from '../targets/target-url';
import type { ExpirySpec } from '../session-tables/expiry-spec';
import type { ExpiryType } from '../stats/types';
import type { ColumnReading } from '../session-tables/column-reading';

/**
 * - heap-walk: PostgreSQL 14+, walks the heap in TID ranges (`ctid >= '(p,0)'
 *   AND ctid < '(p+k,0)'`); reads every page once, needs no index.
 * - pk-range: MySQL/MariaDB, walks the clustered primary key in ranges
 *   (pt-archiver style); reads every row once, needs no index.
 * - keyset: follows the expiry index from the oldest expired row onwards;
 *   reads only expired rows, so it wins when they are a small fraction.
 */
export type StrategyName = 'heap-walk' | 'pk-range' | 'keyset';

/**
 * The cutoff in the expiry column's own terms (`col < bound`): ISO text for
 * instants, the writer's wall clock for naive timestamps, epoch seconds or
 * milliseconds. Each dialect's expiry predicate writes it (storedCutoff) and
 * is the only code that compares with it.
 */
export type ExpiryBoundValue = string | number;

/** One primary-key value in a cursor: JSON-safe (binary keys travel as base64). */
export type KeyValue = string | number | { base64: string };

export type HeapWalkCursor = {
  strategy: 'heap-walk';
  /** first heap page of the next range */
  page: number;
  /** walk ends before this page; extended if the table grew meanwhile */
  endPage: number;
  /** running estimate of expired rows per page, sizes the next range */
  expiredPerPage: number;
  /**
   * Rows per page of the heap when the walk started, from the estimate's row
   * count over the heap's pages then: caps the range. Absent (a walk started
   * without a count), the planner's statistics stand in.
   */
  rowsPerPage?: number;
  pass: number;
};

export type PkRangeCursor = {
  strategy: 'pk-range';
  /** the next range starts after this key; null: from the beginning */
  after: KeyValue[] | null;
  /** running estimate of expired rows per key, sizes the next range */
  expiredPerKey: number;
  /** keys behind the cursor, for progress */
  walkedKeys: number;
  pass: number;
};

export type KeysetCursor = {
  strategy: 'keyset';
  /** the last (expiry, row) the walk passed; null: from the oldest expired row */
  after: { expiry: string | number; row: string | KeyValue[] } | null;
  pass: number;
};

/** Where a run is; persisted after every batch (Batch.cursor, Run.cursor) so a run can resume. */
export type CleanupCursor = HeapWalkCursor | PkRangeCursor | KeysetCursor;

/** A session table as the catalog describes it, validated for cleanup. Plain data. */
export type TableFacts = {
  dialect: Dialect;
  schema: string;
  table: string;
  expiryColumn: string;
  expiryType: ExpiryType;
  /** catalog type of the expiry column, e.g. "timestamp with time zone", "int" */
  expiryDataType: string;
  /** what a stored expiry value means: an instant, wall-clock time in a zone, or an epoch */
  reading: ColumnReading;
  ttlSeconds: number | null;
  /** primary key columns in key order; [] when the table has none */
  primaryKey: string[];
  /** an index whose first column is the expiry column, or null */
  expiryIndex: string | null;
  /** planner statistics: may be stale; -1 when never gathered */
  rowEstimate: number;
  tableBytes: number;
  /** PostgreSQL heap pages at inspection; 0 on MySQL */
  pages: number;
  /**
   * PostgreSQL: rows one full heap page holds at the table's average row width
   * (its statistics), whatever the pages hold now; what bounds a range of pages.
   */
  fullPageRows?: number;
  /** e.g. "PostgreSQL 15.20", "MariaDB 10.11.19", "MySQL 8.0.36" */
  server: string;
  /** 150020 for PostgreSQL 15.20, 101119 for MariaDB 10.11.19, 80036 for MySQL 8.0.36 */
  versionNum: number;
  /** strategies that can run on this table, and why the others cannot */
  strategies: StrategyName[];
  unsupported: Partial<Record<StrategyName, string>>;
};

/** One row either side of the cutoff: its stored expiry value and the instant it names. */
export type BoundaryRow = { stored: string; at: Date };
export type ExpiryBoundary = { newestDeleted: BoundaryRow | null; oldestKept: BoundaryRow | null; complete: boolean };

export type ExpiredEstimate = {
  expired: number;
  total: number;
  /** expired / total, 0 when the table is empty */
  fraction: number;
  /** exact count, or an estimate from a sample / the optimizer */
  method: 'exact' | 'sample' | 'optimizer';
};

export type DeleteBatchRequest = {
  table: TableFacts;
  cursor: CleanupCursor;
  /** rows this batch should delete, about; range strategies turn it into a range */
  size: number;
  bound: ExpiryBoundValue;
  /** run the batch and roll it back: a timed sample that deletes nothing */
  rollback?: boolean;
  /**
   * Called after the DELETE and before its COMMIT, so the run stores the batch
   * first: a process that dies between the target's COMMIT and the store's
   * write would otherwise leave a deleted batch out of the run's totals. A
   * throw rolls the batch back. Not called for rollback samples.
   */
  beforeCommit?: (batch: BatchToCommit) => Promise<void>;
};

/**
 * How to learn afterwards whether a batch's COMMIT happened, when the process
 * died or the connection dropped around it: PostgreSQL's transaction id
 * (txid_status), or on MySQL the range the DELETE covered (its expired rows
 * are gone only if it committed). JSON; stored with the run's last batch.
 */
export type BatchCheck = Record<string, unknown>;

export type BatchToCommit = {
  deleted: number;
  nextCursor: CleanupCursor;
  /** null when the batch deleted nothing: there is nothing to count either way */
  check: BatchCheck | null;
};

export type DeleteBatchResult = {
  deleted: number;
  /** pages (heap-walk), keys (pk-range) or rows (keyset) this batch covered */
  scanned: number;
  nextCursor: CleanupCursor;
  /** the walk has passed the end of the table (or the last expired row) */
  done: boolean;
  /** share of the walk behind the cursor, 0..1, when the strategy knows it */
  walked: number | null;
};

export type ExplainResult = {
  /** the statements one batch runs, with placeholders */
  sql: string[];
  /** the values bound to them, for display */
  params: unknown[][];
  /** the server's plan for the DELETE, as text */
  plan: string;
};

export type LockResult = {
  acquired: boolean;
  /** who holds it when not acquired, e.g. "pid 4242 (janitor cleanup) since 2025-01-01T10:00:00Z" */
  holder: string | null;
};

export type ThrottleSignals = {
  /** worst replica lag in seconds; null when there are no replicas to ask */
  replicaLagSeconds: number | null;
  /** other sessions running a statement right now (pg_stat_activity active / Threads_running) */
  activeConnections: number;
};

export type StartCursorOptions = {
  /** expired fraction from the estimate; seeds the range size */
  fraction: number;
  /**
   * Expired rows from the estimate, when known: with the heap's length now it
   * gives expired rows per page whatever the planner's statistics say (they
   * still count the rows an earlier cleanup deleted until the next ANALYZE).
   */
  expired?: number;
  /** All rows from the estimate, when known: the same for the rows per page that cap a range. */
  total?: number;
  pass?: number;
};

export interface CleanupDriver {
  readonly dialect: Dialect;
  /** Checks the spec against the catalog: table, column and its type, keys, indexes. Throws AppError('input' | 'not-found'). */
  inspect(spec: ExpirySpec): Promise<TableFacts>;
  /** The cutoff instant written in the column's terms (its zone's wall clock, an epoch …): the bound every statement compares with. */
  storedCutoff(table: TableFacts, cutoff: Date): Promise<ExpiryBoundValue>;
  /**
   * The newest row a run with this bound deletes and the oldest it keeps, so
   * an operator sees the boundary before anything is deleted. A side is null
   * when no row is there, or when finding it would take too long (no index).
   */
  boundary(table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary>;
  /** Expired rows: an exact count when the table is small, otherwise a cheap sample. */
  estimateExpired(table: TableFacts, bound: ExpiryBoundValue, opts?: { exactMaxRows?: number }): Promise<ExpiredEstimate>;
  /** Exact count of expired rows (may scan; read-only, long statement timeout). */
  countExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number>;
  /** Cursor for the beginning of a walk with this strategy. */
  /**
   * After a walk: expired rows still there (a few at most, read through the
   * expiry index), or null when that cannot be told cheaply; the engine then
   * counts. Absent on PostgreSQL: right after a walk its index still holds an
   * entry for every deleted row until VACUUM, and a probe wades through them
   * all (5 s on 1.5M rows, longer than the count).
   */
  probeExpired?(table: TableFacts, bound: ExpiryBoundValue): Promise<number | null>;
  startCursor(table: TableFacts, strategy: StrategyName, opts: StartCursorOptions): Promise<CleanupCursor>;
  /** One batch: one short DELETE in its own transaction, committed at once, that keeps the expiry predicate. */
  deleteBatch(req: DeleteBatchRequest): Promise<DeleteBatchResult>;
  /** The statements the next batch would run and the server's plan for them; deletes nothing. */
  explain(req: Omit<DeleteBatchRequest, 'rollback'>): Promise<ExplainResult>;
  /** Non-blocking advisory lock for this table on the driver's connection (one run per table). */
  tryLock(table: Pick<TableFacts, 'schema' | 'table'>): Promise<LockResult>;
  unlock(): Promise<void>;
  /**
   * Whether the batch `check` describes committed. Drivers that call
   * beforeCommit implement it; asked on the driver's own connection after the
   * one that sent the COMMIT is gone (a resume, or a retry after a lost COMMIT).
   */
  batchCommitted?(table: TableFacts, check: BatchCheck, bound: ExpiryBoundValue): Promise<boolean>;
  /**
   * Log everyone out at once: TRUNCATE TABLE, waiting for its lock (ACCESS
   * EXCLUSIVE / an exclusive metadata lock) no longer than the lock timeout,
   * so readers never queue behind it for long. Needs tryLock held. Cannot be
   * paused or undone. Returns the rows counted just before it ran (a session
   * created in between is removed too, but not counted).
   */
  truncate(table: TableFacts): Promise<{ removed: number }>;
  throttleSignals(): Promise<ThrottleSignals>;
  /**
   * Refreshes the table's planner statistics (ANALYZE / ANALYZE TABLE) after a
   * completed run, so row estimates match what is left. Cheap (a sample of
   * pages) and does not block reads or writes; waits at most the lock timeout.
   */
  analyze?(table: Pick<TableFacts, 'schema' | 'table'>): Promise<void>;
  /** Releases the lock and the dedicated connection. */
  close(): Promise<void>;
}

/** Options for adapter.cleanupDriver(). */
export type CleanupDriverOptions = {
  /** statement timeout for each batch, ms (default 30 s) */
  statementTimeoutMs?: number;
  /** how long a batch waits for a row / table lock, ms (default 5 s) */
  lockTimeoutMs?: number;
  /** MySQL: replicas to ask for lag (SHOW REPLICA STATUS); PostgreSQL reads pg_stat_replication on the primary */
  replicaUrls?: string[];
  /** PostgreSQL: wait for each batch's WAL flush (synchronous_commit on); default on, so a database crash cannot undo counted batches */
  durableCommits?: boolean;
};
