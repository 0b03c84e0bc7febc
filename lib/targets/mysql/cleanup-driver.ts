// MySQL / MariaDB side of the cleanup engine. Batches run on one dedicated
// connection (./dedicated-connection.ts): it carries the lock-wait and statement timeouts and the
// GET_LOCK that makes a run exclusive per table. Each DELETE is its own short
// transaction, committed as soon as it returns.
import 'server-only';
import type mysql from 'mysql2/promise';
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
  KeyValue,
  KeysetCursor,
  LockResult,
  PkRangeCursor,
  StartCursorOptions,
  StrategyName,
  TableFacts,
  ThrottleSignals,
} from '../../cleanup/driver';
import type { ExpirySpec } from '../adapter';
import { AppError } from '../../errors';
import { quoteQualified } from '../quote-identifier';
import { nextDensity, rangeLength } from '../../cleanup/range-size';
import { MysqlDedicatedConnection, mysqlLockName } from './dedicated-connection';
import { createMysqlPool } from './connect';
import { withStatementTimeout } from './statement-timeout';
import type { MysqlFlavor } from './source';
import { inspectMysqlTable } from './cleanup-inspect';
import { storedCutoff } from './expiry-predicate';
import {
  mysqlBatchCommitted,
  mysqlBoundary,
  mysqlCountExpired,
  mysqlEstimateExpired,
  mysqlProbeExpired,
  mysqlReplicaLag,
  type MysqlLongRead,
} from './cleanup-reads';
import { mysqlExplain, mysqlRangeEnd } from './cleanup-explain';
import {
  countAllSql,
  keysDeleteSql,
  keysetSelectSql,
  rangeDeleteSql,
  toKeyValue,
  truncateSql,
  type MysqlStatement,
} from './cleanup-sql';

const READ_TIMEOUT_MS = 10 * 60_000;
/** A range end read ahead serves the next batch when it was read for about the length that batch wants. */
const AHEAD_TOLERANCE = 1.25;
/** The read-ahead's own time limit, like a batch's. */
const AHEAD_TIMEOUT_MS = 30_000;

type RangeEnd = { n: number; end: KeyValue[] | null };

type Header = { affectedRows: number };

export class MysqlCleanupDriver implements CleanupDriver {
  readonly dialect = 'mysql' as const;
  private readonly conn: MysqlDedicatedConnection;
  private flavor: MysqlFlavor = 'mysql';
  private replicaPools: mysql.Pool[] | null = null;
  /** The next range's end, being read on another connection while the current batch deletes (pkRangeBatch). */
  private ahead: { after: string; n: number; range: Promise<RangeEnd | null> } | null = null;
  /** The read-ahead's own connection, opened at the first read-ahead. */
  private readConn: Promise<mysql.PoolConnection> | null = null;

  constructor(
    private readonly pool: mysql.Pool,
    private readonly target: string,
    private readonly databaseName: string,
    private readonly opts: CleanupDriverOptions = {},
  ) {
    const statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    const lockTimeoutMs = opts.lockTimeoutMs ?? 3_000;
    this.conn = new MysqlDedicatedConnection({ pool, target, lostLock: 'retake', setup: (c) => this.setup(c, statementTimeoutMs, lockTimeoutMs) });
  }

  /** Settings of the run's connection (SET SESSION: they last as long as it). */
  private async setup(c: mysql.PoolConnection, statementTimeoutMs: number, lockTimeoutMs: number): Promise<void> {
    const [[v]] = (await c.query('SELECT VERSION() AS version, @@log_bin AS log_bin, @@SESSION.binlog_format AS binlog_format')) as unknown as [
      Array<{ version: string; log_bin: number; binlog_format: string }>,
    ];
    this.flavor = /mariadb/i.test(v!.version) ? 'mariadb' : 'mysql';
    // Row-lock waits give up quickly (InnoDB takes whole seconds, at least 1);
    // metadata-lock waits too, so a batch never queues behind an ALTER.
    const lockSeconds = Math.max(1, Math.round(lockTimeoutMs / 1000));
    await c.query('SET SESSION innodb_lock_wait_timeout = ?, SESSION lock_wait_timeout = ?', [lockSeconds, lockSeconds]);
    if (this.flavor === 'mariadb') {
      // MariaDB limits every statement, DELETE included (MySQL's max_execution_time covers SELECT only).
      await c.query('SET SESSION max_statement_time = ?', [statementTimeoutMs / 1000]);
    } else {
      await c.query('SET SESSION max_execution_time = ?', [statementTimeoutMs]);
    }
    // READ COMMITTED: InnoDB releases the locks on scanned rows that do not
    // match (live sessions in the range) at once and takes no gap locks, so
    // the application's refreshes and new-session inserts do not wait on a
    // batch. Statement-based binary logging forbids it; keep the default there.
    if (!(Number(v!.log_bin) === 1 && String(v!.binlog_format).toUpperCase() === 'STATEMENT')) {
      await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    }
  }

