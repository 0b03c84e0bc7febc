// Throwaway databases on the local test servers. Each test file creates its
// own database and drops it afterwards. Non-local URLs are refused: these
// helpers drop databases.
import pg from 'pg';
import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgresql://janitor_test:janitor_test@127.0.0.1:5432/postgres';
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://janitor_test:janitor_test@127.0.0.1:3306/mysql';

function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`refusing to run tests against non-local database host ${host}`);
  }
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export type TestDb = { name: string; url: string; drop: () => Promise<void> };

export async function createPgDatabase(prefix = 'jt'): Promise<TestDb> {
  assertLocal(TEST_PG_URL);
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    name,
    url: withDatabase(TEST_PG_URL, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createMysqlDatabase(prefix = 'jt'): Promise<TestDb> {
  assertLocal(TEST_MYSQL_URL);
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const u = new URL(TEST_MYSQL_URL);
  const connect = () =>
    mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const admin = await connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    name,
    url: withDatabase(TEST_MYSQL_URL, name),
    drop: async () => {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

/** A pg client on a test database, for seeding and checking. */
export async function pgClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** A mysql2 connection on a test database (UTC session), for seeding and checking. */
export async function mysqlConn(url: string): Promise<mysql.Connection> {
  const u = new URL(url);
  const c = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    timezone: '+00:00',
    multipleStatements: true,
  });
  await c.query("SET time_zone = '+00:00'");
  return c;
}
