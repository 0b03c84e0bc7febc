// Laravel (database session driver) on PostgreSQL and MariaDB. No PHP here: the
// table is what `php artisan session:table` (Laravel 8) migrates, and every
// statement is the one Illuminate\Session\DatabaseSessionHandler sends:
// last_activity is epoch seconds (Carbon::now()->getTimestamp()), so no zone
// is involved; the cells prove Janitor keeps it so.
import { describe, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { cellName, cells, expectCell, rowPlan } from './cells';
import { cleanupDeleted, reportExpired } from './janitor-steps';
import { countOf, sqlClientIn, type Dialect } from './sql-client';

const LIFETIME_SECONDS = 120 * 60; // SESSION_LIFETIME's default, the preset's TTL

// $table->string('id')->primary(); foreignId('user_id')->nullable()->index();
// string('ip_address', 45)->nullable(); text('user_agent')->nullable();
// text('payload'); integer('last_activity')->index(); as each schema grammar emits it.
const DDL: Record<Dialect, string[]> = {
  postgres: [
    'create table "sessions" ("id" varchar(255) not null, "user_id" bigint null, "ip_address" varchar(45) null, "user_agent" text null, "payload" text not null, "last_activity" integer not null)',
    'alter table "sessions" add primary key ("id")',
    'create index "sessions_user_id_index" on "sessions" ("user_id")',
    'create index "sessions_last_activity_index" on "sessions" ("last_activity")',
  ],
  mysql: [
    "create table `sessions` (`id` varchar(255) not null, `user_id` bigint unsigned null, `ip_address` varchar(45) null, `user_agent` text null, `payload` text not null, `last_activity` int not null) default character set utf8mb4 collate 'utf8mb4_unicode_ci'",
    'alter table `sessions` add primary key `sessions_id_primary`(`id`)',
    'alter table `sessions` add index `sessions_user_id_index`(`user_id`)',
    'alter table `sessions` add index `sessions_last_activity_index`(`last_activity`)',
  ],
};

describe.concurrent('laravel', () => {
  for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
    for (const cell of cells()) {
      const name = cellName('Laravel', dialect, cell, 'the report and the cleanup count what SESSION_LIFETIME expires, and every live session is kept');
      it(name, async () => {
        const c = await sqlClientIn(dialect, cell.server);
        const quote = (sql: string) => (dialect === 'postgres' ? sql : sql.replace(/"/g, '`'));
        try {
          for (const s of DDL[dialect]) await c.query(s);
          // Live rows stay in the past: last_activity is when the user was last seen.
          const rows = rowPlan({ maxLiveSeconds: LIFETIME_SECONDS - 5 * 60 });
          const nowS = Math.floor(Date.now() / 1000);
          const ids = new Map<number, string>();
          for (const r of rows) {
            // DatabaseSessionHandler::performInsert
            const id = randomBytes(20).toString('base64url').slice(0, 40);
            ids.set(r.n, id);
            await c.query(quote('insert into "sessions" ("payload", "last_activity", "user_id", "ip_address", "user_agent", "id") values (?, ?, ?, ?, ?, ?)'), [
              Buffer.from(`a:1:{s:3:"row";i:${r.n};}`).toString('base64'),
              nowS - LIFETIME_SECONDS + r.offsetSeconds,
              null,
              '127.0.0.1',
              'compat',
              id,
            ]);
          }
          // DatabaseSessionHandler::expired(): last_activity < now()->subMinutes(lifetime)->getTimestamp()
          const frameworkExpired = await countOf(c, 'SELECT COUNT(*) AS n FROM sessions WHERE last_activity < ?', [Math.floor(Date.now() / 1000) - LIFETIME_SECONDS]);
          const o = { url: c.db.url, table: 'sessions', preset: 'laravel', tz: cell.processTz };
          const reported = await reportExpired(o);
          const deleted = await cleanupDeleted(o);
          // DatabaseSessionHandler::read(): the row, unless expired().
          let liveFound = 0;
          for (const r of rows.filter((x) => x.offsetSeconds > 0)) {
            const [row] = await c.query<{ payload: string; last_activity: number }>(quote('select * from "sessions" where "id" = ? limit 1'), [ids.get(r.n)]);
            const fresh = row && row.last_activity >= Math.floor(Date.now() / 1000) - LIFETIME_SECONDS;
            if (fresh && Buffer.from(row.payload, 'base64').toString().includes(`i:${r.n};`)) liveFound++;
          }
          // DatabaseSessionHandler::gc($lifetime): last_activity <= now - lifetime
          const prunerRemoved = await c.delete(quote('delete from "sessions" where "last_activity" <= ?'), [Math.floor(Date.now() / 1000) - LIFETIME_SECONDS]);
          expectCell(name, rows, { frameworkExpired, reportExpired: reported, cleanupDeleted: deleted, liveFound, prunerRemoved });
        } finally {
          await c.close();
        }
      });
    }
  }
});