  private exec<R = Record<string, unknown>[]>(stmt: MysqlStatement): Promise<R> {
    return this.conn.exec<R>(stmt);
  }

  private rows = <R>(sql: string, params: unknown[] = []): Promise<R[]> => this.conn.rows<R>(sql, params);

  /** A long read with its own time limit in place of the connection's batch limit. */
  private longRead: MysqlLongRead = async <R>(stmt: MysqlStatement): Promise<R[]> => {
    await this.conn.connection();
    const t = withStatementTimeout(this.flavor, stmt.sql, READ_TIMEOUT_MS);
    return this.rows<R>(t.sql, [...t.params, ...stmt.params]);
  };

  /**
   * A DELETE in its own transaction: committed, or rolled back (a timed sample).
   * Not autocommitted: a DELETE waiting on a row lock keeps going on the server
   * after this process dies, and autocommitted it would delete a batch the run
   * never recorded. In a transaction it waits for a COMMIT that never comes,
   * and the server rolls it back when the connection closes. A batch may store
   * itself (beforeCommit) between its DELETE and its COMMIT.
   */
  private async runDelete(stmt: MysqlStatement, rollback: boolean | undefined, beforeCommit?: (deleted: number) => Promise<void>): Promise<number> {
    await this.exec({ sql: 'START TRANSACTION', params: [] });
    let deleted: number;
    try {
      deleted = (await this.exec<Header>(stmt)).affectedRows;
      if (!rollback) await beforeCommit?.(deleted);
    } catch (e) {
      // A lock wait timeout rolls back only the statement; end the transaction too
      // (and a batch that could not be stored is not committed).
      if (!this.conn.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
      throw e;
    }
    if (rollback) {
      await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
    } else {
      await this.exec({ sql: 'COMMIT', params: [] });
    }
    return deleted;
  }

  inspect(spec: ExpirySpec): Promise<TableFacts> {
    return inspectMysqlTable((sql, params) => this.rows(sql, params), spec);
  }

  storedCutoff(table: TableFacts, cutoff: Date): Promise<ExpiryBoundValue> {
    return storedCutoff((sql, params) => this.rows(sql, params), table.reading, cutoff);
  }

  async boundary(table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary> {
    await this.conn.connection();
    return mysqlBoundary(this.rows, this.flavor, table, bound);
  }

  estimateExpired(table: TableFacts, bound: ExpiryBoundValue, opts: { exactMaxRows?: number } = {}): Promise<ExpiredEstimate> {
    return mysqlEstimateExpired(this.rows, this.longRead, table, bound, opts);
  }

  countExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
    return mysqlCountExpired(this.longRead, table, bound);
  }

  probeExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number | null> {
    return mysqlProbeExpired(this.rows, this.flavor, table, bound);
  }

  async startCursor(table: TableFacts, strategy: StrategyName, opts: StartCursorOptions): Promise<CleanupCursor> {
    const pass = opts.pass ?? 1;
    if (!table.strategies.includes(strategy)) {
      throw new AppError(`strategy ${strategy} cannot run on ${table.schema}.${table.table}: ${table.unsupported[strategy] ?? 'not supported'}`, 'input');
    }
    if (strategy === 'keyset') return { strategy, after: null, pass };
    return { strategy: 'pk-range', after: null, expiredPerKey: Math.max(0.01, opts.fraction), walkedKeys: 0, pass };
  }

  async deleteBatch(req: DeleteBatchRequest): Promise<DeleteBatchResult> {
    const { cursor } = req;
    if (cursor.strategy === 'pk-range') return this.pkRangeBatch({ ...req, cursor });
    if (cursor.strategy === 'keyset') return this.keysetBatch({ ...req, cursor });
    throw new AppError(`strategy ${cursor.strategy} does not exist on MySQL`, 'input');
  }

  private rangeEnd(req: Omit<DeleteBatchRequest, 'rollback'> & { cursor: PkRangeCursor }): Promise<{ n: number; end: KeyValue[] | null }> {
    return mysqlRangeEnd(this.rows, req);
  }

  /**
   * Where the range of this batch ends. Finding it reads the range's keys
   * through the clustered index, about a fifth of a batch's time; so while a
   * batch deletes, the next range's end is read on a pooled connection of its
   * own (a plain consistent read: no locks, nothing written), and the next
   * batch takes it if it starts there and wants about that many keys (the
   * density it learns from this batch may change that). Any end is correct:
   * the DELETE checks every row of its range, whenever it was read.
   */
  private async pkRange(req: DeleteBatchRequest & { cursor: PkRangeCursor }): Promise<RangeEnd> {
    const want = rangeLength(req.size, req.cursor.expiredPerKey, 1);
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead && ahead.after === JSON.stringify(req.cursor.after) && ahead.n <= want * AHEAD_TOLERANCE && ahead.n * AHEAD_TOLERANCE >= want) {
      const r = await ahead.range;
      if (r) return r;
    }
    return this.rangeEnd(req);
  }

