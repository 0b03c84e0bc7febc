// MySQL / MariaDB side of the reclaim engine. The operation runs on one
// dedicated connection (./dedicated-connection.ts): it carries lock_wait_timeout (the wait for
// the metadata lock), the statement time limit and the per-table GET_LOCK (the
// same one cleanup runs take). Progress comes from a second connection.
//
// Statement time limit: MariaDB enforces max_statement_time on OPTIMIZE on the
// server, so it holds even if this process dies; MySQL 8's max_execution_time
// covers SELECT only, so a watchdog sends KILL QUERY on both.
import 'server-only';
import type mysql from 'mysql2/promise';
import type {
  AttemptOutcome,
  AttemptProgress,
  AttemptRequest,
  Blocker,
  LockDescription,
  LockResult,
  ReclaimDriver,
  ReclaimMode,
  ReclaimTable,
} from '../../reclaim/driver';
import { AppError } from '../../errors';
import { DIALECT_FACTS } from '../dialect-facts';
import { quoteQualified } from '../quote-identifier';
import { MysqlDedicatedConnection, mysqlConnectionLost, mysqlLockName } from './dedicated-connection';
import { startPolling } from '../../reclaim/poll';
import { withStatementTimeout } from './statement-timeout';
import { flavorOf, toNumber, type MysqlFlavor } from './source';
import { inspectMysqlReclaimTable, type MysqlRows } from './reclaim-inspect';
import { mysqlBlockers } from './reclaim-blockers';
import { mysqlEstimateSeconds, mysqlLockFor } from './reclaim-plan';

/** Catalog reads: a statement limit, and no long wait behind someone's metadata lock. */
const READ_TIMEOUT_MS = 30_000;
const READ_LOCK_WAIT_SECONDS = 2;
/** The watchdog fires this long after the server's own limit should have. */
const WATCHDOG_GRACE_MS = 2_000;

const LABEL: Record<string, string> = { optimize: 'OPTIMIZE TABLE', analyze: 'ANALYZE TABLE' };
const INTACT: Record<string, string> = {
  optimize: 'an interrupted rebuild is rolled back, so the table is as it was',
  analyze: 'the table is untouched',
};

// max_statement_time exceeded (MariaDB), ER_QUERY_INTERRUPTED, ER_QUERY_TIMEOUT (MySQL 8)
const INTERRUPTED_ERRNOS = new Set([1969, 1317, 3024]);

type DriverError = { fatal?: boolean; errno?: number; code?: string };

type ResultRow = { Table: string; Op: string; Msg_type: string; Msg_text: string };

export class MysqlReclaimDriver implements ReclaimDriver {
  readonly dialect = 'mysql' as const;
  readonly modes: readonly ReclaimMode[] = DIALECT_FACTS.mysql.reclaim.modes;
  readonly defaultSchema: string;
  private readonly conn: MysqlDedicatedConnection;
  private connId: number | null = null;
  private version = '';
  private flavor: MysqlFlavor = 'mysql';

  constructor(
    private readonly pool: mysql.Pool,
    target: string,
    databaseName: string,
  ) {
    this.defaultSchema = databaseName;
    this.conn = new MysqlDedicatedConnection({
      pool,
      target,
      lostLock: 'give-up',
      setup: async (c) => {
        const [rows] = await c.query('SELECT CONNECTION_ID() AS id, VERSION() AS v');
        const r = (rows as Array<{ id: unknown; v: string }>)[0]!;
        this.connId = toNumber(r.id);
        this.version = r.v;
        this.flavor = flavorOf(r.v);
        await c.query('SET SESSION lock_wait_timeout = ?', [READ_LOCK_WAIT_SECONDS]);
        // MySQL 8 caches information_schema sizes for up to a day unless told otherwise.
        if (this.flavor === 'mysql') await c.query('SET SESSION information_schema_stats_expiry = 0');
      },
    });
  }

