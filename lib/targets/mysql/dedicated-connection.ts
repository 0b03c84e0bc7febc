// One dedicated MySQL / MariaDB connection for a cleanup run, a reclaim or an
// instant log-everyone-out: it carries the work's session settings (lock
// waits, statement limits, isolation) and the per-table GET_LOCK, and is
// destroyed rather than returned to the pool when the work ends. Composed by
// the cleanup and reclaim drivers, which keep only their own statements.
import 'server-only';
import type mysql from 'mysql2/promise';
import type { LockResult } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { tableLockDigest } from '../table-lock-digest';
import { describeMysqlError } from './describe-mysql-error';
import { toNumber } from './source';

/** GET_LOCK names are server-wide (so the database is part of them) and at most 64 characters. */
export function mysqlLockName(database: string, table: string): string {
  return `janitor.cleanup.${tableLockDigest([database, table]).toString('hex').slice(0, 40)}`;
}

// ER_CONNECTION_KILLED (MariaDB 1927), ER_SERVER_SHUTDOWN, CR_SERVER_GONE_ERROR, CR_SERVER_LOST
const GONE_ERRNOS = new Set([1927, 1053, 2006, 2013]);

/**
 * mysql2 marks errors after which the connection is unusable as fatal; socket
 * errors have no errno; and a server that killed the connection or is shutting
 * down says so with an errno mysql2 does not always mark fatal.
 */
export function mysqlConnectionLost(e: unknown): boolean {
  const err = e as { fatal?: boolean; errno?: number };
  return err?.fatal === true || typeof err?.errno !== 'number' || GONE_ERRNOS.has(err.errno);
}

export type MysqlDedicatedOptions = {
  pool: mysql.Pool;
  target: string;
  /** Settings (SET SESSION / set_config), run on every new connection before a held lock is taken back. */
  setup: (c: mysql.PoolConnection) => Promise<void>;
  /**
   * A lock held when the connection is lost: `retake` takes it back on the
   * next connection (a cleanup run, whose batches are each whole); `give-up`
   * ends the work (a reclaim must not go on without the lock it started under).
   */
  lostLock: 'retake' | 'give-up';
};

export class MysqlDedicatedConnection {
  private conn: mysql.PoolConnection | null = null;
  private lost = false;
  private lockName: string | null = null;

  constructor(private readonly o: MysqlDedicatedOptions) {}

  /** True once an error said the connection is gone; the next statement reconnects. */
  get broken(): boolean {
    return this.lost;
  }

  holdsLock(name: string): boolean {
    return this.lockName === name;
  }

  /**
   * One-line AppError for the operator, keeping the driver's error as its
   * cause: the engine retries deadlocks by their code, which the one-line
   * message does not carry.
   */
  fail(e: unknown): AppError {
    const app = describeMysqlError(e, this.o.target);
    if (app !== e && app.cause === undefined) app.cause = e;
    return app;
  }

  /** Marks the connection broken when `e` says it is gone; returns whether `e` said so. */
  noteLost(e: unknown): boolean {
    const gone = mysqlConnectionLost(e);
    if (gone) this.lost = true;
    return gone;
  }

  /** The connection; reconnects after a loss, and takes back or gives up the lock held before. */
  async connection(): Promise<mysql.PoolConnection> {
    if (this.conn && !this.lost) return this.conn;
    if (this.conn) {
      this.conn.destroy();
      this.conn = null;
      if (this.lockName && this.o.lostLock === 'give-up') {
        this.lockName = null;
        throw new AppError(`target "${this.o.target}" is unreachable: connection lost (the table lock went with it)`, 'unreachable');
      }
    }
    let c: mysql.PoolConnection;
    try {
      c = await this.o.pool.getConnection();
    } catch (e) {
      throw this.fail(e);
    }
    this.lost = false;
    c.on('error', () => {
      this.lost = true;
    });
    try {
      await this.o.setup(c);
      if (this.lockName) {
        const [[r]] = (await c.query('SELECT GET_LOCK(?, 0) AS ok', [this.lockName])) as unknown as [Array<{ ok: unknown }>];
        if (toNumber(r?.ok) !== 1) {
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

  /** One statement; its result (rows, or a result header for writes). */
  async exec<R = Record<string, unknown>[]>(stmt: { sql: string; params: unknown[] }): Promise<R> {
    const c = await this.connection();
    try {
      const [result] = await c.query(stmt.sql, stmt.params);
      return result as R;
    } catch (e) {
      this.noteLost(e);
      throw this.fail(e);
    }
  }

  rows = <R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> => this.exec<R[]>({ sql, params });

  /** Takes the table's GET_LOCK without waiting; when it is taken, says which connection holds it. */
  async tryLock(name: string): Promise<LockResult> {
    if (this.lockName === name) return { acquired: true, holder: null };
    if (this.lockName) throw new AppError('this connection already holds the lock of another table', 'internal');
    const [r] = await this.rows<{ ok: unknown }>('SELECT GET_LOCK(?, 0) AS ok', [name]);
    if (toNumber(r?.ok) === 1) {
      this.lockName = name;
      return { acquired: true, holder: null };
    }
    const [h] = await this.rows<{ id: unknown; user: string | null; host: string | null }>(
      `SELECT p.ID AS id, p.USER AS user, p.HOST AS host FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)`,
      [name],
    );
    const id = toNumber(h?.id);
    const holder = id ? `connection ${id}${h!.user ? ` (${h!.user}${h!.host ? `@${h!.host.replace(/:\d+$/, '')}` : ''})` : ''}` : null;
    return { acquired: false, holder };
  }

  async unlock(): Promise<void> {
    if (!this.lockName) return;
    const name = this.lockName;
    this.lockName = null;
    if (this.conn && !this.lost) await this.rows('SELECT RELEASE_LOCK(?)', [name]);
  }

  /**
   * Destroys the connection, which ends its session on the server and with it
   * the GET_LOCK. `unlockFirst`: release the lock before, since the server
   * notices a dropped connection a moment later and a next run may already be asking.
   */
  async close(opts: { unlockFirst: boolean }): Promise<void> {
    if (opts.unlockFirst) await this.unlock().catch(() => undefined);
    const c = this.conn;
    this.conn = null;
    this.lockName = null;
    if (c) c.destroy();
  }
}
