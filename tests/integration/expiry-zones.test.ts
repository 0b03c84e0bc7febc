// Naive timestamps are read in the zone their writer used, by the report and
// the cleanup alike, whatever the server's and the Janitor process's zones.
// (tests/compat drives the frameworks' own code; this file pins Janitor's
// side: the boundary it shows, the override, the refusal to guess.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitor } from '../helpers/cli';

let pgDb: TestDb;
let myDb: TestDb;
let pgc: pg.Client;
let myc: mysql.Connection;

const HOUR = 3600_000;
/** Expiry moments either side of now, a few hours apart: any offset error moves some across the line. */
const OFFSETS_H = [-30, -10, -7, -3, -1, 1, 3, 7, 10, 30];
const EXPIRED = OFFSETS_H.filter((h) => h < 0).length;

/** `YYYY-MM-DD HH:MM:SS` of an instant in a zone, as an app writing local wall-clock time stores it. */
function wallClock(at: Date, zone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

beforeAll(async () => {
  pgDb = await createPgDatabase('jt_zones');
  myDb = await createMysqlDatabase('jt_zones');
  pgc = await pgClient(pgDb.url);
  myc = await mysqlConn(myDb.url);
  const now = Date.now();
  // A custom table whose app writes New York wall-clock time (a Django site with USE_TZ=False, TIME_ZONE='America/New_York').
  await pgc.query('CREATE TABLE tokens (id int PRIMARY KEY, expires_at timestamp NOT NULL)');
  await pgc.query('CREATE INDEX tokens_expires_at ON tokens (expires_at)');
  await myc.query('CREATE TABLE tokens (id int PRIMARY KEY, expires_at datetime(6) NOT NULL, KEY (expires_at))');
  for (const [i, h] of OFFSETS_H.entries()) {
    const v = wallClock(new Date(now + h * HOUR), 'America/New_York');
    await pgc.query('INSERT INTO tokens VALUES ($1, $2)', [i, v]);
    await myc.query('INSERT INTO tokens VALUES (?, ?)', [i, v]);
  }
});

afterAll(async () => {
  await pgc?.end();
  await myc?.end();
  await pgDb?.drop();
  await myDb?.drop();
});

const dialects = () => [
  ['PostgreSQL', pgDb.url],
  ['MariaDB', myDb.url],
] as const;

describe('a custom table of naive timestamps', () => {
  it('is refused without a zone, with a message that says how to give one', () => {
    for (const [, url] of dialects()) {
      const r = janitor(['cleanup', '--url', url, '--table', 'tokens', '--expiry-column', 'expires_at', '--expiry-type', 'timestamp', '--dry-run']);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(/column "expires_at" holds timestamps without a time zone; say in which zone they were written with --timestamp-zone/);
    }
  });

  it('is read in the zone given, from a Janitor process in Tokyo: the dry run shows the rows either side of the cutoff', () => {
    for (const [name, url] of dialects()) {
      const r = janitor(
        ['cleanup', '--url', url, '--table', 'tokens', '--expiry-column', 'expires_at', '--expiry-type', 'timestamp', '--timestamp-zone', 'America/New_York', '--dry-run', '--json'],
        { env: { TZ: 'Asia/Tokyo' } },
      );
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      const dry = JSON.parse(r.stdout.split('\n')[0]!);
      expect(dry.expired, name).toBe(EXPIRED);
      expect(dry.expiry.reading).toBe('"expires_at" is wall-clock time in America/New_York');
      // The newest deleted expired about an hour ago; the oldest kept expires in about an hour.
      expect(dry.expiry.newestDeleted.fromNowSeconds, name).toBeGreaterThan(-1.1 * 3600);
      expect(dry.expiry.newestDeleted.fromNowSeconds, name).toBeLessThan(-0.9 * 3600);
      expect(dry.expiry.oldestKept.fromNowSeconds, name).toBeGreaterThan(0.9 * 3600);
      expect(dry.expiry.oldestKept.fromNowSeconds, name).toBeLessThan(1.1 * 3600);
    }
  });

  it('is cleaned exactly in the zone given, by a Janitor process in Los Angeles', async () => {
    for (const [name, url] of dialects()) {
      const store = `file:/tmp/janitor-zones-${process.pid}-${name}.db`;
      const r = janitor(
        ['cleanup', '--url', url, '--table', 'tokens', '--expiry-column', 'expires_at', '--expiry-type', 'timestamp', '--timestamp-zone', 'America/New_York', '--sleep-seconds', '0', '--json'],
        { env: { TZ: 'America/Los_Angeles', DATABASE_URL: store } },
      );
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.at(-1), name).toMatchObject({ type: 'done', status: 'completed', totalDeleted: EXPIRED });
    }
    const { rows } = await pgc.query<{ n: string }>('SELECT count(*) AS n FROM tokens');
    const [[my]] = (await myc.query('SELECT COUNT(*) AS n FROM tokens')) as unknown as [[{ n: number }]];
    expect(Number(rows[0]!.n)).toBe(OFFSETS_H.length - EXPIRED);
    expect(Number(my.n)).toBe(OFFSETS_H.length - EXPIRED);
  });
});

describe('--timestamp-zone', () => {
  it('names what it accepts when the zone is unknown', () => {
    const r = janitor(['stats', '--url', pgDb.url, '--timestamp-zone', 'Mars/Olympus']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('janitor: --timestamp-zone: Timestamp zone must be utc, server, an IANA zone like Europe/Berlin, or an offset like +09:00 (got "Mars/Olympus")');
  });
});
