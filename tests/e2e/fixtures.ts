// Seeded target databases for the browser tests: a django_session with a
// known number of expired and live rows, plus ordinary tables of known sizes
// and row counts, so pages can be checked against exact figures.
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';

export type SeededDb = TestDb & { expired: number; live: number; tables: string[] };

export async function seedPostgres(counts: { expired: number; live: number; orders: number; customers: number }): Promise<SeededDb> {
  const db = await createPgDatabase('jt_e2e');
  const c = await pgClient(db.url);
  try {
    await c.query(`
      CREATE TABLE django_session (
        session_key varchar(40) PRIMARY KEY,
        session_data text NOT NULL,
        expire_date timestamptz NOT NULL
      );
      CREATE INDEX django_session_expire_date_idx ON django_session (expire_date);
      CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(10, 2) NOT NULL, note text);
      CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
    `);
    // Expired a day or more ago, live for a day or more: nowhere near the cutoff.
    await c.query(
      `INSERT INTO django_session SELECT md5('expired' || g), repeat('x', 200), now() - interval '1 day' - g * interval '1 second' FROM generate_series(1, $1::int) g`,
      [counts.expired],
    );
    await c.query(
      `INSERT INTO django_session SELECT md5('live' || g), repeat('y', 200), now() + interval '1 day' + g * interval '1 second' FROM generate_series(1, $1::int) g`,
      [counts.live],
    );
    await c.query(`INSERT INTO orders (customer, total, note) SELECT 'customer ' || (g % 97), g % 1000, repeat('n', 100) FROM generate_series(1, $1::int) g`, [counts.orders]);
    await c.query(`INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, $1::int) g`, [counts.customers]);
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
  return { ...db, expired: counts.expired, live: counts.live, tables: ['customers', 'django_session', 'orders'] };
}

export async function seedMysql(counts: { expired: number; live: number; products: number }): Promise<SeededDb> {
  const db = await createMysqlDatabase('jt_e2e');
  const c = await mysqlConn(db.url);
  try {
    await c.query(`
      CREATE TABLE django_session (
        session_key varchar(40) NOT NULL PRIMARY KEY,
        session_data longtext NOT NULL,
        expire_date datetime(6) NOT NULL,
        KEY django_session_expire_date_a5c62663 (expire_date)
      ) ENGINE=InnoDB;
      CREATE TABLE products (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200) NOT NULL) ENGINE=InnoDB;
    `);
    // Django keeps UTC in DATETIME columns; the connection's time zone is UTC.
    const rows = (n: number, prefix: string, sign: '-' | '+') =>
      c.query(
        `INSERT INTO django_session (session_key, session_data, expire_date)
         WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         SELECT md5(concat(?, n)), repeat('x', 200), UTC_TIMESTAMP(6) ${sign} INTERVAL 1 DAY ${sign} INTERVAL n SECOND FROM seq`,
        [n, prefix],
      );
    await rows(counts.expired, 'expired', '-');
    await rows(counts.live, 'live', '+');
    await c.query(
      `INSERT INTO products (title) WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) SELECT concat('product ', n) FROM seq`,
      [counts.products],
    );
    await c.query('ANALYZE TABLE django_session, products');
  } finally {
    await c.end();
  }
  return { ...db, expired: counts.expired, live: counts.live, tables: ['django_session', 'products'] };
}
