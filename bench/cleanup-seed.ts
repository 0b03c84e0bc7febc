// Builds the table findings.md measured, for the cleanup benchmarks: a
// django_session shape (varchar(40) key, 200-byte data, indexed expire_date),
// `expiredShare` of the rows expired at `cutoff`, scattered over the table.
// Every copy gets the same rows built the same way, so strategies can be
// compared side by side in one run.
import type pg from 'pg';
import mysqlLib from 'mysql2/promise';
import type mysql from 'mysql2/promise';

export type SeedOptions = {
  rows: number;
  cutoff: Date;
  expiredShare?: number;
  copies: string[];
  /** live rows expire this long after the cutoff at the earliest (default 1 s); more keeps them live while a bench takes minutes */
  liveAfterSeconds?: number;
  /** every row's session_data (default 200 x's); a real encoded payload lets an application load the rows */
  data?: string;
};

/** Expired rows end 1 s to 30 days before the cutoff, live rows 1 s to 14 days after it. */
export async function seedPgSessions(c: pg.Client, o: SeedOptions): Promise<void> {
  const share = o.expiredShare ?? 0.8;
  await c.query('DROP TABLE IF EXISTS seed_src');
  await c.query('SELECT setseed(0.42)');
  await c.query(
    `CREATE UNLOGGED TABLE seed_src AS
     SELECT md5(i::text) || lpad(to_hex(i), 8, '0') AS session_key, COALESCE($5::text, repeat('x', 200)) AS session_data,
            CASE WHEN random() < $2 THEN $1::timestamptz - interval '1 second' - random() * interval '30 days'
                 ELSE $1::timestamptz + $4::int * interval '1 second' + random() * interval '14 days' END AS expire_date
       FROM generate_series(1, $3::int) i`,
    [o.cutoff.toISOString(), share, o.rows, o.liveAfterSeconds ?? 1, o.data ?? null],
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
 * Row numbers 1..rows for an INSERT … SELECT on MySQL / MariaDB: a cross join
 * of a digits table (`FROM ${from}`, numbered by `${num} + 1`), no recursion
 * limits. Drops what an earlier seed left (seed_digits, seed_src).
 */
async function rowNumbers(c: mysql.Connection, rows: number): Promise<{ from: string; num: string }> {
  await c.query('DROP TABLE IF EXISTS seed_digits, seed_src');
  await c.query('CREATE TABLE seed_digits (d int NOT NULL)');
  await c.query('INSERT INTO seed_digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
  const levels = Math.max(1, Math.ceil(Math.log10(rows)));
  return {
    from: Array.from({ length: levels }, (_, k) => `seed_digits d${k}`).join(', '),
    num: Array.from({ length: levels }, (_, k) => `d${k}.d * ${10 ** k}`).join(' + '),
  };
}

/**
 * Same shape on MySQL / MariaDB. Rows are generated in SQL from a digits
 * cross join (no recursion limits) with RAND(seed) per row, so every copy is
 * identical; copies are filled in key order and the expiry index is built
 * afterwards, the fast way.
 */
export async function seedMysqlSessions(c: mysql.Connection, o: SeedOptions): Promise<void> {
  const share = o.expiredShare ?? 0.8;
  const { from, num } = await rowNumbers(c, o.rows);
  await c.query(`CREATE TABLE seed_src (session_key varchar(40) NOT NULL, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL) ENGINE=InnoDB`);
  await c.query(
    `INSERT INTO seed_src
     SELECT SHA1(n), COALESCE(?, REPEAT('x', 200)),
            IF(RAND(n) < ?, ? - INTERVAL 1 SECOND - INTERVAL FLOOR(RAND(n + 100000000) * 2592000) SECOND,
                            ? + INTERVAL ? SECOND + INTERVAL FLOOR(RAND(n + 100000000) * 1209600) SECOND)
       FROM (SELECT ${num} + 1 AS n FROM ${from}) g WHERE n <= ?`,
    [o.data ?? null, share, o.cutoff, o.cutoff, o.liveAfterSeconds ?? 1, o.rows],
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
 * Laravel's `sessions` as `php artisan session:table` migrates it on MariaDB
 * (utf8mb4, a random 40-character id as primary key, indexed user_id and
 * last_activity), `expiredShare` of the rows last active before
 * `cutoffEpoch` (1 s to 30 days before it) and the rest within the last hour
 * before `nowEpoch`, so they stay live for the bench's length under a
 * 120-minute SESSION_LIFETIME. Payloads are base64 like Laravel's (about 300
 * bytes), a third of the sessions belong to a user.
 */
export async function seedMysqlLaravelSessions(
  c: mysql.Connection,
  o: { rows: number; cutoffEpoch: number; nowEpoch: number; expiredShare: number; copies: string[] },
): Promise<void> {
  const { from, num } = await rowNumbers(c, o.rows);
  const ddl = (t: string) =>
    `CREATE TABLE ${t} (id varchar(255) NOT NULL, user_id bigint unsigned NULL, ip_address varchar(45) NULL, user_agent text NULL, payload text NOT NULL, last_activity int NOT NULL) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
  await c.query(ddl('seed_src'));
  await c.query(
    `INSERT INTO seed_src
     SELECT LEFT(CONCAT(SHA1(n), SHA1(n + 1)), 40), IF(n % 3 = 0, n DIV 3, NULL), CONCAT('10.', n % 256, '.', (n DIV 256) % 256, '.7'),
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
            TO_BASE64(REPEAT(SHA1(n), 6)),
            IF(RAND(n) < ?, ? - 1 - FLOOR(RAND(n + 100000000) * 2592000), ? - FLOOR(RAND(n + 100000000) * 3600))
       FROM (SELECT ${num} + 1 AS n FROM ${from}) g WHERE n <= ?`,
    [o.expiredShare, o.cutoffEpoch, o.nowEpoch, o.rows],
  );
  for (const t of o.copies) {
    await c.query(`DROP TABLE IF EXISTS ${t}`);
    await c.query(ddl(t));
    await c.query(`INSERT INTO ${t} SELECT * FROM seed_src ORDER BY id`);
    await c.query(`ALTER TABLE ${t} ADD PRIMARY KEY (id), ADD INDEX ${t}_user_id_index (user_id), ADD INDEX ${t}_last_activity_index (last_activity)`);
    await c.query(`ANALYZE TABLE ${t}`);
  }
  await c.query('DROP TABLE seed_digits, seed_src');
  await waitForPurge(c);
}

/**
 * Waits until InnoDB has purged the rows deleted so far, up to `maxSeconds`,
 * and returns the seconds waited. Purge is the deferred half of a DELETE: it
 * runs in the background after the commit, so one measurement's purge must not
 * run during the next. MariaDB 10.5+ waits with innodb_max_purge_lag_wait = 0;
 * the wait runs on its own connection and is cut off after maxSeconds, since
 * an old read view elsewhere on the server can hold purge back indefinitely.
 */
export async function waitForPurge(c: mysql.Connection, maxSeconds = 600): Promise<number> {
  const t = performance.now();
  // a second connection with the same login (mysql2 keeps the options on the underlying connection)
  const cfg = (c as unknown as { connection: { config: mysql.ConnectionOptions } }).connection.config;
  const w = await mysqlLib.createConnection({ host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password });
  const [[{ wid }]] = (await w.query('SELECT CONNECTION_ID() AS wid')) as unknown as [[{ wid: number }]];
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    await Promise.race([
      w.query('SET GLOBAL innodb_max_purge_lag_wait = 0').catch(async (e: { errno?: number }) => {
        if (e.errno !== 1193) return; // killed at the time limit
        // MySQL has no such variable (1193): poll the history list instead (a rough signal).
        while (!timedOut) {
          const [rows] = (await c.query('SHOW ENGINE INNODB STATUS')) as unknown as [Array<{ Status: string }>];
          const m = /History list length (\d+)/.exec(rows[0]?.Status ?? '');
          if (!m || Number(m[1]) < 100) return;
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
      new Promise<void>((r) => {
        timer = setTimeout(() => {
          timedOut = true;
          r();
        }, maxSeconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await c.query('KILL QUERY ?', [wid]).catch(() => undefined);
    await w.end().catch(() => undefined);
  }
  return (performance.now() - t) / 1000;
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
