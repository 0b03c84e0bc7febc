// Builds the table findings.md measured, for the cleanup benchmarks: a
// django_session shape (varchar(40) key, 200-byte data, indexed expire_date),
// `expiredShare` of the rows expired at `cutoff`, scattered over the table.
// Every copy gets the same rows built the same way, so strategies can be
// compared side by side in one run.
import type pg from 'pg';
import type mysql from 'mysql2/promise';

export type SeedOptions = { rows: number; cutoff: Date; expiredShare?: number; copies: string[] };

/** Expired rows end 1 s to 30 days before the cutoff, live rows 1 s to 14 days after it. */
export async function seedPgSessions(c: pg.Client, o: SeedOptions): Promise<void> {
  const share = o.expiredShare ?? 0.8;
  await c.query('DROP TABLE IF EXISTS seed_src');
  await c.query('SELECT setseed(0.42)');
  await c.query(
    `CREATE UNLOGGED TABLE seed_src AS
     SELECT md5(i::text) || lpad(to_hex(i), 8, '0') AS session_key, repeat('x', 200) AS session_data,
            CASE WHEN random() < $2 THEN $1::timestamptz - interval '1 second' - random() * interval '30 days'
                 ELSE $1::timestamptz + interval '1 second' + random() * interval '14 days' END AS expire_date
       FROM generate_series(1, $3::int) i`,
    [o.cutoff.toISOString(), share, o.rows],
  );
  for (const t of o.copies) {
    await c.query(`DROP TABLE IF EXISTS ${t}`);
    // autovacuum off: a vacuum of one copy must not run during the other's measurement
    await c.query(`CREATE TABLE ${t} (session_key varchar(40) NOT NULL, session_data text NOT NULL, expire_date timestamptz NOT NULL)
                   WITH (autovacuum_enabled = false)`);
    await c.query(`INSERT INTO ${t} SELECT * FROM seed_src`);
    await c.query(`ALTER TABLE ${t} ADD PRIMARY KEY (session_key)`);
    await c.query(`CREATE INDEX ${t}_expire_date ON ${t} (expire_date)`);
    await c.query(`VACUUM ANALYZE ${t}`);
  }
  await c.query('DROP TABLE seed_src');
  await c.query('CHECKPOINT');
}

/**
 * Same shape on MySQL / MariaDB. Rows are generated in SQL from a digits
 * cross join (no recursion limits) with RAND(seed) per row, so every copy is
 * identical; copies are filled in key order and the expiry index is built
 * afterwards, the fast way.
 */
export async function seedMysqlSessions(c: mysql.Connection, o: SeedOptions): Promise<void> {
  const share = o.expiredShare ?? 0.8;
  await c.query('DROP TABLE IF EXISTS seed_digits, seed_src');
  await c.query('CREATE TABLE seed_digits (d int NOT NULL)');
  await c.query('INSERT INTO seed_digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
  const levels = Math.max(1, Math.ceil(Math.log10(o.rows)));
  const from = Array.from({ length: levels }, (_, k) => `seed_digits d${k}`).join(', ');
  const num = Array.from({ length: levels }, (_, k) => `d${k}.d * ${10 ** k}`).join(' + ');
  await c.query(`CREATE TABLE seed_src (session_key varchar(40) NOT NULL, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL) ENGINE=InnoDB`);
  await c.query(
    `INSERT INTO seed_src
     SELECT SHA1(n), REPEAT('x', 200),
            IF(RAND(n) < ?, ? - INTERVAL 1 SECOND - INTERVAL FLOOR(RAND(n + 100000000) * 2592000) SECOND,
                            ? + INTERVAL 1 SECOND + INTERVAL FLOOR(RAND(n + 100000000) * 1209600) SECOND)
       FROM (SELECT ${num} + 1 AS n FROM ${from}) g WHERE n <= ?`,
    [share, o.cutoff, o.cutoff, o.rows],
  );
  for (const t of o.copies) {
    await c.query(`DROP TABLE IF EXISTS ${t}`);
    await c.query(`CREATE TABLE ${t} (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL) ENGINE=InnoDB`);
    await c.query(`INSERT INTO ${t} SELECT * FROM seed_src ORDER BY session_key`);
    await c.query(`ALTER TABLE ${t} ADD INDEX ${t}_expire_date (expire_date)`);
    await c.query(`ANALYZE TABLE ${t}`);
  }
  await c.query('DROP TABLE seed_digits, seed_src');
  await waitForPurge(c);
}

/**
 * Lets InnoDB purge the rows deleted so far, so one measurement's purge does
 * not run during the next: waits (up to 60 s) until the history list is short.
 * A bounded poll, since an old read view elsewhere on the server can hold purge back indefinitely.
 */
export async function waitForPurge(c: mysql.Connection): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const [rows] = (await c.query("SHOW ENGINE INNODB STATUS")) as unknown as [Array<{ Status: string }>];
    const m = /History list length (\d+)/.exec(rows[0]?.Status ?? '');
    if (!m || Number(m[1]) < 1000) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`;
}
