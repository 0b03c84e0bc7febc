// express-mysql-session (the npm store itself) on MariaDB: `expires` holds
// epoch seconds, so no zone is involved; the cells prove Janitor keeps it so
// on servers and processes in any zone.
import { describe, it } from 'vitest';
import session from 'express-session';
import expressMysqlSession from 'express-mysql-session';
import mysql from 'mysql2/promise';
import { cellName, cells, expectCell, rowPlan } from './cells';
import { cleanupDeleted, connectionParts, mysqlDatabaseIn, reportExpired } from './janitor-steps';

const MySQLStore = expressMysqlSession(session);

describe.concurrent('express-mysql-session', () => {
  for (const cell of cells()) {
    const name = cellName('express-mysql-session', 'mysql', cell, 'the report and the cleanup count what the store counts, and every live session is kept');
    it(name, async () => {
      const db = await mysqlDatabaseIn(cell.server);
      // The store's own pool and schema.sql; its interval pruner off, run by hand below.
      const store = new MySQLStore({ ...connectionParts(db.url), clearExpired: false, createDatabaseTable: true });
      const check = await mysql.createConnection(connectionParts(db.url));
      try {
        await store.onReady();
        const rows = rowPlan();
        const now = Date.now();
        const sid = (n: number) => `sid-${n}`;
        // The store's own set(), the cookie's expiry chosen per row (express-session passes the cookie in the session).
        await Promise.all(
          [0, 1, 2, 3].map(async (k) => {
            for (const r of rows.filter((x) => x.n % 4 === k)) {
              await store.set(sid(r.n), { cookie: { expires: new Date(now + r.offsetSeconds * 1000).toISOString() }, row: r.n });
            }
          }),
        );
        // What clearExpiredSessions() deletes: expires < Math.round(Date.now() / 1000).
        const [[expired]] = (await check.query('SELECT COUNT(*) AS n FROM sessions WHERE expires < ?', [Math.round(Date.now() / 1000)])) as unknown as [[{ n: number }]];
        const o = { url: db.url, table: 'sessions', preset: 'express-mysql-session', tz: cell.processTz };
        const reported = await reportExpired(o);
        const deleted = await cleanupDeleted(o);
        let liveFound = 0;
        for (const r of rows.filter((x) => x.offsetSeconds > 0)) {
          const s = await store.get(sid(r.n));
          if (s?.row === r.n) liveFound++;
        }
        const count = async () => Number(((await check.query('SELECT COUNT(*) AS n FROM sessions')) as unknown as [[{ n: number }]])[0][0].n);
        const before = await count();
        await store.clearExpiredSessions();
        expectCell(name, rows, { frameworkExpired: Number(expired.n), reportExpired: reported, cleanupDeleted: deleted, liveFound, prunerRemoved: before - (await count()) });
      } finally {
        await check.end().catch(() => {});
        await store.close().catch(() => {});
        await db.drop();
      }
    });
  }
});
