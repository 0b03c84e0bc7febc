// PostgreSQL side of the cleanup engine. Batches run on one dedicated
// connection: its session carries the statement and lock timeouts and the
// advisory lock that makes a run exclusive per table. Each DELETE is its own
// short transaction, committed as soon as it returns, so no batch holds row
// locks longer than itself.
import { tryPgAdvisoryLock } from './try-advisory-lock';
import 'server-only';
import type pg from 'pg';
import type {
  BatchCheck,
  CleanupCursor,
  CleanupDriver,
  CleanupDriverOptions,
  DeleteBatchRequest,
  DeleteBatchResult,
  ExpiredEstimate,
  ExpiryBoundary,
  ExpiryBoundValue,
  ExplainResult,
  HeapWalkCursor,
  KeysetCursor,
  LockResult,
  StartCursorOptions,
  StrategyName,
  TableFacts,
  ThrottleSignals,
} from '../../cleanup/driver';
import type { ExpirySpec } from '../adapter';
import { AppError } from '../../errors';
import { quoteQualified } from '../quote-identifier';
import { describeDbError } from '../describe-error';
import { nextDensity, rangeLength } from '../../cleanup/range-size';
import { pgLockKey } from '../../cleanup/lock-name';
import { inspectPgTable, rowsPerPage } from './cleanup-inspect';
import { storedCutoff } from './expiry-predicate';
import {
  countAllSql,
  countExpiredSql,
  countRowsSql,
  boundarySql,
  heapPagesSql,
  heapWalkDelete,
  keysetDelete,
  sampleExpiredSql,
  truncateSql,
  type PgStatement,
} from './cleanup-sql';

/** Counts and samples are reads that may scan a big table: allowed longer than a batch. */
const READ_TIMEOUT_MS = 10 * 60_000;
/** Pages a sample reads to estimate the expired share of a big table. */
const SAMPLE_PAGES = 2_000;
const DEFAULT_EXACT_MAX_ROWS = 1_000_000;
/** Finding the rows either side of the cutoff: two index probes, or scans that are not worth waiting for. */
const BOUNDARY_TIMEOUT_MS = 3_000;

/** Server errors carry a SQLSTATE; anything else (socket errors) or class 08 / 57P means the session is gone. */
function sessionLost(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P');
}

