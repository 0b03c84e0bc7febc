// The Janitor half of a cell: a database per cell in the server zone under
// test, and the real CLI (`stats`, `cleanup`) run under the process zone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';
import { createPgDatabase, pgClient, TEST_PG_URL, type TestDb } from '../helpers/databases';
import { janitorAsync } from '../helpers/cli';
import type { ServerZone } from './cells';

/** A fresh PostgreSQL database whose `timezone` setting is the zone: every new connection (the app's, Janitor's) inherits it. */
export async function pgDatabaseIn(zone: ServerZone): Promise<TestDb> {
  const db = await createPgDatabase('jcompat');
  const c = await pgClient(TEST_PG_URL);
  // ALTER DATABASE takes no parameters: format() quotes the name and the zone.
  const { rows } = await c.query<{ sql: string }>('SELECT format($$ALTER DATABASE %I SET timezone TO %L$$, $1::text, $2::text) AS sql', [db.name, zone.postgres]);
  await c.query(rows[0]!.sql);
  await c.end();
  return db;
}

/** A fresh database on the private MariaDB server whose global time_zone is the zone's offset (tests/compat/global-setup.ts). */
export async function mysqlDatabaseIn(zone: ServerZone): Promise<TestDb> {
  const servers = inject('compatMariadb');
  const base = servers[zone.mysql];
  if (!base) throw new Error(`no private MariaDB server for ${zone.mysql}`);
  const name = `jcompat_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: async () => {
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

/** Connection options of a database URL, for the frameworks' own clients. */
export function connectionParts(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

type Run = { status: number | null; stdout: string; stderr: string };

/** One store per test file (each file imports this module afresh); its cells' runs are on different targets. */
const store = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'janitor-compat-')), 'janitor.db')}`;

/** The CLI under `TZ`, as a cron job in that zone would run it. */
async function janitorIn(tz: string, args: string[]): Promise<Run> {
  return janitorAsync(args, { env: { TZ: tz, DATABASE_URL: store } }).done;
}

const failure = (what: string, r: Run) => `${what} exit ${r.status}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}`;

export type JanitorOptions = { url: string; table: string; preset: string; tz: string; timestampZone?: string };

/** `janitor stats --json`: the expired count of the session table, or the failure. */
export async function reportExpired(o: JanitorOptions): Promise<number | string> {
  const r = await janitorIn(o.tz, ['stats', '--url', o.url, '--json', ...zoneFlag(o)]);
  if (r.status !== 0) return failure('stats', r);
  const t = (JSON.parse(r.stdout).sessionTables as Array<{ table: string; preset: string; expired: number }>).find((s) => s.table === o.table);
  if (!t) return `stats: no session table ${o.table} detected`;
  if (t.preset !== o.preset) return `stats: ${o.table} detected as ${t.preset}`;
  return t.expired;
}

/** `janitor cleanup --json`: the done line's totalDeleted, or the failure. */
export async function cleanupDeleted(o: JanitorOptions): Promise<number | string> {
  const r = await janitorIn(o.tz, ['cleanup', '--url', o.url, '--table', o.table, '--preset', o.preset, '--sleep-seconds', '0', '--json', ...zoneFlag(o)]);
  const done = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).at(-1);
  if (r.status !== 0 || done?.type !== 'done' || done.status !== 'completed') return failure('cleanup', r);
  return done.totalDeleted;
}

const zoneFlag = (o: JanitorOptions) => (o.timestampZone ? ['--timestamp-zone', o.timestampZone] : []);
