// The MySQL/MariaDB half of the space report against a real MariaDB: sizes
// as information_schema reports them, index sizes and bloat from InnoDB's
// statistics, session tables detected and counted exactly (in UTC), and
// one-line errors that never carry the connection string.
//
// The process runs in a zone far from UTC, so a Date bound in local time
// instead of UTC would misfile the rows one minute either side of now.
process.env.TZ = 'Asia/Kolkata';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { createMysqlDatabase, mysqlConn, TEST_MYSQL_URL, type TestDb } from '../helpers/databases';
import { createMysqlAdapter, type MysqlAdapter } from '@/lib/targets/mysql/adapter';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { getSpaceReport, toReportJson } from '@/lib/stats/space-report';
import { AppError } from '@/lib/errors';
import { bloatOf, neededPages, normalAllocation } from '@/lib/targets/mysql/innodb-bloat';
import { withStatementTimeout } from '@/lib/targets/mysql/statement-timeout';
import { explainExpired } from '@/lib/targets/mysql/count-sessions';
import { quoteIdent, quoteQualified } from '@/lib/targets/quote-identifier';

const DJANGO_EXPIRED = 1200;
const DJANGO_LIVE = 800;
const LARAVEL_EXPIRED = 300;
const LARAVEL_LIVE = 200;
const EXPRESS_EXPIRED = 40;
const EXPRESS_LIVE = 60;

let main: TestDb;
let second: TestDb;
let conn: mysql.Connection;
let conn2: mysql.Connection;
let adapter: MysqlAdapter;
const users: string[] = [];
const adapters: MysqlAdapter[] = [];

function adapterFor(url: string, name = 'shop'): MysqlAdapter {
  const a = createMysqlAdapter(parseTargetUrl(name, url, 'test'));
  adapters.push(a);
  return a;
}

function withCredentials(url: string, user: string, password: string, port?: number): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  if (port) u.port = String(port);
  return u.toString();
}

/** Runs a promise that must reject, and returns the AppError. */
async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => { throw new Error('expected a rejection'); },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

