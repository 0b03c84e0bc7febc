import mysql from 'mysql2/promise';

export function createMysqlPool(url: string, opts: { max?: number; timezone?: string } = {}): mysql.Pool {
  const u = new URL(url);
  const pool = mysql.createPool({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    connectionLimit: opts.max ?? 4,
    connectTimeout: 5_000,
    // DATETIME has no time zone; bound Dates are written in this offset (UTC by default,
    // as Django stores them), and the session time_zone makes TIMESTAMP agree.
    timezone: opts.timezone ?? '+00:00',
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    dateStrings: false,
    multipleStatements: false,
  });
  pool.on('connection', (conn) => {
    // `conn` is the callback-style connection; fire and forget is fine, queries queue behind it.
    (conn as unknown as { query: (sql: string, values: unknown[]) => void }).query('SET time_zone = ?', [opts.timezone ?? '+00:00']);
  });
  return pool;
}
