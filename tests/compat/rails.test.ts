// Rails (activerecord-session_store) on PostgreSQL and MariaDB. No Rails here:
// the table is what the gem's migration creates under Rails 6.1, and every
// statement is the one ActiveRecord sends with its default
// `default_timezone = :utc`: Time values bound as UTC wall clock with
// microseconds, into columns without a zone.
import { describe, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { cellName, cells, expectCell, rowPlan } from './cells';
import { cleanupDeleted, reportExpired } from './janitor-steps';
import { countOf, sqlClientIn, type Dialect, type SqlClient } from './sql-client';

const TTL_DAYS = 30; // the preset's default, and `rake db:sessions:trim`'s SESSION_DAYS_TRIM_THRESHOLD default

// `rails generate active_record:session_migration` (create_table :sessions with
// t.string :session_id, null: false; t.text :data; t.timestamps; unique index on
// session_id, index on updated_at) as Rails 6.1 runs it on each adapter.
const DDL: Record<Dialect, string[]> = {
  postgres: [
    'CREATE TABLE "sessions" ("id" bigserial primary key, "session_id" character varying NOT NULL, "data" text, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL)',
    'CREATE UNIQUE INDEX "index_sessions_on_session_id" ON "sessions" ("session_id")',
    'CREATE INDEX "index_sessions_on_updated_at" ON "sessions" ("updated_at")',
  ],
  mysql: [
    'CREATE TABLE `sessions` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `session_id` varchar(255) NOT NULL, `data` text, `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL)',
    'CREATE UNIQUE INDEX `index_sessions_on_session_id` ON `sessions` (`session_id`)',
    'CREATE INDEX `index_sessions_on_updated_at` ON `sessions` (`updated_at`)',
  ],
};

/** ActiveRecord's quoted_date for a Time under default_timezone :utc: "2026-11-30 02:30:00.123456". */
const utcWallClock = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');
const q = (c: SqlClient, sql: string) => (c.dialect === 'postgres' ? sql : sql.replace(/"/g, '`'));

describe.concurrent('rails', () => {
  for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
    for (const cell of cells()) {
      const name = cellName('Rails', dialect, cell, 'the report and the cleanup count what `updated_at < 30.days.ago` counts, and every live session is kept');
      it(name, async () => {
        const c = await sqlClientIn(dialect, cell.server);
        try {
          for (const s of DDL[dialect]) await c.query(s);
          const rows = rowPlan();
          const now = Date.now();
          const cutoff = now - TTL_DAYS * 86_400_000;
          const ids = new Map<number, string>();
          for (const r of rows) {
            // ActiveRecord::SessionStore::Session#save on a new session: created_at = updated_at = Time.now.
            const at = utcWallClock(cutoff + r.offsetSeconds * 1000);
            const sid = randomBytes(16).toString('hex');
            ids.set(r.n, sid);
            await c.query(q(c, 'INSERT INTO "sessions" ("session_id", "data", "created_at", "updated_at") VALUES (?, ?, ?, ?)'), [sid, Buffer.from(`row ${r.n}`).toString('base64'), at, at]);
          }
          // Session.where("updated_at < ?", 30.days.ago): the cutoff bound as UTC wall clock.
          const trimCutoff = () => utcWallClock(Date.now() - TTL_DAYS * 86_400_000);
          const frameworkExpired = await countOf(c, 'SELECT COUNT(*) AS n FROM sessions WHERE (updated_at < ?)', [trimCutoff()]);
          const o = { url: c.db.url, table: 'sessions', preset: 'rails', tz: cell.processTz };
          const reported = await reportExpired(o);
          const deleted = await cleanupDeleted(o);
          // The store's read: find_by(session_id:), no expiry check of its own.
          let liveFound = 0;
          for (const r of rows.filter((x) => x.offsetSeconds > 0)) {
            const [row] = await c.query<{ data: string }>(q(c, 'SELECT "sessions".* FROM "sessions" WHERE "sessions"."session_id" = ? LIMIT 1'), [ids.get(r.n)]);
            if (row && Buffer.from(row.data, 'base64').toString() === `row ${r.n}`) liveFound++;
          }
          // rake db:sessions:trim
          const prunerRemoved = await c.delete('DELETE FROM sessions WHERE (updated_at < ?)', [trimCutoff()]);
          expectCell(name, rows, { frameworkExpired, reportExpired: reported, cleanupDeleted: deleted, liveFound, prunerRemoved });
        } finally {
          await c.close();
        }
      });
    }
  }
});