  /** A statement on the dedicated connection; SELECTs get a server-side time limit. */
  private rows: MysqlRows = async <R = Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    await this.conn.connection();
    const stmt = /^\s*SELECT\b/i.test(sql) ? withStatementTimeout(this.flavor, sql, READ_TIMEOUT_MS) : { sql, params: [] };
    return this.conn.rows<R>(stmt.sql, [...stmt.params, ...params]);
  };

  async inspect(ref: { schema: string; table: string }): Promise<ReclaimTable> {
    await this.conn.connection();
    return inspectMysqlReclaimTable(this.rows, ref, { version: this.version, flavor: this.flavor });
  }

  lockFor(table: ReclaimTable, mode: ReclaimMode): LockDescription {
    return mysqlLockFor(table, mode);
  }

  estimateSeconds(mode: ReclaimMode, sizes: { beforeBytes: number; afterBytes: number; tableBytes: number }): number {
    return mysqlEstimateSeconds(mode, sizes);
  }

  async blockers(table: ReclaimTable, opts: { mode: ReclaimMode; longerThanSeconds: number; pids?: number[] }): Promise<Blocker[]> {
    await this.conn.connection();
    return mysqlBlockers(this.rows, this.flavor, table, opts);
  }

  tryLock(table: Pick<ReclaimTable, 'schema' | 'table'>): Promise<LockResult> {
    return this.conn.tryLock(mysqlLockName(table.schema, table.table));
  }

  unlock(): Promise<void> {
    return this.conn.unlock();
  }

  async totalBytes(table: ReclaimTable, opts: { fresh: boolean; lockTimeoutMs: number }): Promise<number> {
    const c = await this.conn.connection();
    if (opts.fresh) {
      // information_schema sizes are InnoDB's statistics; ANALYZE TABLE refreshes
      // them. If it cannot get its lock in time the cached figures are used.
      try {
        await c.query('SET SESSION lock_wait_timeout = ?', [Math.max(1, Math.ceil(opts.lockTimeoutMs / 1000))]);
        await c.query(`ANALYZE TABLE ${quoteQualified('mysql', table.schema, table.table)}`);
      } catch (e) {
        if (this.conn.noteLost(e)) throw this.conn.fail(e);
      } finally {
        if (!this.conn.broken) await c.query('SET SESSION lock_wait_timeout = ?', [READ_LOCK_WAIT_SECONDS]).catch(() => undefined);
      }
    }
    const [r] = await this.rows<{ bytes: unknown }>(
      'SELECT DATA_LENGTH + INDEX_LENGTH AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.table],
    );
    const bytes = toNumber(r?.bytes);
    if (bytes === null) throw new AppError(`table ${table.schema}.${table.table} no longer exists`, 'not-found');
    return bytes;
  }

  private async readProgress(mariadbColumns: boolean, stages: { ok: boolean }): Promise<AttemptProgress | null> {
    type P = { command: string | null; state: string | null; ms: unknown; stage?: unknown; maxStage?: unknown; progress?: unknown };
    const cols = mariadbColumns
      ? 'COMMAND AS command, STATE AS state, TIME_MS AS ms, STAGE AS stage, MAX_STAGE AS maxStage, PROGRESS AS progress'
      : 'COMMAND AS command, STATE AS state, TIME * 1000 AS ms';
    const [rows] = await this.pool.query(`SELECT ${cols} FROM information_schema.PROCESSLIST WHERE ID = ?`, [this.connId]);
    const p = (rows as P[])[0];
    if (!p) return null;
    const state = p.state ?? '';
    const waiting = /^Waiting for .*lock/i.test(state);
    const out: AttemptProgress = {
      phase: waiting ? 'waiting for lock' : state || 'starting',
      waitingForLock: waiting,
      blockedBy: [],
      done: null,
      total: null,
      detail: { state: state || null, statementMs: toNumber(p.ms) },
    };
    // MariaDB reports progress for some ALTER algorithms (0 otherwise).
    if (mariadbColumns && (toNumber(p.maxStage) ?? 0) > 0) {
      out.done = toNumber(p.progress);
      out.total = 100;
      out.detail.stage = toNumber(p.stage);
      out.detail.maxStage = toNumber(p.maxStage);
    }
    // MySQL 8 reports InnoDB ALTER stages with work counters in performance_schema (when enabled).
    if (!mariadbColumns && stages.ok) {
      try {
        const [st] = await this.pool.query(
          `SELECT s.EVENT_NAME AS event, s.WORK_COMPLETED AS done, s.WORK_ESTIMATED AS total
             FROM performance_schema.events_stages_current s
             JOIN performance_schema.threads t ON t.THREAD_ID = s.THREAD_ID
            WHERE t.PROCESSLIST_ID = ?`,
          [this.connId],
        );
        const s = (st as Array<{ event: string; done: unknown; total: unknown }>)[0];
        if (s) {
          out.detail.stage = s.event.replace(/^stage\/\w+\//, '');
          if (!waiting) out.phase = String(out.detail.stage);
          out.done = toNumber(s.done);
          out.total = toNumber(s.total);
        }
      } catch {
        stages.ok = false;
      }
    }
    return out;
  }

  async attempt(req: AttemptRequest): Promise<AttemptOutcome> {
    const { table, mode } = req;
    if (!this.modes.includes(mode)) throw new AppError(`mode ${mode} does not exist on MySQL/MariaDB`, 'input');
    const c = await this.conn.connection();
    const id = this.connId!;
    const what = `${LABEL[mode]} of ${table.schema}.${table.table}`;
    const lockSeconds = Math.max(1, Math.ceil(req.lockTimeoutMs / 1000));
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;
    let cancelled = false;
    let killed = false;

    await c.query('SET SESSION lock_wait_timeout = ?', [lockSeconds]);
    if (this.flavor === 'mariadb') await c.query('SET SESSION max_statement_time = ?', [req.statementTimeoutMs / 1000]);
    const kill = () => this.pool.query('KILL QUERY ?', [id]).catch(() => undefined);
    const watchdog = setTimeout(() => {
      killed = true;
      void kill();
    }, req.statementTimeoutMs + WATCHDOG_GRACE_MS);
    const onAbort = () => {
      cancelled = true;
      void kill();
    };
    if (req.signal?.aborted) {
      clearTimeout(watchdog);
      return { ok: false, reason: 'cancelled', message: 'cancelled before it started', seconds: 0, blockedBy: [] };
    }
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const stages = { ok: true };
    const poller = startPolling(async () => {
      const p = await this.readProgress(this.flavor === 'mariadb', stages);
      if (p) req.onProgress?.(p);
    }, req.pollMs ?? 500);

    const interrupted = (text: string) =>
      cancelled
        ? { reason: 'cancelled' as const, message: `${what} was cancelled; ${INTACT[mode]}` }
        : {
            reason: 'statement-timeout' as const,
            message: `${what} hit the statement timeout (${req.statementTimeoutMs / 1000} s)${killed ? '' : `: ${text}`}; ${INTACT[mode]}`,
          };
    try {
      const [result] = await c.query(`${LABEL[mode]} ${quoteQualified('mysql', table.schema, table.table)}`);
      const rows = result as ResultRow[];
      // Failures come back as result rows, not errors: an "error" row, then "status: Operation failed".
      const error = rows.find((r) => r.Msg_type === 'error');
      const messages = rows.filter((r) => r.Msg_type !== 'status' && r.Msg_type !== 'error').map((r) => `${r.Msg_type}: ${r.Msg_text}`);
      const base = { ok: false as const, seconds: seconds(), blockedBy: [] };
      if (error) {
        const text = String(error.Msg_text);
        if (/lock wait timeout/i.test(text)) {
          return { ...base, reason: 'lock-timeout', message: `${what} could not get its metadata lock within ${lockSeconds} s; nothing was changed` };
        }
        if (/interrupted|max_statement_time|killed/i.test(text)) return { ...base, ...interrupted(text) };
        return { ...base, reason: 'error', message: `${what} failed: ${text}` };
      }
      const status = rows.find((r) => r.Msg_type === 'status');
      if (status && !/^(OK|Table is already up to date)$/i.test(status.Msg_text)) {
        return { ...base, reason: 'error', message: `${what} failed: ${status.Msg_text}` };
      }
      return { ok: true, seconds: seconds(), messages };
    } catch (e) {
      const err = e as DriverError;
      const base = { ok: false as const, seconds: seconds(), blockedBy: [] };
      if (err?.code === 'ER_LOCK_WAIT_TIMEOUT') {
        return { ...base, reason: 'lock-timeout', message: `${what} could not get its metadata lock within ${lockSeconds} s; nothing was changed` };
      }
      if (typeof err?.errno === 'number' && INTERRUPTED_ERRNOS.has(err.errno) && !mysqlConnectionLost(e)) {
        return { ...base, ...interrupted(this.conn.fail(e).message) };
      }
      if (this.conn.noteLost(e)) {
        const d = this.conn.fail(e);
        return { ...base, reason: 'connection-lost', message: `lost the connection during the ${what} (${d.message}); ${INTACT[mode]}` };
      }
      return { ...base, reason: 'error', message: this.conn.fail(e).message };
    } finally {
      clearTimeout(watchdog);
      req.signal?.removeEventListener('abort', onAbort);
      await poller.stop();
      if (!this.conn.broken) {
        await c.query('SET SESSION lock_wait_timeout = ?', [READ_LOCK_WAIT_SECONDS]).catch(() => undefined);
        if (this.flavor === 'mariadb') await c.query('SET SESSION max_statement_time = 0').catch(() => undefined);
      }
    }
  }

  close(): Promise<void> {
    // Destroying the connection ends its session on the server, which releases the GET_LOCK.
    return this.conn.close({ unlockFirst: false });
  }
}