function expectSafeMessage(e: AppError, secrets: string[]) {
  expect(e.message.split('\n')).toHaveLength(1);
  expect(e.message).not.toMatch(/mysql:\/\/|mariadb:\/\//);
  for (const s of secrets) expect(e.message).not.toContain(s);
  expect(e.message).not.toMatch(/\n\s+at /);
}

async function createUser(grants: string[]): Promise<{ user: string; password: string }> {
  const user = `jt_u_${randomBytes(3).toString('hex')}`;
  const password = `pw_${randomBytes(6).toString('hex')}`;
  for (const host of ['127.0.0.1', 'localhost']) {
    await conn.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
    for (const g of grants) await conn.query(`GRANT ${g} TO ?@?`, [user, host]);
  }
  users.push(user);
  return { user, password };
}

beforeAll(async () => {
  main = await createMysqlDatabase('jt_stats');
  second = await createMysqlDatabase('jt_stats2');
  conn = await mysqlConn(main.url);
  conn2 = await mysqlConn(second.url);

  // Django, as its migrations create it on MariaDB.
  await conn.query(`CREATE TABLE django_session (
      session_key varchar(40) NOT NULL PRIMARY KEY,
      session_data longtext NOT NULL,
      expire_date datetime(6) NOT NULL,
      KEY django_session_expire_date_a5c62663 (expire_date)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  // Expired rows spread over the last 30 days, live ones over the next 14, and
  // one row a minute either side of now, all computed by the server in UTC.
  await conn.query(
    `INSERT INTO django_session
       SELECT MD5(CONCAT('e', seq)), REPEAT('x', 200), UTC_TIMESTAMP(6) - INTERVAL 1 HOUR - INTERVAL (seq * 37) MINUTE
         FROM seq_1_to_${DJANGO_EXPIRED - 1}`,
  );
  await conn.query(
    `INSERT INTO django_session
       SELECT MD5(CONCAT('l', seq)), REPEAT('y', 200), UTC_TIMESTAMP(6) + INTERVAL 1 HOUR + INTERVAL (seq * 23) MINUTE
         FROM seq_1_to_${DJANGO_LIVE - 1}`,
  );
  await conn.query(
    `INSERT INTO django_session VALUES
       ('just-expired', 'a', UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE),
       ('still-live', 'b', UTC_TIMESTAMP(6) + INTERVAL 1 MINUTE)`,
  );

  // Laravel: expired when last_activity is older than 120 minutes.
  await conn.query(`CREATE TABLE sessions (
      id varchar(255) NOT NULL PRIMARY KEY,
      user_id bigint unsigned NULL,
      ip_address varchar(45) NULL,
      user_agent text NULL,
      payload longtext NOT NULL,
      last_activity int NOT NULL,
      KEY sessions_user_id_index (user_id),
      KEY sessions_last_activity_index (last_activity)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  await conn.query(
    `INSERT INTO sessions (id, user_id, payload, last_activity)
       SELECT CONCAT('e', seq), seq, 'p', UNIX_TIMESTAMP() - 7200 - 60 - seq * 10 FROM seq_1_to_${LARAVEL_EXPIRED}`,
  );
  await conn.query(
    `INSERT INTO sessions (id, user_id, payload, last_activity)
       SELECT CONCAT('l', seq), NULL, 'p', UNIX_TIMESTAMP() - 7200 + 60 + seq FROM seq_1_to_${LARAVEL_LIVE}`,
  );

  // An ordinary table and one that is not InnoDB.
  await conn.query(`CREATE TABLE orders (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
      customer varchar(64) NOT NULL,
      amount decimal(12,2) NOT NULL,
      created_at datetime NOT NULL,
      KEY orders_customer (customer, created_at)
    ) ENGINE=InnoDB`);
  await conn.query(`INSERT INTO orders (customer, amount, created_at)
       SELECT CONCAT('c', seq % 97), seq / 3, UTC_TIMESTAMP() - INTERVAL seq HOUR FROM seq_1_to_3000`);
  await conn.query('CREATE TABLE audit_myisam (id int NOT NULL PRIMARY KEY, note varchar(20), KEY k_note (note)) ENGINE=MyISAM');
  await conn.query("INSERT INTO audit_myisam SELECT seq, CONCAT('n', seq) FROM seq_1_to_100");

  // A custom session table with a TIMESTAMP expiry (stored as UTC, shown in the session zone).
  await conn.query(`CREATE TABLE api_tokens (
      id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      expires_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY api_tokens_expires (expires_at)
    ) ENGINE=InnoDB`);
  await conn.query(`INSERT INTO api_tokens (expires_at) VALUES
      (UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE), (UTC_TIMESTAMP(3) - INTERVAL 1 DAY), (UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE)`);

  // express-mysql-session uses the name `sessions` too: its own database.
  await conn2.query(`CREATE TABLE sessions (
      session_id varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
      expires int(11) unsigned NOT NULL,
      data mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
      KEY sessions_expires (expires)
    ) ENGINE=InnoDB`);
  await conn2.query(
    `INSERT INTO sessions SELECT CONCAT('e', seq), UNIX_TIMESTAMP() - 60 - seq, '{}' FROM seq_1_to_${EXPRESS_EXPIRED}`,
  );
  await conn2.query(
    `INSERT INTO sessions SELECT CONCAT('l', seq), UNIX_TIMESTAMP() + 60 + seq, '{}' FROM seq_1_to_${EXPRESS_LIVE}`,
  );

  await conn.query('ANALYZE TABLE django_session, sessions, orders, audit_myisam, api_tokens');
  await conn2.query('ANALYZE TABLE sessions');
  adapter = adapterFor(main.url);
});

afterAll(async () => {
  await Promise.allSettled(adapters.map((a) => a.close()));
  for (const u of users) {
    for (const host of ['127.0.0.1', 'localhost']) await conn.query('DROP USER IF EXISTS ?@?', [u, host]).catch(() => {});
  }
  await conn?.end();
  await conn2?.end();
  await main?.drop();
  await second?.drop();
});

type CatalogSizes = { name: string; rows: number; dataLength: number; indexLength: number; dataFree: number };

async function catalogSizes(c: mysql.Connection, db: string): Promise<Map<string, CatalogSizes>> {
  const [rows] = await c.query(
    `SELECT TABLE_NAME AS name, TABLE_ROWS AS \`rows\`, DATA_LENGTH AS dataLength, INDEX_LENGTH AS indexLength, DATA_FREE AS dataFree
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
    [db],
  );
  return new Map((rows as CatalogSizes[]).map((r) => [r.name, { ...r, rows: Number(r.rows), dataLength: Number(r.dataLength), indexLength: Number(r.indexLength), dataFree: Number(r.dataFree) }]));
}

describe('MySQL/MariaDB space report', () => {
  it('every pooled connection compares in UTC (session time_zone +00:00)', async () => {
    // Four queries at once open four connections; each must have run the SET.
    const zones = await Promise.all(
      [0, 1, 2, 3].map(() => adapter.query<{ tz: string }>('SELECT @@session.time_zone AS tz, SLEEP(0.05) AS s')),
    );
    expect(zones.map((r) => r[0]!.tz)).toEqual(['+00:00', '+00:00', '+00:00', '+00:00']);
  });

  it('shows the database size and every table with sizes from information_schema', async () => {
    const report = await getSpaceReport(adapter);
    const sizes = await catalogSizes(conn, main.name);

    expect(report.dialect).toBe('mysql');
    expect(report.serverVersion).toMatch(/MariaDB|^\d+\./);
    expect(report.database.name).toBe(main.name);
    const sum = [...sizes.values()].reduce((a, t) => a + t.dataLength + t.indexLength, 0);
    expect(report.database.sizeBytes).toBe(sum);

    expect(report.tables.map((t) => t.name).sort()).toEqual(['api_tokens', 'audit_myisam', 'django_session', 'orders', 'sessions']);
    for (const t of report.tables) {
      const c = sizes.get(t.name)!;
      expect(t.schema).toBe(main.name);
      expect(t.tableBytes).toBe(c.dataLength);
      expect(t.indexBytes).toBe(c.indexLength);
      expect(t.totalBytes).toBe(c.dataLength + c.indexLength);
      expect(t.toastBytes).toBe(0);
      expect(t.deadRows).toBeNull();
      expect(typeof t.freeBytes).toBe('number');
      expect(t.freeBytes).toBe(c.dataFree);
      expect(t.rowEstimate).toBe(c.rows);
    }
    // Biggest first.
    const totals = report.tables.map((t) => t.totalBytes);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });

  it('lists every index with its InnoDB size and an innodb bloat estimate', async () => {
    const { indexes, note } = await adapter.indexes();
    const sizes = await catalogSizes(conn, main.name);
    const [pageRows] = await conn.query('SELECT @@innodb_page_size AS p');
    const pageSize = Number((pageRows as Array<{ p: number }>)[0]!.p);
    const [statRows] = await conn.query(
      `SELECT table_name AS t, index_name AS i, stat_value AS v FROM mysql.innodb_index_stats
        WHERE database_name = ? AND stat_name = 'size'`,
      [main.name],
    );
    const pages = new Map((statRows as Array<{ t: string; i: string; v: number }>).map((r) => [`${r.t}.${r.i}`, Number(r.v)]));

    const names = indexes.map((i) => `${i.table}.${i.name}`).sort();
    expect(names).toEqual([
      'api_tokens.PRIMARY', 'api_tokens.api_tokens_expires',
      'audit_myisam.PRIMARY', 'audit_myisam.k_note',
      'django_session.PRIMARY', 'django_session.django_session_expire_date_a5c62663',
      'orders.PRIMARY', 'orders.orders_customer',
      'sessions.PRIMARY', 'sessions.sessions_last_activity_index', 'sessions.sessions_user_id_index',
    ]);
    for (const i of indexes) {
      expect(i.schema).toBe(main.name);
      expect(i.bloatMethod).toBe('innodb');
      expect(Number.isInteger(i.bytes)).toBe(true);
      if (i.table === 'audit_myisam') {
        // Not InnoDB: its indexes share INDEX_LENGTH, with no bloat estimate.
        expect(i.bloatBytes).toBeNull();
        continue;
      }
      if (i.name === 'PRIMARY') {
        // The clustered index is the table's data.
        expect(i.bytes).toBe(sizes.get(i.table)!.dataLength);
      } else {
        expect(i.bytes).toBe(pages.get(`${i.table}.${i.name}`)! * pageSize);
        expect(i.bloatBytes).not.toBeNull();
      }
      if (i.bloatBytes !== null) {
        expect(i.bloatBytes).toBeGreaterThanOrEqual(0);
        expect(i.bloatBytes).toBeLessThanOrEqual(i.bytes);
        expect(i.bloatRatio).toBeGreaterThanOrEqual(0);
        expect(i.bloatRatio).toBeLessThanOrEqual(1);
      }
    }
    const myisam = indexes.filter((i) => i.table === 'audit_myisam');
    expect(myisam.reduce((a, i) => a + i.bytes, 0)).toBe(sizes.get('audit_myisam')!.indexLength);
    // Rows with TEXT/BLOB columns: the clustered index's size cannot be predicted.
    expect(indexes.find((i) => i.table === 'django_session' && i.name === 'PRIMARY')!.bloatBytes).toBeNull();
    // Fixed-width rows: it can.
    expect(indexes.find((i) => i.table === 'orders' && i.name === 'PRIMARY')!.bloatBytes).not.toBeNull();
    expect(note).toMatch(/innodb_index_stats/);
    expect(note).toMatch(/estimate/);
    expect(note).toMatch(/TEXT\/BLOB/);
    expect(note).toMatch(/2 indexes have no InnoDB page statistics/);
  });

  it('detects the Django and Laravel tables and counts expired sessions exactly, in UTC', async () => {
    const report = await getSpaceReport(adapter, { now: new Date() });
    const byPreset = new Map(report.sessionTables.map((s) => [s.preset, s]));
    expect([...byPreset.keys()].sort()).toEqual(['django', 'laravel']);
    expect(byPreset.get('django')).toMatchObject({
      schema: main.name, table: 'django_session', expiryColumn: 'expire_date',
      expired: DJANGO_EXPIRED, live: DJANGO_LIVE, total: DJANGO_EXPIRED + DJANGO_LIVE, exact: true,
    });
    expect(byPreset.get('laravel')).toMatchObject({
      schema: main.name, table: 'sessions', expiryColumn: 'last_activity',
      expired: LARAVEL_EXPIRED, live: LARAVEL_LIVE, total: LARAVEL_EXPIRED + LARAVEL_LIVE, exact: true,
    });

    // The CLI's JSON: every byte and count a JSON number.
    const json = toReportJson(report);
    for (const t of json.tables) for (const k of ['rowEstimate', 'tableBytes', 'indexBytes', 'toastBytes', 'totalBytes', 'freeBytes'] as const) {
      expect(typeof t[k]).toBe('number');
    }
    for (const i of json.indexes) expect(typeof i.bytes).toBe('number');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('moves the two rows a minute either side of now across the line as time passes', async () => {
    const spec = { schema: main.name, table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null, timestampZone: 'utc' };
    const now = Date.now();
    const at = (offsetMs: number) => adapter.countSessions(spec, { now: new Date(now + offsetMs), exactMaxRows: 1e9 });
    // Two minutes ago neither boundary row had expired; in two minutes both have.
    expect((await at(-120_000)).expired).toBe(DJANGO_EXPIRED - 1);
    expect((await at(0)).expired).toBe(DJANGO_EXPIRED);
    expect((await at(120_000)).expired).toBe(DJANGO_EXPIRED + 1);
  });

  it('counts a custom TIMESTAMP expiry column and an express-mysql-session table', async () => {
    const tokens = await adapter.countSessions(
      { schema: main.name, table: 'api_tokens', expiryColumn: 'expires_at', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' },
      { now: new Date(), exactMaxRows: 1e9 },
    );
    expect(tokens).toEqual({ expired: 2, live: 1, total: 3, exact: true });

    const other = adapterFor(second.url, 'express');
    const report = await getSpaceReport(other);
    expect(report.sessionTables).toHaveLength(1);
    expect(report.sessionTables[0]).toMatchObject({
      schema: second.name, table: 'sessions', preset: 'express-mysql-session', expiryColumn: 'expires',
      expired: EXPRESS_EXPIRED, live: EXPRESS_LIVE, total: EXPRESS_EXPIRED + EXPRESS_LIVE,
    });
  });

  it('labels the count an estimate on a table above the exact limit, still counting expired rows by the index', async () => {
    const spec = { schema: main.name, table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null, timestampZone: 'utc' };
    const c = await adapter.countSessions(spec, { now: new Date(), exactMaxRows: 10 });
    const sizes = await catalogSizes(conn, main.name);
    expect(c.exact).toBe(false);
    expect(c.expired).toBe(DJANGO_EXPIRED);
    expect(c.total).toBe(Math.max(sizes.get('django_session')!.rows, DJANGO_EXPIRED));
    expect(c.live).toBe(c.total - c.expired);
  });

  it('falls back to the optimizer estimate through the expiry index when counting takes too long', async () => {
    // What countSessions uses once the bounded count times out: EXPLAIN's range estimate.
    const table = quoteQualified('mysql', main.name, 'django_session');
    const estimate = await explainExpired(adapter, await adapter.flavor(), table, `${quoteIdent('mysql', 'expire_date')} < ?`, new Date().toISOString().slice(0, 19).replace('T', ' '));
    expect(estimate).toBeGreaterThan(DJANGO_EXPIRED * 0.8);
    expect(estimate).toBeLessThan(DJANGO_EXPIRED * 1.2);
  });

  it('refuses tables, columns and schemas that are not in the catalog', async () => {
    const base = { schema: main.name, table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null, timestampZone: 'utc' };
    const opts = { now: new Date(), exactMaxRows: 1e9 };
    for (const spec of [
      { ...base, table: 'no_such_table' },
      { ...base, table: 'django_session` WHERE 1; DROP TABLE orders; -- ' },
      { ...base, expiryColumn: 'nope' },
      { ...base, schema: second.name, table: 'sessions', expiryColumn: 'expires', expiryType: 'epoch-s' as const },
    ]) {
      const e = await appError(adapter.countSessions(spec, opts));
      expect(e.kind).toBe('not-found');
    }
    // A column of the wrong kind for the expiry type.
    const wrong = await appError(adapter.countSessions({ ...base, expiryType: 'epoch-s' }, opts));
    expect(wrong.kind).toBe('input');
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM orders');
    expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(3000);
  });

  it('turns a statement over its time limit into a timeout error', async () => {
    const q = withStatementTimeout(await adapter.flavor(), 'SELECT SLEEP(2) AS s', 100);
    const e = await appError(adapter.query(q.sql, q.params));
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe('target "shop": statement timed out');
  });
});

