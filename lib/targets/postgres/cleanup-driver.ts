// PostgreSQL side of the cleanup engine. Batches run on one dedicated
// connection (./dedicated-connection.ts): it carries the statement and lock
// timeouts and the advisory lock that makes a run exclusive per table. Each DELETE is its own
// short transaction, committed as soon as it returns, so no batch holds row
// locks longer than itself.
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
import { nextDensity, rangeLength } from '../../cleanup/range-size';
import { PgDedicatedConnection, pgLockKey } from './dedicated-connection';
import { inspectPgTable, rowsPerPage } from './cleanup-inspect';
import { storedCutoff } from './expiry-predicate';
import { pgBatchCommitted, pgBoundary, pgCountExpired, pgEstimateExpired, pgHeapPages, pgThrottleSignals, READ_TIMEOUT_MS, type PgReadOnly } from './cleanup-reads';
import {
  countAllSql,
  heapWalkDelete,
  heapWalkLimit,
  heapWalkWarm,
  keysetDelete,
  truncateSql,
  type PgStatement,
} from './cleanup-sql';

/** A range whose pages, full, could hold more than this many times the delete count is read up to it first (limitRange). */
const LIMIT_FACTOR = 4;

export class PgCleanupDriver implements CleanupDriver {
  readonly dialect = 'postgres' as const;
  private readonly conn: PgDedicatedConnection;
  private readonly pool: pg.Pool;
  private readonly lockTimeoutMs: number;
  /** The connection that reads the next range's pages ahead, and its read in flight. */
  private warmConn: Promise<pg.PoolClient> | null = null;
  private warming: Promise<void> | null = null;

  constructor(pool: pg.Pool, target: string, opts: CleanupDriverOptions = {}) {
    this.pool = pool;
    const statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    const lockTimeoutMs = opts.lockTimeoutMs ?? 3_000;
    this.lockTimeoutMs = lockTimeoutMs;
    const durableCommits = opts.durableCommits ?? true;
    this.conn = new PgDedicatedConnection({
      pool,
      target,
      lostLock: 'retake',
      // Session-level settings: this connection serves only this run and is
      // destroyed (not returned to the pool) when the run ends. ISO dates keep
      // the keyset cursor's expiry text unambiguous whatever the server's DateStyle.
      // synchronous_commit stays on unless durableCommits is false: with it off a
      // batch commits about a tenth faster, but a database crash can undo
      // batches already counted, and the run's total would no longer equal the
      // rows that left the table (tests/faults/database-restart.test.ts).
      setup: async (c) => {
        await c.query(
          `SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false),
                  set_config('application_name', 'janitor cleanup', false), set_config('DateStyle', 'ISO, YMD', false),
                  set_config('synchronous_commit', $3, false)`,
          [`${statementTimeoutMs}ms`, `${lockTimeoutMs}ms`, durableCommits ? 'on' : 'off'],
        );
      },
    });
  }

  private exec<R extends pg.QueryResultRow>(stmt: PgStatement): Promise<pg.QueryResult<R>> {
    return this.conn.exec<R>(stmt);
  }

