import { createRequire } from 'node:module';
import type mysql from 'mysql2/promise';

/** Loaded with the first pool, not with this module (see postgres/connect.ts). */
let driver: typeof mysql | null = null;
const loadMysql = () => (driver ??= createRequire(import.meta.url)('mysql2/promise') as typeof mysql);

/** The callback-style connection mysql2's pool passes to its 'connection' event. */
type CoreConnection = {
  query: (sql: string, values: unknown[], cb: (err: Error | null) => void) => void;
  destroy: () => void;
};

/**
 * Janitor's own connections always work in UTC: TIMESTAMP columns (stored as
 * UTC) then read and compare as UTC, and DATETIME columns, which have no zone,
 * are compared with a cutoff already written in the zone their application
 * used (lib/targets/mysql/expiry-predicate.ts). The session zone is never a
 * setting: making it one would move every TIMESTAMP comparison with it.
 */
const SESSION_TIME_ZONE = '+00:00';

export function createMysqlPool(url: string, opts: { max?: number } = {}): mysql.Pool {
  const u = new URL(url);
  const timeZone = SESSION_TIME_ZONE;
  const pool = loadMysql().createPool({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    connectionLimit: opts.max ?? 4,
    connectTimeout: 5_000,
    // Dates bound or read back are UTC, like the session below.
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
