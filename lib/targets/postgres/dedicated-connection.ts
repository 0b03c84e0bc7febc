// One dedicated PostgreSQL connection for a cleanup run, a reclaim or an
// instant log-everyone-out: it carries the work's session settings (timeouts,
// application_name) and the per-table advisory lock, and is destroyed rather
// than returned to the pool when the work ends. Composed by the cleanup and
// reclaim drivers, which keep only their own statements.
import 'server-only';
import type pg from 'pg';
import type { LockResult } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { describeDbError } from '../describe-error';
import { tableLockDigest } from '../table-lock-digest';

/** Advisory locks take one bigint; they are per database, so schema and table suffice. */
export function pgLockKey(schema: string, table: string): string {
  return tableLockDigest([schema, table]).readBigInt64BE(0).toString();
}

/** Server errors carry a SQLSTATE; anything else (socket errors) or class 08 / 57P means the connection is gone. */
export function pgConnectionLost(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P');
}

export type PgDedicatedOptions = {
  pool: pg.Pool;
  target: string;
  /** Settings (SET SESSION / set_config), run on every new connection before a held lock is taken back. */
  setup: (c: pg.PoolClient) => Promise<void>;
  /**
   * A lock held when the connection is lost: `retake` takes it back on the
   * next connection (a cleanup run, whose batches are each whole); `give-up`
   * ends the work (a reclaim must not go on without the lock it started under).
   */
  lostLock: 'retake' | 'give-up';
};

export class PgDedicatedConnection {
  private client: pg.PoolClient | null = null;
  private lost = false;
  private lockKey: string | null = null;

  constructor(private readonly o: PgDedicatedOptions) {}

  /** True once an error said the connection is gone; the next statement reconnects. */
  get broken(): boolean {
    return this.lost;
  }

  holdsLock(key: string): boolean {
    return this.lockKey === key;
  }

  /**
   * One-line AppError for the operator, keeping the driver's error as its
   * cause: the engine retries deadlocks and serialization failures by their
   * code, which the one-line message does not carry.
   */
  fail(e: unknown): AppError {
    const app = describeDbError(e, this.o.target);
    if (app !== e && app.cause === undefined) app.cause = e;
    return app;
  }

  /** Marks the connection broken when `e` says it is gone; returns whether `e` said so. */
  noteLost(e: unknown): boolean {
    const gone = pgConnectionLost(e);
    if (gone) this.lost = true;
    return gone;
  }

  /** The connection; reconnects after a loss, and takes back or gives up the lock held before. */
  async connection(): Promise<pg.PoolClient> {
    if (this.client && !this.lost) return this.client;
    if (this.client) {
      this.client.release(true);
      this.client = null;
      if (this.lockKey && this.o.lostLock === 'give-up') {
        this.lockKey = null;
        throw new AppError(`target "${this.o.target}" is unreachable: connection lost (the table lock went with it)`, 'unreachable');
      }
    }
    let c: pg.PoolClient;
    try {
      c = await this.o.pool.connect();
    } catch (e) {
      throw this.fail(e);
    }
    this.lost = false;
    c.on('error', () => {
      this.lost = true;
    });
    try {
      await this.o.setup(c);
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

  async exec<R extends pg.QueryResultRow>(stmt: { sql: string; params: unknown[] }): Promise<pg.QueryResult<R>> {
    const c = await this.connection();
    try {
      return await c.query<R>(stmt.sql, stmt.params);
    } catch (e) {
      this.noteLost(e);
      throw this.fail(e);
    }
  }

  rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => (await this.exec<R>({ sql, params })).rows;

  /** Takes the table's advisory lock without waiting; when it is taken, says who holds it. */
  async tryLock(key: string): Promise<LockResult> {
    if (this.lockKey === key) return { acquired: true, holder: null };
    if (this.lockKey) throw new AppError('this connection already holds the lock of another table', 'internal');
    const [r] = await this.rows<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
    if (r?.ok) {
      this.lockKey = key;
      return { acquired: true, holder: null };
    }
    // Advisory locks on one bigint key appear in pg_locks split into classid (high half) and objid (low half).
    const [h] = await this.rows<{ pid: number; app: string | null; since: Date | null; client: string | null }>(
      `SELECT a.pid, a.application_name AS app, a.backend_start AS since, host(a.client_addr) AS client
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = (($1::bigint >> 32) & 4294967295)::oid
          AND l.objid = ($1::bigint & 4294967295)::oid AND l.objsubid = 1
        LIMIT 1`,
      [key],
    );
    const holder = h
      ? `pid ${h.pid}${h.app ? ` (${h.app})` : ''}${h.client ? ` from ${h.client}` : ''}${h.since ? ` since ${h.since.toISOString()}` : ''}`
      : null;
    return { acquired: false, holder };
  }

  async unlock(): Promise<void> {
    if (!this.lockKey) return;
    const key = this.lockKey;
    this.lockKey = null;
    if (this.client && !this.lost) await this.rows('SELECT pg_advisory_unlock($1::bigint)', [key]);
  }

  /**
   * Destroys the connection, which ends its session on the server and with it
   * the advisory lock. `unlockFirst`: release the lock before, since the server
   * notices a dropped connection a moment later and a next run may already be asking.
   */
  async close(opts: { unlockFirst: boolean }): Promise<void> {
    if (opts.unlockFirst) await this.unlock().catch(() => undefined);
    const c = this.client;
    this.client = null;
    this.lockKey = null;
    if (c) c.release(true);
  }
}