  private rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.conn.rows<R>(sql, params);
  }

  /** A read in its own read-only transaction, with a time limit of its own. */
  private readOnly: PgReadOnly = async <R extends pg.QueryResultRow>(stmt: PgStatement, timeoutMs: number) =>
    (await this.inTransaction<R>(stmt, { readOnly: true, timeoutMs })).rows;

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
      if (!this.conn.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
      throw e;
    }
  }

  inspect(spec: ExpirySpec): Promise<TableFacts> {
    return inspectPgTable((sql, params) => this.rows(sql, params), spec);
  }

  storedCutoff(table: TableFacts, cutoff: Date): Promise<ExpiryBoundValue> {
    return storedCutoff((sql, params) => this.rows(sql, params), table.reading, cutoff);
  }

  boundary(table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary> {
    return pgBoundary(this.readOnly, table, bound);
  }

  estimateExpired(table: TableFacts, bound: ExpiryBoundValue, opts: { exactMaxRows?: number } = {}): Promise<ExpiredEstimate> {
    return pgEstimateExpired(this.readOnly, (sql, params) => this.rows(sql, params), table, bound, opts);
  }

  countExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
    return pgCountExpired(this.readOnly, table, bound);
  }

  private heapPages(table: TableFacts): Promise<number> {
    return pgHeapPages((sql, params) => this.rows(sql, params), table);
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
    const cursor: HeapWalkCursor = { strategy: 'heap-walk', page: 0, endPage, expiredPerPage: Math.max(0.01, perPage), pass };
    // The rows there are now over the pages there are now: after a cleanup the
    // heap keeps its length (until VACUUM truncates it) while the statistics
    // still count the deleted rows until the next ANALYZE, and a cap from them
    // would cut every range of the emptied heap short.
    if (opts.total !== undefined && opts.total > 0 && endPage > 0) cursor.rowsPerPage = opts.total / endPage;
    return cursor;
  }

  private heapRange(req: Omit<DeleteBatchRequest, 'rollback'> & { cursor: HeapWalkCursor }): { from: number; to: number } {
    const from = req.cursor.page;
    const k = rangeLength(req.size, req.cursor.expiredPerPage, req.cursor.rowsPerPage ?? rowsPerPage(req.table));
    return { from, to: Math.max(from + 1, Math.min(from + k, req.cursor.endPage)) };
  }

  /**
   * A range the walk lengthened across sparse pages (a heap an earlier
   * cleanup emptied) may end in a full stretch, and one batch would then
   * delete many times the count asked for: when the range's pages, full,
   * could hold more than LIMIT_FACTOR times that count, it is first read up to
   * the row after the count and ends at that row's page. Ranges as dense as
   * full pages allow skip the read.
   */
  private async limitRange(req: Omit<DeleteBatchRequest, 'rollback'>, from: number, to: number): Promise<number> {
    const full = req.table.fullPageRows ?? rowsPerPage(req.table);
    if ((to - from) * full <= LIMIT_FACTOR * req.size) return to;
    const stmt = heapWalkLimit(req.table, from, to, req.size, req.bound);
    const [row] = await this.rows<{ page: number }>(stmt.sql, stmt.params);
    return row ? Math.max(from + 1, row.page) : to;
  }

  /**
   * While a batch deletes, the next range's pages are read into shared buffers
   * on a second connection (the other core): read from disk or the OS cache by
   * the DELETE itself, a range took several times as long as in memory. A
   * failed or slow read costs nothing but itself; one read at a time.
   */
  private warmAhead(table: TableFacts, fromPage: number, toPage: number): void {
    if (this.warming || toPage <= fromPage) return;
    const stmt = heapWalkWarm(table, fromPage, toPage);
    this.warming = (async () => {
      this.warmConn ??= this.pool.connect().then(async (c) => {
        // Held between reads, outside the pool's care: a server that ends it
        // must not crash the run (its next read fails and is dropped instead).
        c.on('error', () => undefined);
        try {
          // Its table lock waits no longer than the batches' own.
          await c.query(
            "SELECT set_config('statement_timeout', '10s', false), set_config('lock_timeout', $1, false), set_config('application_name', 'janitor cleanup read-ahead', false)",
            [`${this.lockTimeoutMs}ms`],
          );
        } catch (e) {
          c.release(true);
          throw e;
        }
        return c;
      });
      const c = await this.warmConn;
      await c.query(stmt.sql, stmt.params);
    })()
      .catch(() => this.dropWarmConn())
      .finally(() => {
        this.warming = null;
      });
  }

  private dropWarmConn(): void {
    const c = this.warmConn;
    this.warmConn = null;
    c?.then((conn) => conn.release(true), () => undefined);
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
    const { from, to: longest } = this.heapRange({ ...req, cursor });
    const to = await this.limitRange(req, from, longest);
    const stmt = heapWalkDelete(req.table, from, to, req.bound);
    const after = (deleted: number): HeapWalkCursor => ({ ...cursor, page: to, expiredPerPage: nextDensity(cursor.expiredPerPage, deleted, to - from) });
    if (!req.rollback) this.warmAhead(req.table, to, Math.min(cursor.endPage, to + (to - from)));
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

  batchCommitted(_table: TableFacts, check: BatchCheck): Promise<boolean> {
    return pgBatchCommitted((sql, params) => this.rows(sql, params), check);
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

  tryLock(table: Pick<TableFacts, 'schema' | 'table'>): Promise<LockResult> {
    return this.conn.tryLock(pgLockKey(table.schema, table.table));
  }

  unlock(): Promise<void> {
    return this.conn.unlock();
  }

  async truncate(table: TableFacts): Promise<{ removed: number }> {
    if (!this.conn.holdsLock(pgLockKey(table.schema, table.table))) throw new AppError('truncate needs the table lock (tryLock) first', 'internal');
    // The count runs before, not under, the ACCESS EXCLUSIVE lock: counting a
    // big table while holding it would stop every reader for the count's length.
    const { rows } = await this.inTransaction<{ n: number }>(countAllSql(table), { readOnly: true, timeoutMs: READ_TIMEOUT_MS });
    // Autocommitted, under the connection's lock_timeout: a TRUNCATE waiting
    // behind a long transaction would queue every later reader of the table.
    await this.exec(truncateSql(table));
    return { removed: rows[0]!.n };
  }

  async analyze(table: Pick<TableFacts, 'schema' | 'table'>): Promise<void> {
    // SHARE UPDATE EXCLUSIVE: reads and writes go on; the connection's lock_timeout
    // keeps it from queueing behind a VACUUM FULL. Its own statement timeout:
    // sampling a big table can take longer than one batch may.
    await this.exec({ sql: 'BEGIN', params: [] });
    try {
      await this.exec({ sql: "SELECT set_config('statement_timeout', $1, true)", params: [`${READ_TIMEOUT_MS}ms`] });
      await this.exec({ sql: `ANALYZE ${quoteQualified('postgres', table.schema, table.table)}`, params: [] });
      await this.exec({ sql: 'COMMIT', params: [] });
    } catch (e) {
      if (!this.conn.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
      throw e;
    }
  }

  throttleSignals(): Promise<ThrottleSignals> {
    return pgThrottleSignals((sql, params) => this.rows(sql, params));
  }

  close(): Promise<void> {
    this.dropWarmConn();
    return this.conn.close({ unlockFirst: true });
  }
}