  private readAhead(req: DeleteBatchRequest & { cursor: PkRangeCursor }, from: KeyValue[]): void {
    const next = { ...req, cursor: { ...req.cursor, after: from } };
    const readRows = async <R>(sql: string, params: unknown[] = []): Promise<R[]> => {
      this.readConn ??= this.pool.getConnection();
      const c = await this.readConn;
      const t = withStatementTimeout(this.flavor, sql, AHEAD_TIMEOUT_MS);
      const [rows] = await c.query(t.sql, [...t.params, ...params]);
      return rows as R[];
    };
    // A failed read-ahead (a lost connection, a timeout) costs nothing: the
    // batch reads its end itself, and the next read-ahead opens a new connection.
    const range = mysqlRangeEnd(readRows, next).catch(() => {
      this.dropReadConn();
      return null;
    });
    this.ahead = { after: JSON.stringify(from), n: rangeLength(req.size, req.cursor.expiredPerKey, 1), range };
  }

  /** Closes the read-ahead's connection (destroyed, not pooled: a read still going on it just ends). */
  private dropReadConn(): void {
    const c = this.readConn;
    this.readConn = null;
    c?.then((conn) => conn.destroy(), () => undefined);
  }

  private async pkRangeBatch(req: DeleteBatchRequest & { cursor: PkRangeCursor }): Promise<DeleteBatchResult> {
    const { cursor, table } = req;
    const { n, end } = await this.pkRange(req);
    if (end && !req.rollback) this.readAhead(req, end);
    const walkedKeys = cursor.walkedKeys + n;
    // Fewer than n keys were left (no end): that open-ended range is the last one.
    const next = (deleted: number): PkRangeCursor =>
      end ? { ...cursor, after: end, walkedKeys, expiredPerKey: nextDensity(cursor.expiredPerKey, deleted, n) } : { ...cursor, walkedKeys };
    const hook = req.beforeCommit;
    const deleted = await this.runDelete(
      rangeDeleteSql(table, cursor.after, end, req.bound),
      req.rollback,
      hook && ((d) => hook({ deleted: d, nextCursor: next(d), check: d > 0 ? { after: cursor.after, upTo: end } : null })),
    );
    const walked = table.rowEstimate > 0 ? Math.min(end ? 0.99 : 1, walkedKeys / table.rowEstimate) : null;
    return { deleted, scanned: n, nextCursor: next(deleted), done: !end, walked: end ? walked : 1 };
  }

