// connect-pg-simple (the npm store itself) on PostgreSQL. Its `expire` column is
// `timestamp(6)` without zone, written as `to_timestamp(n)`: wall-clock time in
// the writing session's TimeZone, i.e. the database's `timezone` setting.
import { describe, it } from 'vitest';
import session from 'express-session';
import connectPgSimple, { type PGStore } from 'connect-pg-simple';
import pg from 'pg';
import { cellName, cells, expectCell, rowPlan, SERVER_ZONES, type Cell } from './cells';
import { cleanupDeleted, pgDatabaseIn, reportExpired } from './janitor-steps';

const Store = connectPgSimple(session);
const call = <T>(f: (cb: (err: unknown, v?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));

/** What the store's pruner deletes: `expire < to_timestamp(now)`, on the store's own connections. */
async function storeExpired(store: PGStore): Promise<number> {
  const row = await call<Record<string, unknown>>((cb) => store.query('SELECT count(*)::int AS n FROM "session" WHERE expire < to_timestamp($1)', [Math.ceil(Date.now() / 1000)], cb));
  return Number(row!.n);
}

/** `sessionTimeZone`: the app's pool sets its own TimeZone (pg's `options`) instead of inheriting the database's. */
async function pgSimpleCell(name: string, cell: Cell, app: { sessionTimeZone?: string; timestampZone?: string } = {}) {
  const db = await pgDatabaseIn(cell.server);
  const pool = new pg.Pool({ connectionString: db.url, max: 4, ...(app.sessionTimeZone ? { options: `-c TimeZone=${app.sessionTimeZone}` } : {}) });
  // pool.end() resolves once its connections are asked to close, not once they
  // have; one still closing when db.drop() terminates it (WITH FORCE) gets the
  // server's FATAL, which the pool re-emits as its own 'error' event.
  pool.on('error', () => undefined);
  const store = new Store({ pool, createTableIfMissing: true, pruneSessionInterval: false });
  try {
    const rows = rowPlan();
    const now = Date.now();
    const sid = (n: number) => `sid-${n}`;
    // The store's own set(), the cookie's expiry chosen per row (express-session passes the cookie in the session).
    await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        for (const r of rows.filter((x) => x.n % 4 === k)) {
          await call((cb) => store.set(sid(r.n), { cookie: { expires: new Date(now + r.offsetSeconds * 1000).toISOString() }, row: r.n }, cb));
        }
      }),
    );
    const frameworkExpired = await storeExpired(store);
    const o = { url: db.url, table: 'session', preset: 'connect-pg-simple', tz: cell.processTz, timestampZone: app.timestampZone };
    const reported = await reportExpired(o);
    const deleted = await cleanupDeleted(o);
    let liveFound = 0;
    for (const r of rows.filter((x) => x.offsetSeconds > 0)) {
      const s = await call<Record<string, unknown> | null>((cb) => store.get(sid(r.n), cb));
      if (s?.row === r.n) liveFound++;
    }
    const count = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM "session"')).rows[0]!.n;
    const before = await count();
    await call((cb) => store.pruneSessions(cb));
    expectCell(name, rows, { frameworkExpired, reportExpired: reported, cleanupDeleted: deleted, liveFound, prunerRemoved: before - (await count()) });
  } finally {
    await store.close().catch(() => {});
    await pool.end().catch(() => {});
    await db.drop();
  }
}

const what = 'the report and the cleanup count what the store counts, and every live session is kept';

describe.concurrent('connect-pg-simple', () => {
  for (const cell of cells()) {
    const name = cellName('connect-pg-simple', 'postgres', cell, what);
    it(name, () => pgSimpleCell(name, cell));
  }

  // An app whose pool sets TimeZone itself writes that zone's wall clock, whatever the database says; the operator says so.
  const cell: Cell = { server: SERVER_ZONES[0]!, processTz: 'Asia/Tokyo', processLabel: 'Tokyo' };
  const name = cellName('connect-pg-simple with its pool in Los Angeles time', 'postgres', cell, `${what} (--timestamp-zone America/Los_Angeles)`);
  it(name, () => pgSimpleCell(name, cell, { sessionTimeZone: 'America/Los_Angeles', timestampZone: 'America/Los_Angeles' }));
});
