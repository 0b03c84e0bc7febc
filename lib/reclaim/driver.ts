// What the reclaim engine needs from a target database. One driver serves one
// operation (or one preflight): it owns a dedicated connection that carries
// the lock / statement timeouts and the per-table advisory lock, so create one
// per operation and close it when done. Dialect differences (VACUUM vs
// OPTIMIZE TABLE, pg_locks vs innodb_trx) live behind this interface; the
// engine and the preflight never branch on dialect.
import type { Dialect } from '../targets/target-url';
import type { ReclaimMode } from '../schemas/reclaim';

export type { ReclaimMode } from '../schemas/reclaim';

/** A table as the catalog and the statistics describe it, for planning a reclaim. Plain data. */
export type ReclaimTable = {
  dialect: Dialect;
  schema: string;
  table: string;
  /** e.g. "PostgreSQL 15.20", "MariaDB 10.11.19" */
  server: string;
  /** MySQL storage engine ("InnoDB", "MyISAM" …); null on PostgreSQL */
  engine: string | null;
  /** MySQL: has a FULLTEXT index (OPTIMIZE then copies the table and blocks writes) */
  hasFulltext: boolean;
  rowEstimate: number;
  /** PostgreSQL dead rows from pg_stat_user_tables (lags a little); null on MySQL */
  deadRows: number | null;
  /** heap (PostgreSQL) / clustered index DATA_LENGTH (MySQL) */
  tableBytes: number;
  indexBytes: number;
  /** TOAST with its index; 0 on MySQL */
  toastBytes: number;
  /** pg_total_relation_size / DATA_LENGTH + INDEX_LENGTH */
  totalBytes: number;
  /** MySQL DATA_FREE: free space inside the table's tablespace file; null on PostgreSQL */
  freeBytes: number | null;
  /** estimated total size right after a rewrite (VACUUM FULL / OPTIMIZE) */
  rewrittenBytes: number;
  /** how rewrittenBytes was obtained, for the label on the page */
  estimateMethod: string;
};

export type LockDescription = {
  /** the lock mode as the server names it, e.g. "ACCESS EXCLUSIVE" */
  mode: string;
  /** readers (SELECT) of the table wait while it is held */
  blocksReads: boolean;
  /** writers (INSERT/UPDATE/DELETE) of the table wait while it is held */
  blocksWrites: boolean;
  /** for how much of the operation: "the whole operation", "a moment at start and end" */
  held: string;
  /** one sentence for an operator */
  summary: string;
};

/**
 * A session that stands in the way right now. PostgreSQL pid / MySQL
 * connection id (the id `KILL` and `pg_terminate_backend` take).
 */
export type Blocker = {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  /** pg_stat_activity.state / processlist COMMAND + STATE */
  state: string | null;
  /** current or last statement, truncated */
  query: string | null;
  /** seconds since its transaction (or, outside one, its statement) began */
  ageSeconds: number | null;
  /** lock modes it holds on the table (PostgreSQL; MySQL when metadata locks are visible) */
  heldLocks: string[];
  /**
   * - holds-lock: holds a lock on the table that conflicts with the operation
   * - waiting-for-lock: queued for a lock on the table ahead of the operation
   * - open-transaction: a transaction open for a while (MySQL: may hold a metadata lock on the table)
   * - idle-in-transaction: PostgreSQL "idle in transaction"
   * - long-statement: a statement running for a while
   * - blocked-attempt: seen blocking an attempt of this operation while it waited for its lock
   */
  reasons: Array<'holds-lock' | 'waiting-for-lock' | 'open-transaction' | 'idle-in-transaction' | 'long-statement' | 'blocked-attempt'>;
  /**
   * true: it will (or did) make the operation wait for its lock; false: it only
   * keeps dead rows from being removed; null: cannot tell (MySQL without
   * metadata-lock instrumentation: an open transaction that read the table holds
   * a metadata lock until it ends)
   */
  blocksOperation: boolean | null;
};

/** Progress of one attempt, as the server reports it. */
export type AttemptProgress = {
  /** "waiting for lock", "seq scanning heap", "rebuilding index", "altering table" … */
  phase: string;
  waitingForLock: boolean;
  /** pids the attempt is waiting behind (PostgreSQL pg_blocking_pids); [] when not known */
  blockedBy: number[];
  /** units done / total of the current phase when the server exposes them (heap blocks, stage work) */
  done: number | null;
  total: number | null;
  /** raw counters, for display */
  detail: Record<string, number | string | null>;
};

export type AttemptRequest = {
  table: ReclaimTable;
  mode: ReclaimMode;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** called about every pollMs with what the server says about the running statement */
  onProgress?: (p: AttemptProgress) => void;
  pollMs?: number;
  /** aborting cancels the running statement on the server */
  signal?: AbortSignal;
};

export type AttemptOutcome =
  | { ok: true; seconds: number; /** server messages (OPTIMIZE TABLE's notes) */ messages: string[] }
  | {
      ok: false;
      reason: 'lock-timeout' | 'statement-timeout' | 'connection-lost' | 'cancelled' | 'error';
      /** one line for an operator */
      message: string;
      seconds: number;
      /** pids seen blocking the lock request while it waited */
      blockedBy: number[];
    };

export type LockResult = {
  acquired: boolean;
  /** who holds it when not acquired, e.g. "pid 4242 (janitor cleanup) since …" */
  holder: string | null;
};

export interface ReclaimDriver {
  readonly dialect: Dialect;
  /** the modes this dialect runs */
  readonly modes: readonly ReclaimMode[];
  /** schema used when none is given: "public" on PostgreSQL, the URL's database on MySQL */
  readonly defaultSchema: string;
  /** Sizes and statistics of one table. Throws AppError('not-found') for a table that does not exist. */
  inspect(ref: { schema: string; table: string }): Promise<ReclaimTable>;
  /** The lock a mode takes on this table. */
  lockFor(table: ReclaimTable, mode: ReclaimMode): LockDescription;
  /** Seconds a mode needs, from the sizes and this dialect's measured rates. */
  estimateSeconds(mode: ReclaimMode, sizes: { beforeBytes: number; afterBytes: number; tableBytes: number }): number;
  /** Sessions that block the mode now, or hold transactions open longer than `longerThanSeconds`. */
  blockers(table: ReclaimTable, opts: { mode: ReclaimMode; longerThanSeconds: number; pids?: number[] }): Promise<Blocker[]>;
  /**
   * The per-table maintenance lock (the same one cleanup runs take), non-blocking,
   * held on the driver's connection until unlock() or close().
   */
  tryLock(table: Pick<ReclaimTable, 'schema' | 'table'>): Promise<LockResult>;
  unlock(): Promise<void>;
  /** Total size now (pg_total_relation_size / DATA_LENGTH + INDEX_LENGTH); fresh refreshes MySQL's cached statistics first (ANALYZE TABLE). */
  totalBytes(table: ReclaimTable, opts: { fresh: boolean; lockTimeoutMs: number }): Promise<number>;
  /** One attempt of the operation, with its own lock and statement timeouts. Expected failures are returned, not thrown. */
  attempt(req: AttemptRequest): Promise<AttemptOutcome>;
  /** Releases the lock and the dedicated connection. */
  close(): Promise<void>;
}