  private async keysetBatch(req: DeleteBatchRequest & { cursor: KeysetCursor }): Promise<DeleteBatchResult> {
    const { table, cursor } = req;
    const after = cursor.after && Array.isArray(cursor.after.row) ? { expiry: cursor.after.expiry, row: cursor.after.row } : null;
    const sel = keysetSelectSql({ ...table, expiryIndex: table.expiryIndex! }, after, req.size, req.bound);
    // At most one batch of keys is held here.
    const rows = await this.rows<Record<string, unknown>>(sel.sql, sel.params);
    if (rows.length === 0) return { deleted: 0, scanned: 0, nextCursor: cursor, done: true, walked: null };
    const keys = rows.map((r) => table.primaryKey.map((k) => toKeyValue(r[k])));
    const last = rows[rows.length - 1]!;
    const nextCursor: KeysetCursor = { ...cursor, after: { expiry: String(last.janitor_expiry), row: keys[keys.length - 1]! } };
    const hook = req.beforeCommit;
    // The keys came from the index range (after, last]: that range is what batchCommitted recounts.
    const deleted = await this.runDelete(
      keysDeleteSql(table, keys, req.bound),
      req.rollback,
      hook && ((d) => hook({ deleted: d, nextCursor, check: d > 0 ? { keyset: { after, upTo: nextCursor.after } } : null })),
    );
    return { deleted, scanned: rows.length, nextCursor, done: rows.length < req.size, walked: null };
  }

  explain(req: Omit<DeleteBatchRequest, 'rollback'>): Promise<ExplainResult> {
    return mysqlExplain(this.rows, req);
  }

  batchCommitted(table: TableFacts, check: BatchCheck, bound: ExpiryBoundValue): Promise<boolean> {
    return mysqlBatchCommitted(this.rows, table, check, bound);
  }
  tryLock(table: Pick<TableFacts, 'schema' | 'table'>): Promise<LockResult> {
    // GET_LOCK names are server-wide: the schema (database) is part of the name.
    return this.conn.tryLock(mysqlLockName(table.schema || this.databaseName, table.table));
  }

  unlock(): Promise<void> {
    return this.conn.unlock();
  }

  async truncate(table: TableFacts): Promise<{ removed: number }> {
    if (!this.conn.holdsLock(mysqlLockName(table.schema || this.databaseName, table.table))) {
      throw new AppError('truncate needs the table lock (tryLock) first', 'internal');
    }
    // Counted before the TRUNCATE: its exclusive metadata lock is held only for the TRUNCATE itself.
    const [r] = await this.longRead<{ n: number }>(countAllSql(table));
    // Under the connection's lock_wait_timeout: a TRUNCATE waiting for the metadata
    // lock behind an open transaction would queue every later reader of the table.
    await this.exec(truncateSql(table));
    return { removed: Number(r!.n) };
  }

  async analyze(table: Pick<TableFacts, 'schema' | 'table'>): Promise<void> {
    // InnoDB samples a few index pages; under the connection's lock_wait_timeout.
    // It reports a failure as a result row, not as an error.
    const rows = await this.exec<{ Msg_type?: string; Msg_text?: string }[]>({ sql: `ANALYZE TABLE ${quoteQualified('mysql', table.schema || this.databaseName, table.table)}`, params: [] });
    const failed = rows.find((r) => r.Msg_type?.toLowerCase() === 'error');
    if (failed) throw new AppError(`ANALYZE TABLE failed: ${String(failed.Msg_text).slice(0, 200)}`, 'internal');
  }

  async throttleSignals(): Promise<ThrottleSignals> {
    const [r] = await this.rows<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Threads_running'");
    // Threads_running counts this connection's own statement.
    const activeConnections = Math.max(0, Number(r?.Value ?? 0) - 1);
    const urls = this.opts.replicaUrls ?? [];
    if (urls.length > 0) this.replicaPools ??= urls.map((u) => createMysqlPool(u, { max: 1 }));
    const replicaLagSeconds = this.replicaPools ? await mysqlReplicaLag(this.replicaPools, this.target) : null;
    return { replicaLagSeconds, activeConnections };
  }
  async close(): Promise<void> {
    this.ahead = null;
    this.dropReadConn();
    await this.conn.close({ unlockFirst: true });
    const replicas = this.replicaPools ?? [];
    this.replicaPools = null;
    await Promise.all(replicas.map((p) => p.end().catch(() => undefined)));
  }
}
