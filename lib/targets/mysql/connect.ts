import { createRequire } from 'node:module';
import type mysql from 'mysql2/promise';
import { AppError } from '../../errors';

/** Loaded with the first pool, not with this module (see postgres/connect.ts). */
let driver: typeof mysql | null = null;
const loadMysql = () => (driver ??= createRequire(import.meta.url)('mysql2/promise') as typeof mysql);

/**
 * The session `time_zone` for an offset. mysql2 also accepts 'Z' and 'local';
 * the server knows neither ('local' would be the app host's zone, which has DST
 * and is not what Django writes), so only fixed offsets are allowed.
 */
export function sessionTimeZone(tz: string): string {
  if (tz === 'Z') return '+00:00';
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(tz);
  // MySQL/MariaDB accept offsets from -12:59 to +14:00 (MariaDB) / +13:59 (MySQL 8).
  if (!m || Number(m[2]) > 13 || Number(m[3]) > 59) {
    throw new AppError(`MySQL time zone must be an offset between -13:59 and +13:59 like +00:00 (got "${tz.slice(0, 20)}")`, 'config');
  }
  return tz;
}

/** The callback-style connection mysql2's pool passes to its 'connection' event. */
type CoreConnection = {
  query: (sql: string, values: unknown[], cb: (err: Error | null) => void) => void;
  destroy: () => void;
};

export function createMysqlPool(url: string, opts: { max?: number; timezone?: string } = {}): mysql.Pool {
  const u = new URL(url);
  const timeZone = sessionTimeZone(opts.timezone ?? '+00:00');
  const pool = loadMysql().createPool({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    connectionLimit: opts.max ?? 4,
    connectTimeout: 5_000,
    // DATETIME has no time zone: bound Dates are written in this offset (UTC by
    // default, as Django stores them) and DATETIME values read back in it; the
    // session time_zone below makes TIMESTAMP columns agree with that.
    timezone: timeZone,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    dateStrings: false,
    multipleStatements: false,
  });
  pool.on('connection', (raw) => {
    // mysql2 emits this once per new connection, before handing it to the
    // first caller, so this SET is queued ahead of that caller's query. A
    // failure must not be ignored (counts would silently compare in the
    // server's zone) nor left without a callback (an unhandled 'error' event
    // on the Query crashes the process): drop the connection instead, which
    // fails the queued query with a connection error.
    const conn = raw as unknown as CoreConnection;
    conn.query('SET time_zone = ?', [timeZone], (err) => {
      if (err) conn.destroy();
    });
  });
  return pool;
}
