// Seeds django_session-shaped tables with a known mix of expired and live rows,
// scattered through the table, and counts what is left.
import { mysqlConn, pgClient } from './databases';

export type Dialect = 'postgres' | 'mysql';

/** `rows` sessions; every fifth is live (expires tomorrow), the rest expired yesterday. */
export async function seedDjangoSessions(dialect: Dialect, url: string, rows: number): Promise<{ expired: number; live: number }> {
  const live = Math.floor(rows / 5);
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    await c.query(`CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
      CREATE INDEX django_session_expire_date ON django_session (expire_date);
      INSERT INTO django_session SELECT md5(i::text), repeat('x', 200), CASE WHEN i % 5 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' END FROM generate_series(1, ${rows}) i;
      ANALYZE django_session;`);
    await c.end();
  } else {
    const c = await mysqlConn(url);
    await c.query(`CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL, KEY django_session_expire_date (expire_date)) ENGINE=InnoDB;
      INSERT INTO django_session SELECT MD5(seq), REPEAT('x', 200), IF(seq % 5 = 0, UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 DAY) FROM seq_1_to_${rows};
      ANALYZE TABLE django_session;`);
    await c.end();
  }
  return { expired: rows - live, live };
}

/** Rows left, and rows left that expired before `cutoff`. */
export async function countSessions(dialect: Dialect, url: string, cutoff: Date): Promise<{ total: number; expired: number }> {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    const r = await c.query('SELECT count(*)::int AS total, count(*) FILTER (WHERE expire_date < $1)::int AS expired FROM django_session', [cutoff]);
    await c.end();
    return r.rows[0];
  }
  const c = await mysqlConn(url);
  const [rows] = await c.query('SELECT COUNT(*) AS total, CAST(COALESCE(SUM(expire_date < ?), 0) AS SIGNED) AS expired FROM django_session', [cutoff]);
  await c.end();
  const r = (rows as { total: number; expired: number }[])[0]!;
  return { total: Number(r.total), expired: Number(r.expired) };
}