export class PgCleanupDriver implements CleanupDriver {
  readonly dialect = 'postgres' as const;
  private client: pg.PoolClient | null = null;
  private broken = false;
  private lockKey: string | null = null;
  private readonly statementTimeoutMs: number;
  private readonly lockTimeoutMs: number;
  private readonly durableCommits: boolean;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: string,
    opts: CleanupDriverOptions = {},
  ) {
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 3_000;
    this.durableCommits = opts.durableCommits ?? true;
  }

  /**
   * One-line AppError for the operator, keeping the driver's error as its
   * cause: the engine retries deadlocks and serialization failures by their
   * code, which the one-line message does not carry.
   */
  private fail(e: unknown): AppError {
    const app = describeDbError(e, this.target);
    if (app !== e && app.cause === undefined) app.cause = e;
    return app;
  }

  /** The dedicated session; reconnects after a lost connection and takes the lock back if this run held it. */
  private async session(): Promise<pg.PoolClient> {
    if (this.client && !this.broken) return this.client;
    if (this.client) {
      this.client.release(true);
      this.client = null;
    }
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw this.fail(e);
    }
    this.broken = false;
    c.on('error', () => {
      this.broken = true;
    });
    try {
      // Session-level settings: this connection serves only this run and is
      // destroyed (not returned to the pool) when the run ends. ISO dates keep
      // the keyset cursor's expiry text unambiguous whatever the server's DateStyle.
      // synchronous_commit stays on unless durableCommits is false: with it off a
      // batch commits about a tenth faster, but a database crash can undo
      // batches already counted, and the run's total would no longer equal the
      // rows that left the table (tests/faults/database-restart.test.ts).
      await c.query(
        `SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false),
                set_config('application_name', 'janitor cleanup', false), set_config('DateStyle', 'ISO, YMD', false),
                set_config('synchronous_commit', $3, false)`,
        [`${this.statementTimeoutMs}ms`, `${this.lockTimeoutMs}ms`, this.durableCommits ? 'on' : 'off'],
      );
      if (this.lockKey) {
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.lockKey]);
        if (!rows[0]?.ok) {
          this.lockKey = null;
          throw new AppError('the connection was lost and another cleanup of this table took over its lock', 'conflict');
        }
      }
    } catch (e) {
      c.release(true);
      throw this.fail(e);
    }
    this.client = c;
    return c;
  }

  private async exec<R extends pg.QueryResultRow>(stmt: PgStatement): Promise<pg.QueryResult<R>> {
    const c = await this.session();
    try {
      return await c.query<R>(stmt.sql, stmt.params);
    } catch (e) {
      if (sessionLost(e)) this.broken = true;
      throw this.fail(e);
    }
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.exec<R>({ sql, params })).rows;
  }

  /**
   * A statement in its own transaction: read-only with a longer timeout, a
   * batch that commits, or rolled back (a timed sample).
   *
   * A batch is not an autocommitted statement: a DELETE waiting on a row lock
   * keeps going on the server after this process dies, and autocommitted it
   * would delete a batch the run never recorded. Inside a transaction it waits
   * for a COMMIT that never comes, and the server rolls it back when it finds
   * the connection gone. A batch may store itself (beforeCommit) between its
   * DELETE and its COMMIT.
   */
  private async inTransaction<R extends pg.QueryResultRow>(
    stmt: PgStatement,
    mode: { readOnly: true; timeoutMs: number } | { rollback: true } | { commit: true; beforeCommit?: (r: pg.QueryResult<R>, xid: string) => Promise<void> },
  ): Promise<pg.QueryResult<R>> {
    let xid: string | null = null;
    if ('commit' in mode && mode.beforeCommit) {
      // The transaction id that batchCommitted asks about later, taken with the
      // BEGIN in one round trip (a simple query may hold two statements).
      const res = (await this.exec({ sql: 'BEGIN; SELECT txid_current()::text AS xid', params: [] })) as unknown as pg.QueryResult<{ xid: string }>[];
      xid = res[1]!.rows[0]!.xid;
    } else {
      await this.exec({ sql: 'readOnly' in mode ? 'BEGIN READ ONLY' : 'BEGIN', params: [] });
    }
    try {
      if ('readOnly' in mode) {
        await this.exec({ sql: "SELECT set_config('statement_timeout', $1, true)", params: [`${mode.timeoutMs}ms`] });
      }
      const r = await this.exec<R>(stmt);
      if ('commit' in mode && xid !== null) await mode.beforeCommit?.(r, xid);
      await this.exec({ sql: 'rollback' in mode ? 'ROLLBACK' : 'COMMIT', params: [] });
      return r;
    } catch (e) {
      if (!this.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
      throw e;
    }
  }

  inspect(spec: ExpirySpec): Promise<TableFacts> {
    return inspectPgTable((sql, params) => this.rows(sql, params), spec);
  }

  storedCutoff(table: TableFacts, cutoff: Date): Promise<ExpiryBoundValue> {
    return storedCutoff((sql, params) => this.rows(sql, params), table.reading, cutoff);
  }

  async boundary(table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary> {
    type Row = { deleted_stored: string | null; deleted_epoch: number | null; kept_stored: string | null; kept_epoch: number | null };
    try {
      const { rows } = await this.inTransaction<Row>(boundarySql(table, bound), { readOnly: true, timeoutMs: BOUNDARY_TIMEOUT_MS });
      const r = rows[0]!;
      const side = (stored: string | null, epoch: number | null) => (stored === null || epoch === null ? null : { stored, at: new Date(epoch * 1000) });
      return { newestDeleted: side(r.deleted_stored, r.deleted_epoch), oldestKept: side(r.kept_stored, r.kept_epoch), complete: true };
    } catch (e) {
      // Without an expiry index both sides are a scan: the preview goes on without them.
      if (e instanceof AppError && e.kind === 'timeout') return { newestDeleted: null, oldestKept: null, complete: false };
      throw e;
    }
  }

  async estimateExpired(table: TableFacts, bound: ExpiryBoundValue, opts: { exactMaxRows?: number } = {}): Promise<ExpiredEstimate> {
    const exactMax = opts.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS;
    const small = table.rowEstimate >= 0 ? table.rowEstimate <= exactMax : table.tableBytes <= 256 * 1024 * 1024;
    if (small) {
      const { rows } = await this.inTransaction<{ n: number; expired: number }>(countRowsSql(table, bound), {
        readOnly: true,
        timeoutMs: READ_TIMEOUT_MS,
      });
      const { n, expired } = rows[0]!;
      return { expired, total: n, fraction: n > 0 ? expired / n : 0, method: 'exact' };
    }
    const pages = await this.heapPages(table);
    const percent = Math.min(100, Math.max(0.0001, (100 * SAMPLE_PAGES) / Math.max(pages, 1)));
    const { rows } = await this.inTransaction<{ n: number; expired: number }>(sampleExpiredSql(table, bound, percent), {
      readOnly: true,
      timeoutMs: READ_TIMEOUT_MS,
    });
    const { n, expired } = rows[0]!;
    const fraction = n > 0 ? expired / n : 0;
    const total = table.rowEstimate > 0 ? table.rowEstimate : Math.round((n * 100) / percent);
    return { expired: Math.round(fraction * total), total, fraction, method: 'sample' };
  }

  async countExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
    const { rows } = await this.inTransaction<{ n: number }>(countExpiredSql(table, bound), { readOnly: true, timeoutMs: READ_TIMEOUT_MS });
    return rows[0]!.n;
  }

  private async heapPages(table: TableFacts): Promise<number> {
    const stmt = heapPagesSql(table);
    const [r] = await this.rows<{ pages: number }>(stmt.sql, stmt.params);
    return r!.pages;
  }

  async startCursor(table: TableFacts, strategy: StrategyName, opts: StartCursorOptions): Promise<CleanupCursor> {
    const pass = opts.pass ?? 1;
    if (!table.strategies.includes(strategy)) {
      throw new AppError(`strategy ${strategy} cannot run on ${table.schema}.${table.table}: ${table.unsupported[strategy] ?? 'not supported'}`, 'input');
    }
    if (strategy === 'keyset') return { strategy, after: null, pass };
    // The walk covers the heap as it is now and extends itself if the table grows meanwhile.
    const endPage = await this.heapPages(table);
    const perPage = opts.expired !== undefined && endPage > 0 ? opts.expired / endPage : rowsPerPage(table) * opts.fraction;
    return { strategy: 'heap-walk', page: 0, endPage, expiredPerPage: Math.max(0.01, perPage), pass };
  }

  private heapRange(req: Omit<DeleteBatchRequest, 'rollback'> & { cursor: HeapWalkCursor }): { from: number; to: number } {
    const from = req.cursor.page;
    const k = rangeLength(req.size, req.cursor.expiredPerPage, rowsPerPage(req.table));
    return { from, to: Math.max(from + 1, Math.min(from + k, req.cursor.endPage)) };
  }

  async deleteBatch(req: DeleteBatchRequest): Promise<DeleteBatchResult> {
    const { cursor } = req;
    if (cursor.strategy === 'heap-walk') return this.heapWalkBatch({ ...req, cursor });
    if (cursor.strategy === 'keyset') return this.keysetBatch({ ...req, cursor });
    throw new AppError(`strategy ${cursor.strategy} does not exist on PostgreSQL`, 'input');
  }

  private async heapWalkBatch(req: DeleteBatchRequest & { cursor: HeapWalkCursor }): Promise<DeleteBatchResult> {
    let cursor = req.cursor;
    if (cursor.page >= cursor.endPage) {
      const pages = await this.heapPages(req.table);
      if (pages <= cursor.endPage) return { deleted: 0, scanned: 0, nextCursor: cursor, done: true, walked: 1 };
      cursor = { ...cursor, endPage: pages };
    }
    const { from, to } = this.heapRange({ ...req, cursor });
    const stmt = heapWalkDelete(req.table, from, to, req.bound);
    const after = (deleted: number): HeapWalkCursor => ({ ...cursor, page: to, expiredPerPage: nextDensity(cursor.expiredPerPage, deleted, to - from) });
    const r = await this.inTransaction(stmt, req.rollback ? { rollback: true } : { commit: true, beforeCommit: this.storeFirst(req, (x) => ({ deleted: x.rowCount ?? 0, nextCursor: after(x.rowCount ?? 0) })) });
    const deleted = r.rowCount ?? 0;
    const next = after(deleted);
    let done = false;
    if (to >= next.endPage) {
      // Rows inserted while the walk went may have extended the heap: walk those pages too.
      const pages = await this.heapPages(req.table);
      if (pages > next.endPage) next.endPage = pages;
      else done = true;
    }
    return { deleted, scanned: to - from, nextCursor: next, done, walked: Math.min(1, next.page / Math.max(1, next.endPage)) };
  }

  private async keysetBatch(req: DeleteBatchRequest & { cursor: KeysetCursor }): Promise<DeleteBatchResult> {
    const stmt = keysetDelete(req.table, req.cursor.after, req.size, req.bound);
    type Row = { deleted: number; seen: number; last_expiry: string | null; last_tid: string | null };
    const next = ({ seen, last_expiry, last_tid }: Row): KeysetCursor => ({
      ...req.cursor,
      after: seen > 0 && last_expiry !== null && last_tid !== null ? { expiry: last_expiry, row: last_tid } : req.cursor.after,
    });
    const r = await this.inTransaction<Row>(stmt, req.rollback ? { rollback: true } : { commit: true, beforeCommit: this.storeFirst(req, (x) => ({ deleted: x.rows[0]!.deleted, nextCursor: next(x.rows[0]!) })) });
    const { deleted, seen } = r.rows[0]!;
    return { deleted, scanned: seen, nextCursor: next(r.rows[0]!), done: seen < req.size, walked: null };
  }

  /** The request's beforeCommit, handed the batch with its transaction id (what batchCommitted asks about later). */
  private storeFirst<R extends pg.QueryResultRow>(
    req: DeleteBatchRequest,
    batch: (r: pg.QueryResult<R>) => { deleted: number; nextCursor: CleanupCursor },
  ): ((r: pg.QueryResult<R>, xid: string) => Promise<void>) | undefined {
    const hook = req.beforeCommit;
    if (!hook) return undefined;
    return async (r, xid) => {
      const b = batch(r);
      // A batch that deleted nothing has nothing to count, so nothing to check.
      await hook({ ...b, check: b.deleted > 0 ? { xid } : null });
    };
  }

  /** txid_status: whether the batch's transaction committed, from any session, long after the one that ran it is gone. */
  async batchCommitted(_table: TableFacts, check: BatchCheck): Promise<boolean> {
    const xid = typeof check.xid === 'string' && /^\d+$/.test(check.xid) ? check.xid : null;
    if (!xid) throw new AppError('a PostgreSQL batch check needs a transaction id', 'internal');
    let r: { status: string | null } | undefined;
    try {
      [r] = await this.rows<{ status: string | null }>('SELECT txid_status($1::bigint) AS status', [xid]);
    } catch (e) {
      // After a crash the server hands out transaction ids again from the last
      // one it had logged: an id "in the future" never reached the WAL, so its
      // transaction cannot have committed.
      if (/is in the future/.test(String((e as Error)?.message))) return false;
      throw e;
    }
    // Still open: the session that ran it has not ended yet; retried like a lock wait.
    if (r?.status === 'in progress') throw new AppError(`the last batch (transaction ${xid}) is still open on the server`, 'timeout');
    // NULL: too old for the server to remember, so long settled: a worker that got that far committed it.
    return r?.status !== 'aborted';
  }

  async explain(req: Omit<DeleteBatchRequest, 'rollback'>): Promise<ExplainResult> {
    const { cursor } = req;
    let stmt: PgStatement;
    if (cursor.strategy === 'heap-walk') {
      const { from, to } = this.heapRange({ ...req, cursor });
      stmt = heapWalkDelete(req.table, from, to, req.bound);
    } else if (cursor.strategy === 'keyset') {
      stmt = keysetDelete(req.table, cursor.after, req.size, req.bound);
    } else {
      throw new AppError(`strategy ${cursor.strategy} does not exist on PostgreSQL`, 'input');
    }
    // EXPLAIN without ANALYZE plans the DELETE and runs nothing.
    const rows = await this.rows<{ 'QUERY PLAN': string }>(`EXPLAIN ${stmt.sql}`, stmt.params);
    return { sql: [stmt.sql], params: [stmt.params], plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
  }

  async tryLock(table: Pick<TableFacts, 'schema' | 'table'>): Promise<LockResult> {
    const key = pgLockKey(table.schema, table.table);
    if (this.lockKey === key) return { acquired: true, holder: null };
    if (this.lockKey) throw new AppError('this cleanup driver already holds the lock of another table', 'internal');
    const result = await tryPgAdvisoryLock((sql, params) => this.rows(sql, params), key);
    if (result.acquired) this.lockKey = key;
    return result;
  }

  async unlock(): Promise<void> {
    if (!this.lockKey) return;
    const key = this.lockKey;
    this.lockKey = null;
    if (this.client && !this.broken) await this.rows('SELECT pg_advisory_unlock($1::bigint)', [key]);
  }

  async truncate(table: TableFacts): Promise<{ removed: number }> {
    if (this.lockKey !== pgLockKey(table.schema, table.table)) throw new AppError('truncate needs the table lock (tryLock) first', 'internal');
    // The count runs before, not under, the ACCESS EXCLUSIVE lock: counting a
    // big table while holding it would stop every reader for the count's length.
    const { rows } = await this.inTransaction<{ n: number }>(countAllSql(table), { readOnly: true, timeoutMs: READ_TIMEOUT_MS });
    // Autocommitted, under the session's lock_timeout: a TRUNCATE waiting
    // behind a long transaction would queue every later reader of the table.
    await this.exec(truncateSql(table));
    return { removed: rows[0]!.n };
  }

  async analyze(table: Pick<TableFacts, 'schema' | 'table'>): Promise<void> {
    // SHARE UPDATE EXCLUSIVE: reads and writes go on; the session's lock_timeout
    // keeps it from queueing behind a VACUUM FULL. Its own statement timeout:
    // sampling a big table can take longer than one batch may.
    await this.exec({ sql: 'BEGIN', params: [] });
    try {
      await this.exec({ sql: "SELECT set_config('statement_timeout', $1, true)", params: [`${READ_TIMEOUT_MS}ms`] });
      await this.exec({ sql: `ANALYZE ${quoteQualified('postgres', table.schema, table.table)}`, params: [] });
      await this.exec({ sql: 'COMMIT', params: [] });
    } catch (e) {
      if (!this.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
      throw e;
    }
  }

  async throttleSignals(): Promise<ThrottleSignals> {
    // replay/flush/write lag are NULL while a replica has nothing to replay: that counts as no lag.
    const [r] = await this.rows<{ replicas: number; lag: number | null; active: number }>(
      `SELECT (SELECT count(*) FROM pg_stat_replication)::int AS replicas,
              (SELECT max(EXTRACT(EPOCH FROM GREATEST(write_lag, flush_lag, replay_lag))) FROM pg_stat_replication)::float8 AS lag,
              (SELECT count(*) FROM pg_stat_activity
                WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid())::int AS active`,
    );
    return { replicaLagSeconds: r!.replicas > 0 ? (r!.lag ?? 0) : null, activeConnections: r!.active };
  }

  async close(): Promise<void> {
    // Release the lock before dropping the connection: the server notices a
    // dropped connection a moment later, and a next run may already be asking.
    await this.unlock().catch(() => undefined);
    const c = this.client;
    this.client = null;
    // Destroying the session ends it on the server, which also releases its advisory lock.
    if (c) c.release(true);
  }
}
