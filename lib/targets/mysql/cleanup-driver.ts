// MySQL / MariaDB side of the cleanup engine. Batches run on one dedicated
// connection: its session carries the lock-wait and statement timeouts and the
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
import { AppError, isAppError } from '../../errors';
import { quoteQualified } from '../quote-identifier';
import { nextDensity, rangeLength } from '../../cleanup/range-size';
import { mysqlLockName } from '../../cleanup/lock-name';
import { createMysqlPool } from './connect';
import { describeMysqlError } from './describe-mysql-error';
import { withStatementTimeout } from './statement-timeout';
import type { MysqlFlavor } from './source';
import { inspectMysqlTable } from './cleanup-inspect';
import { instantOf, storedCutoff } from './expiry-predicate';
import {
  countAllSql,
  countExpiredSql,
  probeExpiredSql,
  countRowsSql,
  boundarySql,
  keysDeleteSql,
  keysetSelectSql,
  keysetCountSql,
  rangeCountSql,
  rangeDeleteSql,
  rangeEndSql,
  toKeyValue,
  truncateSql,
  type MysqlStatement,
} from './cleanup-sql';

const READ_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_EXACT_MAX_ROWS = 1_000_000;
/** The check after a walk: rows it reads at most, and how long it may take before the run counts instead. */
const PROBE_ROWS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;
/** Finding the rows either side of the cutoff: two index probes, or scans that are not worth waiting for. */
const BOUNDARY_TIMEOUT_MS = 3_000;

type Header = { affectedRows: number };

/** mysql2 marks errors after which the connection is unusable as fatal. */
function sessionLost(e: unknown): boolean {
  const err = e as { fatal?: boolean; errno?: number };
  return err?.fatal === true || typeof err?.errno !== 'number';
}

