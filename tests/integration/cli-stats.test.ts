import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitor } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';

const store = useTempStore();
let pgDb: TestDb;
let myDb: TestDb;

// 300 expired and 200 live django sessions in each database.
beforeAll(async () => {
  pgDb = await createPgDatabase('jcli');
  const pg = await pgClient(pgDb.url);
  await pg.query(`CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
    CREATE INDEX django_session_expire_date ON django_session (expire_date);
    INSERT INTO django_session SELECT 'k' || i, repeat('x', 200), CASE WHEN i <= 300 THEN now() - interval '1 day' ELSE now() + interval '1 day' END FROM generate_series(1, 500) i;
    CREATE TABLE orders (id serial PRIMARY KEY, note text); INSERT INTO orders (note) SELECT 'n' FROM generate_series(1, 100); ANALYZE;`);
  await pg.end();

  myDb = await createMysqlDatabase('jcli');
  const my = await mysqlConn(myDb.url);
  await my.query(`CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL, KEY django_session_expire_date (expire_date)) ENGINE=InnoDB;
    INSERT INTO django_session SELECT CONCAT('k', seq), REPEAT('x', 200), IF(seq <= 300, UTC_TIMESTAMP() - INTERVAL 1 DAY, UTC_TIMESTAMP() + INTERVAL 1 DAY) FROM seq_1_to_500;
    ANALYZE TABLE django_session;`);
  await my.end();
});

afterAll(async () => {
  await pgDb?.drop();
  await myDb?.drop();
});

const env = { DATABASE_URL: store };

function expectExactShape(json: Record<string, unknown>, dialect: string) {
  expect(Object.keys(json).sort()).toEqual(['database', 'dialect', 'indexes', 'sessionTables', 'tables']);
  expect(json.dialect).toBe(dialect);
  const db = json.database as Record<string, unknown>;
  expect(Object.keys(db).sort()).toEqual(['name', 'sizeBytes']);
  expect(typeof db.sizeBytes).toBe('number');
  for (const t of json.tables as Record<string, unknown>[]) {
    expect(Object.keys(t).sort()).toEqual(['deadRows', 'freeBytes', 'indexBytes', 'name', 'rowEstimate', 'schema', 'tableBytes', 'toastBytes', 'totalBytes']);
    for (const k of ['rowEstimate', 'tableBytes', 'indexBytes', 'toastBytes', 'totalBytes']) expect(typeof t[k]).toBe('number');
    if (dialect === 'postgres') {
      expect(typeof t.deadRows).toBe('number');
      expect(t.freeBytes).toBeNull();
    } else {
      expect(t.deadRows).toBeNull();
      expect(typeof t.freeBytes).toBe('number');
    }
  }
  for (const i of json.indexes as Record<string, unknown>[]) {
    expect(Object.keys(i).sort()).toEqual(['bloatBytes', 'bloatMethod', 'bloatRatio', 'bytes', 'name', 'schema', 'table']);
    expect(typeof i.bytes).toBe('number');
    expect(['estimate', 'pgstattuple', 'innodb']).toContain(i.bloatMethod);
  }
  for (const s of json.sessionTables as Record<string, unknown>[]) {
    expect(Object.keys(s).sort()).toEqual(['expired', 'expiryColumn', 'live', 'preset', 'schema', 'table', 'total']);
  }
}

describe('janitor stats', () => {
  it('prints the PostgreSQL report as JSON of exactly the documented shape, with exact session counts', () => {
    const r = janitor(['stats', '--url', pgDb.url, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expectExactShape(json, 'postgres');
    expect(json.database.name).toBe(pgDb.name);
    expect(json.sessionTables).toEqual([{ schema: 'public', table: 'django_session', preset: 'django', expiryColumn: 'expire_date', expired: 300, live: 200, total: 500 }]);
    expect(json.tables.map((t: { name: string }) => t.name).sort()).toEqual(['django_session', 'orders']);
  });

  it('prints the MariaDB report as JSON of exactly the documented shape, comparing DATETIME in UTC', () => {
    const r = janitor(['stats', '--url', myDb.url, '--json'], { env: { ...env, TZ: 'America/New_York' } });
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expectExactShape(json, 'mysql');
    expect(json.sessionTables).toEqual([{ schema: myDb.name, table: 'django_session', preset: 'django', expiryColumn: 'expire_date', expired: 300, live: 200, total: 500 }]);
    const t = json.tables.find((x: { name: string }) => x.name === 'django_session');
    expect(t.totalBytes).toBe(t.tableBytes + t.indexBytes);
  });

  it('reads a configured target by name and prints a readable report without --json', () => {
    const r = janitor(['stats', '--target', 'main'], { env: { ...env, JANITOR_TARGET_MAIN: pgDb.url } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/postgres database ".*": /);
    expect(r.stdout).toMatch(/public\.django_session\s+django\s+expire_date\s+300\s+200\s+500/);
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown --target', ['stats', '--target', 'nope'], {}, /^janitor: unknown target "nope" \(known: none configured\)$/],
    ['an unsupported scheme', ['stats', '--url', 'mongodb://admin:s3cret@127.0.0.1/x'], {}, /^janitor: --url has unsupported scheme "mongodb"/],
    ['an unreachable server', ['stats', '--url', 'postgresql://admin:s3cret@127.0.0.1:1/x'], {}, /^janitor: target "url" is unreachable: connection refused$/],
    // The local test server trusts 127.0.0.1, so an unknown user stands in for a wrong password.
    ['an unknown PostgreSQL user', ['stats', '--url', 'postgresql://nobody_here:s3cret@127.0.0.1:5432/postgres'], {}, /^janitor: target "url" refused the login: wrong user or password$/],
    ['a wrong MariaDB password', ['stats', '--url', 'mysql://janitor_test:s3cret-wrong@127.0.0.1:3306/mysql'], {}, /^janitor: target "url" refused the login: wrong user or password$/],
    ['both --url and --target', ['stats', '--url', 'postgresql://a@b/c', '--target', 'x'], {}, /^janitor: give exactly one of --url URL or --target NAME$/],
    ['a bad configured URL', ['stats', '--target', 'main'], { JANITOR_TARGET_MAIN: 'ftp://u:s3cret@h/x' }, /^janitor: JANITOR_TARGET_MAIN has unsupported scheme "ftp"/],
  ];
  for (const [what, args, extra, message] of bad) {
    it(`refuses ${what} with one line, a non-zero exit and no secret`, () => {
      const r = janitor(args, { env: { ...env, ...extra } });
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr).not.toContain('s3cret');
    });
  }
});