describe('MySQL/MariaDB errors', () => {
  it('a wrong password is a one-line auth error without the URL or password', async () => {
    const u = new URL(TEST_MYSQL_URL);
    const password = 'Wr0ng-Secret-pw';
    const a = adapterFor(withCredentials(main.url, decodeURIComponent(u.username), password));
    const e = await appError(getSpaceReport(a));
    expect(e.kind).toBe('auth');
    expect(e.message).toBe('target "shop" refused the login: wrong user or password');
    expectSafeMessage(e, [password, main.url]);
    // Closing the pool afterwards must not throw the driver's raw error over the AppError.
    await expect(a.close()).resolves.toBeUndefined();
  });

  it('an unreachable port is a one-line unreachable error', async () => {
    const u = new URL(TEST_MYSQL_URL);
    const a = adapterFor(withCredentials(main.url, decodeURIComponent(u.username), decodeURIComponent(u.password), 1));
    const e = await appError(a.ping());
    expect(e.kind).toBe('unreachable');
    expectSafeMessage(e, [decodeURIComponent(u.password)]);
  });

  it('an unknown database is a one-line not-found error', async () => {
    const u = new URL(main.url);
    u.pathname = '/jt_does_not_exist_42';
    const e = await appError(adapterFor(u.toString()).tables());
    expect(e.kind).toBe('not-found');
    expectSafeMessage(e, [decodeURIComponent(u.password)]);
  });

  it('a login with only USAGE is told it has no permission on the database', async () => {
    const { user, password } = await createUser([]);
    const a = adapterFor(withCredentials(main.url, user, password));
    const e = await appError(getSpaceReport(a));
    expect(e.kind).toBe('permission');
    expect(e.message).toMatch(/permission denied/);
    expectSafeMessage(e, [password]);
  });

  it('a login that cannot read mysql.innodb_index_stats still gets the report, without bloat and saying why', async () => {
    const { user, password } = await createUser([`SELECT ON \`${main.name}\`.*`]);
    const a = adapterFor(withCredentials(main.url, user, password));
    const report = await getSpaceReport(a);
    const sizes = await catalogSizes(conn, main.name);
    expect(report.tables).toHaveLength(5);
    expect(report.sessionTables.map((s) => s.preset).sort()).toEqual(['django', 'laravel']);
    expect(report.bloatNote).toMatch(/innodb_index_stats is not readable/);
    for (const i of report.indexes) {
      expect(i.bloatBytes).toBeNull();
      expect(i.bloatRatio).toBeNull();
      if (i.name === 'PRIMARY' && i.table !== 'audit_myisam') expect(i.bytes).toBe(sizes.get(i.table)!.dataLength);
    }
    // Without per-index pages, a table's secondary indexes share its INDEX_LENGTH.
    const laravel = report.indexes.filter((i) => i.table === 'sessions' && i.name !== 'PRIMARY');
    const total = laravel.reduce((a, i) => a + i.bytes, 0);
    expect(Math.abs(total - sizes.get('sessions')!.indexLength)).toBeLessThanOrEqual(1);
  });
});

describe('InnoDB bloat formula', () => {
  it('counts nothing as bloat for an index of the size a rebuild would give', () => {
    const leaf = { keyBytes: 4 + 8, lengthBytes: 0, nullableColumns: 0 };
    const needed = neededPages({ rows: 200_000, pageSize: 16384, leaf, nodeKeyBytes: 12 });
    // 200k records of 17.3 bytes fill about 228 pages of 15,240 usable bytes.
    expect(needed.leaf).toBeGreaterThan(220);
    expect(needed.leaf).toBeLessThan(235);
    expect(bloatOf(normalAllocation(needed.leaf, 16384) + needed.node, needed, 16384).bloatBytes).toBe(0);
    // Five times the pages the rows need: most of it is bloat.
    const b = bloatOf(needed.leaf * 5, needed, 16384);
    expect(b.bloatRatio).toBeGreaterThan(0.7);
    expect(bloatOf(1, { leaf: 1, node: 0 }, 16384)).toEqual({ bloatBytes: 0, bloatRatio: 0 });
  });
});