export class MysqlCleanupDriver implements CleanupDriver {
  readonly dialect = 'mysql' as const;
  private conn: mysql.PoolConnection | null = null;
  private broken = false;
  private lockName: string | null = null;
  private flavor: MysqlFlavor = 'mysql';
  private replicaPools: mysql.Pool[] | null = null;
  private readonly statementTimeoutMs: number;
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly pool: mysql.Pool,
    private readonly target: string,
    private readonly databaseName: string,
    private readonly opts: CleanupDriverOptions = {},
  ) {
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 3_000;
  }

  /**
   * One-line AppError for the operator, keeping the driver's error as its
   * cause: the engine retries deadlocks and serialization failures by their
   * code, which the one-line message does not carry.
   */
  private fail(e: unknown): AppError {
    const app = describeMysqlError(e, this.target);
    if (app !== e && app.cause === undefined) app.cause = e;
    return app;
  }

  /** The dedicated session; reconnects after a lost connection and takes the lock back if this run held it. */
  private async session(): Promise<mysql.PoolConnection> {
    if (this.conn && !this.broken) return this.conn;
    if (this.conn) {
      this.conn.destroy();
      this.conn = null;
    }
    let c: mysql.PoolConnection;
    try {
      c = await this.pool.getConnection();
    } catch (e) {
      throw this.fail(e);
    }
    this.broken = false;
    c.on('error', () => {
      this.broken = true;
    });
    try {
      const [[v]] = (await c.query('SELECT VERSION() AS version, @@log_bin AS log_bin, @@SESSION.binlog_format AS binlog_format')) as unknown as [
        Array<{ version: string; log_bin: number; binlog_format: string }>,
      ];
      this.flavor = /mariadb/i.test(v!.version) ? 'mariadb' : 'mysql';
      // Row-lock waits give up quickly (InnoDB takes whole seconds, at least 1);
      // metadata-lock waits too, so a batch never queues behind an ALTER.
      const lockSeconds = Math.max(1, Math.round(this.lockTimeoutMs / 1000));
      await c.query('SET SESSION innodb_lock_wait_timeout = ?, SESSION lock_wait_timeout = ?', [lockSeconds, lockSeconds]);
      if (this.flavor === 'mariadb') {
        // MariaDB limits every statement, DELETE included (MySQL's max_execution_time covers SELECT only).
        await c.query('SET SESSION max_statement_time = ?', [this.statementTimeoutMs / 1000]);
      } else {
        await c.query('SET SESSION max_execution_time = ?', [this.statementTimeoutMs]);
      }
      // READ COMMITTED: InnoDB releases the locks on scanned rows that do not
      // match (live sessions in the range) at once and takes no gap locks, so
      // the application's refreshes and new-session inserts do not wait on a
      // batch. Statement-based binary logging forbids it; keep the default there.
      if (!(Number(v!.log_bin) === 1 && String(v!.binlog_format).toUpperCase() === 'STATEMENT')) {
        await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      }
      if (this.lockName) {
        const [[r]] = (await c.query('SELECT GET_LOCK(?, 0) AS ok', [this.lockName])) as unknown as [Array<{ ok: number | null }>];
        if (Number(r?.ok) !== 1) {
          this.lockName = null;
          throw new AppError('the connection was lost and another cleanup of this table took over its lock', 'conflict');
        }
      }
    } catch (e) {
      c.destroy();
      throw this.fail(e);
    }
    this.conn = c;
    return c;
  }

  private async exec<R = Record<string, unknown>[]>(stmt: MysqlStatement): Promise<R> {
    const c = await this.session();
    try {
      const [result] = await c.query(stmt.sql, stmt.params);
      return result as R;
    } catch (e) {
      if (sessionLost(e)) this.broken = true;
      throw this.fail(e);
    }
  }

  private rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.exec<R[]>({ sql, params });
  }

  /** A long read with its own time limit in place of the session's batch limit. */
  private async longRead<R>(stmt: MysqlStatement): Promise<R[]> {
    await this.session();
    const t = withStatementTimeout(this.flavor, stmt.sql, READ_TIMEOUT_MS);
    return this.rows<R>(t.sql, [...t.params, ...stmt.params]);
  }

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
      if (!this.broken) await this.exec({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
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
    const stmt = boundarySql(table, bound);
    await this.session();
    const t = withStatementTimeout(this.flavor, stmt.sql, BOUNDARY_TIMEOUT_MS);
    let found: Array<{ side: string; stored: string | null; epoch: unknown }>;
    try {
      found = await this.rows(t.sql, [...t.params, ...stmt.params]);
    } catch (e) {
      // Without an expiry index both sides are a scan: the preview goes on without them.
      if (e instanceof AppError && e.kind === 'timeout') return { newestDeleted: null, oldestKept: null, complete: false };
      throw e;
    }
    const side = (name: string) => {
      const r = found.find((x) => x.side === name);
      if (!r || r.stored === null) return null;
      const at = r.epoch !== null && r.epoch !== undefined ? new Date(Number(r.epoch) * 1000) : instantOf(table.reading, String(r.stored));
      return at ? { stored: String(r.stored), at } : null;
    };
    return { newestDeleted: side('deleted'), oldestKept: side('kept'), complete: true };
  }

  async estimateExpired(table: TableFacts, bound: ExpiryBoundValue, opts: { exactMaxRows?: number } = {}): Promise<ExpiredEstimate> {
    const exactMax = opts.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS;
    if (table.rowEstimate >= 0 && table.rowEstimate <= exactMax) {
      const [r] = await this.longRead<{ n: number; expired: number }>(countRowsSql(table, bound));
      const n = Number(r!.n);
      const expired = Number(r!.expired);
      return { expired, total: n, fraction: n > 0 ? expired / n : 0, method: 'exact' };
    }
    const total = Math.max(0, table.rowEstimate);
    if (!table.expiryIndex) {
      // Without an index only the primary-key walk can run; it learns the density as it goes.
      return { expired: Math.round(total / 2), total, fraction: 0.5, method: 'optimizer' };
    }
    // The optimizer's row estimate for the index range (index dives): cheap and close.
    const s = countExpiredSql(table, bound);
    const plan = await this.rows<{ rows: number | null }>(`EXPLAIN ${s.sql}`, s.params);
    const expired = Math.min(total, Number(plan[0]?.rows ?? 0));
    return { expired, total, fraction: total > 0 ? expired / total : 0, method: 'optimizer' };
  }

  async countExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
    const [r] = await this.longRead<{ n: number }>(countExpiredSql(table, bound));
    return Number(r!.n);
  }

  async probeExpired(table: TableFacts, bound: ExpiryBoundValue): Promise<number | null> {
    if (!table.expiryIndex) return null;
    const probe = probeExpiredSql({ ...table, expiryIndex: table.expiryIndex }, bound, PROBE_ROWS);
    const t = withStatementTimeout(this.flavor, probe.sql, PROBE_TIMEOUT_MS);
    try {
      const [r] = await this.rows<{ n: number }>(t.sql, [...t.params, ...probe.params]);
      return Number(r!.n);
    } catch (e) {
      // Out of time (an index still full of entries the purge has not removed): the caller counts instead.
      if (isAppError(e) && e.kind === 'timeout') return null;
      throw e;
    }
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

  private async rangeEnd(req: Omit<DeleteBatchRequest, 'rollback'> & { cursor: PkRangeCursor }): Promise<{ n: number; end: KeyValue[] | null }> {
    const n = rangeLength(req.size, req.cursor.expiredPerKey, 1);
    const stmt = rangeEndSql(req.table, req.cursor.after, n);
    const [row] = await this.rows<Record<string, unknown>>(stmt.sql, stmt.params);
    return { n, end: row ? req.table.primaryKey.map((k) => toKeyValue(row[k])) : null };
  }

  private async pkRangeBatch(req: DeleteBatchRequest & { cursor: PkRangeCursor }): Promise<DeleteBatchResult> {
    const { cursor, table } = req;
    const { n, end } = await this.rangeEnd(req);
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

  async explain(req: Omit<DeleteBatchRequest, 'rollback'>): Promise<ExplainResult> {
    const { cursor, table } = req;
    const sql: string[] = [];
    const params: unknown[][] = [];
    let del: MysqlStatement;
    if (cursor.strategy === 'pk-range') {
      const n = rangeLength(req.size, cursor.expiredPerKey, 1);
      const end = rangeEndSql(table, cursor.after, n);
      sql.push(end.sql);
      params.push(end.params);
      const { end: upTo } = await this.rangeEnd({ ...req, cursor });
      del = rangeDeleteSql(table, cursor.after, upTo, req.bound);
    } else if (cursor.strategy === 'keyset' && table.expiryIndex) {
      const after = cursor.after && Array.isArray(cursor.after.row) ? { expiry: cursor.after.expiry, row: cursor.after.row } : null;
      const sel = keysetSelectSql({ ...table, expiryIndex: table.expiryIndex }, after, req.size, req.bound);
      sql.push(sel.sql);
      params.push(sel.params);
      // The DELETE names the keys the SELECT returned; plan it with the first of them.
      const [first] = await this.rows<Record<string, unknown>>(sel.sql, sel.params);
      const key = first ? table.primaryKey.map((k) => toKeyValue(first[k])) : table.primaryKey.map(() => 0 as KeyValue);
      del = keysDeleteSql(table, [key], req.bound);
      sql.push(`${del.sql}  -- with every key the SELECT returned`);
      params.push(del.params);
      const plan = await this.rows<Record<string, unknown>>(`EXPLAIN ${sel.sql}`, sel.params);
      const delPlan = await this.rows<Record<string, unknown>>(`EXPLAIN ${del.sql}`, del.params);
      return { sql, params, plan: `${formatPlan(plan)}\n${formatPlan(delPlan)}` };
    } else {
      throw new AppError(`strategy ${cursor.strategy} cannot run on ${table.schema}.${table.table}`, 'input');
    }
    sql.push(del.sql);
    params.push(del.params);
    // EXPLAIN DELETE plans the statement without running it.
    const plan = await this.rows<Record<string, unknown>>(`EXPLAIN ${del.sql}`, del.params);
    return { sql, params, plan: formatPlan(plan) };
  }

  /**
   * MySQL cannot be asked whether a transaction committed; the range can: its
   * expired rows are gone if the batch's DELETE committed and all there if it
   * was rolled back. (Wrong only if the application meanwhile set a session in
   * that range back into the past, or deleted every row the batch had.)
   */
  async batchCommitted(table: TableFacts, check: BatchCheck, bound: ExpiryBoundValue): Promise<boolean> {
    type Pos = { expiry: string | number; row: KeyValue[] };
    const c = check as { after?: KeyValue[] | null; upTo?: KeyValue[] | null; keyset?: { after: Pos | null; upTo: Pos } };
    const stmt = c.keyset ? keysetCountSql(table, c.keyset.after, c.keyset.upTo, bound) : rangeCountSql(table, c.after ?? null, c.upTo ?? null, bound);
    const [r] = await this.rows<{ n: number }>(stmt.sql, stmt.params);
    return Number(r!.n) === 0;
  }

  async tryLock(table: Pick<TableFacts, 'schema' | 'table'>): Promise<LockResult> {
    // GET_LOCK names are server-wide: the schema (database) is part of the name.
    const name = mysqlLockName(table.schema || this.databaseName, table.table);
    if (this.lockName === name) return { acquired: true, holder: null };
    if (this.lockName) throw new AppError('this cleanup driver already holds the lock of another table', 'internal');
    const [r] = await this.rows<{ ok: number | null }>('SELECT GET_LOCK(?, 0) AS ok', [name]);
    if (Number(r?.ok) === 1) {
      this.lockName = name;
      return { acquired: true, holder: null };
    }
    const [h] = await this.rows<{ id: number | null; user: string | null; host: string | null; time: number | null }>(
      `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.TIME AS time
         FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)`,
      [name],
    );
    const holder = h?.id ? `connection ${h.id}${h.user ? ` (${h.user}${h.host ? `@${h.host.replace(/:\d+$/, '')}` : ''})` : ''}` : null;
    return { acquired: false, holder };
  }

  async unlock(): Promise<void> {
    if (!this.lockName) return;
    const name = this.lockName;
    this.lockName = null;
    if (this.conn && !this.broken) await this.rows('SELECT RELEASE_LOCK(?)', [name]);
  }

  async truncate(table: TableFacts): Promise<{ removed: number }> {
    if (this.lockName !== mysqlLockName(table.schema || this.databaseName, table.table)) {
      throw new AppError('truncate needs the table lock (tryLock) first', 'internal');
    }
    // Counted before the TRUNCATE: its exclusive metadata lock is held only for the TRUNCATE itself.
    const [r] = await this.longRead<{ n: number }>(countAllSql(table));
    // Under the session's lock_wait_timeout: a TRUNCATE waiting for the metadata
    // lock behind an open transaction would queue every later reader of the table.
    await this.exec(truncateSql(table));
    return { removed: Number(r!.n) };
  }

  async analyze(table: Pick<TableFacts, 'schema' | 'table'>): Promise<void> {
    // InnoDB samples a few index pages; under the session's lock_wait_timeout.
    // It reports a failure as a result row, not as an error.
    const rows = await this.exec<{ Msg_type?: string; Msg_text?: string }[]>({ sql: `ANALYZE TABLE ${quoteQualified('mysql', table.schema || this.databaseName, table.table)}`, params: [] });
    const failed = rows.find((r) => r.Msg_type?.toLowerCase() === 'error');
    if (failed) throw new AppError(`ANALYZE TABLE failed: ${String(failed.Msg_text).slice(0, 200)}`, 'internal');
  }

  async throttleSignals(): Promise<ThrottleSignals> {
    const [r] = await this.rows<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Threads_running'");
    // Threads_running counts this session's own statement.
    const activeConnections = Math.max(0, Number(r?.Value ?? 0) - 1);
    return { replicaLagSeconds: await this.replicaLag(), activeConnections };
  }

  /** Worst Seconds_Behind_Master over the configured replicas; Infinity when one is not replicating. */
  private async replicaLag(): Promise<number | null> {
    const urls = this.opts.replicaUrls ?? [];
    if (urls.length === 0) return null;
    this.replicaPools ??= urls.map((u) => createMysqlPool(u, { max: 1 }));
    let worst = 0;
    for (const p of this.replicaPools) {
      let rows: Array<Record<string, unknown>>;
      try {
        [rows] = (await p.query('SHOW REPLICA STATUS')) as unknown as [Array<Record<string, unknown>>];
      } catch {
        try {
          [rows] = (await p.query('SHOW SLAVE STATUS')) as unknown as [Array<Record<string, unknown>>];
        } catch (e) {
          throw describeMysqlError(e, `${this.target} replica`);
        }
      }
      for (const row of rows) {
        const lag = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
        worst = Math.max(worst, lag === null || lag === undefined ? Infinity : Number(lag));
      }
    }
    return worst;
  }

  async close(): Promise<void> {
    // Release the lock before dropping the connection: the server notices a
    // dropped connection a moment later, and a next run may already be asking.
    await this.unlock().catch(() => undefined);
    const c = this.conn;
    this.conn = null;
    // Destroying the session ends it on the server, which releases GET_LOCK in any case.
    if (c) c.destroy();
    const replicas = this.replicaPools ?? [];
    this.replicaPools = null;
    await Promise.all(replicas.map((p) => p.end().catch(() => undefined)));
  }
}

function formatPlan(rows: Array<Record<string, unknown>>): string {
  return rows
    .map((r) =>
      Object.entries(r)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' '),
    )
    .join('\n');
}
