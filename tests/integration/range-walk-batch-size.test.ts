// Range walks (PostgreSQL's heap walk, MariaDB's primary-key walk) turn the
// delete count into a range of pages or keys. What a range holds depends on
// the table's history: after a cleanup the heap is mostly emptied pages (until
// VACUUM) while the statistics describe the rows left, and a table whose old
// half is expired and new half live has two densities. Whatever the history, a
// batch should delete about the number of rows asked for: driven through the
// real CLI, as an operator runs it.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitor } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';
import { countSessions, type Dialect } from '../helpers/session-tables';
import { resetEnvCache } from '@/lib/env';
import { closeStore } from '@/lib/store/client';

const storeUrl = useTempStore();
const env = { DATABASE_URL: storeUrl };
const SIZE = 200;

beforeAll(() => resetEnvCache());
afterAll(async () => closeStore());

type Batch = { type: 'batch'; deleted: number; strategy: string };

/** Rows deleted by each batch of a CLI run (`janitor cleanup` or `janitor logout-all`), which must complete. */
function batchesOf(args: string[]): number[] {
  const r = janitor([...args, '--sleep-seconds', '0', '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed' });
  const batches = out.filter((l): l is Batch => l.type === 'batch');
  return batches.map((b) => b.deleted);
}

/** Every batch but the last deletes between half and twice the count, and the run takes about as many batches as the rows need. */
function expectAboutSize(deleted: number[], rows: number, allowedOff = 0) {
  const off = deleted.slice(0, -1).filter((n) => n < SIZE / 2 || n > SIZE * 2);
  expect(off.length, `batches far from ${SIZE}: ${off.join(' ')}`).toBeLessThanOrEqual(allowedOff);
  expect(deleted.length).toBeLessThanOrEqual(Math.ceil(rows / SIZE) + 1 + allowedOff);
  expect(deleted.reduce((a, b) => a + b, 0)).toBe(rows);
}

/**
 * A django_session table of `rows` sessions inserted in key (and heap) order;
 * session i is live (expires tomorrow) when the SQL condition `live(i)` holds,
 * else it expired yesterday.
 */
async function seedSessions(dialect: Dialect, url: string, rows: number, o: { live: (i: string) => string }) {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    await c.query(`CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
      CREATE INDEX django_session_expire_date ON django_session (expire_date);
      INSERT INTO django_session SELECT lpad(i::text, 10, '0'), repeat('x', 200),
        CASE WHEN ${o.live('i')} THEN now() + interval '1 day' ELSE now() - interval '1 day' END
        FROM generate_series(1, ${rows}) i;
      ANALYZE django_session;`);
    await c.end();
  } else {
    const c = await mysqlConn(url);
    await c.query(`CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL, KEY django_session_expire_date (expire_date)) ENGINE=InnoDB;
      INSERT INTO django_session SELECT LPAD(seq, 10, '0'), REPEAT('x', 200),
        IF(${o.live('seq')}, UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 DAY)
        FROM seq_1_to_${rows};
      ANALYZE TABLE django_session;`);
    await c.end();
  }
}

const walk = { postgres: 'heap-walk', mysql: 'pk-range' } as const;

for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
  describe(`range walk batch sizes on ${dialect}`, () => {
    let db: TestDb;
    const fresh = async () => {
      await db?.drop();
      db = dialect === 'postgres' ? await createPgDatabase('jdensity') : await createMysqlDatabase('jdensity');
    };
    afterAll(async () => db?.drop());
    const base = () => ['--url', db.url, '--table', 'django_session', '--strategy', walk[dialect]];

    // One session in 150 is still live after the cleanup, spread over the whole heap / key space:
    // 30,000 rows leave 200 (the report: 176 rows in 7 batches of about 25).
    it.each([
      ['without', ['--no-analyze']],
      ['with', []],
    ])('log-everyone-out after a cleanup (%s its ANALYZE) deletes about the delete count per batch', async (when, analyze) => {
      await fresh();
      await seedSessions(dialect, db.url, 30_000, { live: (i) => `${i} % 150 = 0` });
      const seeded = await countSessions(dialect, db.url, new Date());
      const cleanup = batchesOf(['cleanup', ...base(), '--delete-count', '5000', ...analyze]);
      expect(cleanup.reduce((a, b) => a + b, 0)).toBe(seeded.expired);
      const left = (await countSessions(dialect, db.url, new Date())).total;
      expect(left).toBe(200);

      const logout = batchesOf(['logout-all', ...base(), '--yes', '--delete-count', String(SIZE)]);
      console.log(`${dialect} logout-all after a cleanup ${when} ANALYZE: ${left} rows in ${logout.length} batches: ${logout.join(' ')}`);
      expectAboutSize(logout, left);
      expect((await countSessions(dialect, db.url, new Date())).total).toBe(0);
    });

    it('log-everyone-out after a cleanup that left a fifth of the rows deletes about the delete count per batch', async () => {
      await fresh();
      await seedSessions(dialect, db.url, 20_000, { live: (i) => `${i} % 5 = 0` });
      batchesOf(['cleanup', ...base(), '--delete-count', '5000', '--no-analyze']);
      const left = (await countSessions(dialect, db.url, new Date())).total;
      expect(left).toBe(4_000);
      const logout = batchesOf(['logout-all', ...base(), '--yes', '--delete-count', String(SIZE)]);
      console.log(`${dialect} logout-all of a fifth left: ${left} rows in ${logout.length} batches: ${logout.join(' ')}`);
      expectAboutSize(logout, left);
    });

    it('log-everyone-out after a cleanup that left only the newest sessions, together at the end, deletes about the delete count per batch', async () => {
      await fresh();
      // The newest 2,000 of 30,000 sessions live: after the cleanup the heap /
      // key space is 28,000 emptied rows' worth, then a dense stretch.
      await seedSessions(dialect, db.url, 30_000, { live: (i) => `${i} > 28000` });
      batchesOf(['cleanup', ...base(), '--delete-count', '5000', '--no-analyze']);
      const left = (await countSessions(dialect, db.url, new Date())).total;
      expect(left).toBe(2_000);
      const logout = batchesOf(['logout-all', ...base(), '--yes', '--delete-count', String(SIZE)]);
      console.log(`${dialect} logout-all of the newest, together at the end: ${left} rows in ${logout.length} batches: ${logout.join(' ')}`);
      // Crossing the emptied stretch takes a few batches that find nothing (each
      // range at most MAX_GROWTH times the last); the one that reaches the full
      // stretch must not delete it all at once.
      expect(Math.max(...logout)).toBeLessThanOrEqual(SIZE * 2);
      expectAboutSize(logout, left, 2);
    });

    it('a cleanup of a table whose older half is mostly expired and newer half live deletes about the delete count per batch', async () => {
      await fresh();
      // The older half nine sessions in ten expired, the newer half one in ten:
      // the range where the density drops, and the one after it (sized from a
      // range that was part dense, part sparse), may come out short, no more.
      await seedSessions(dialect, db.url, 20_000, { live: (i) => `(${i} <= 10000 AND ${i} % 10 = 0) OR (${i} > 10000 AND ${i} % 10 <> 5)` });
      const expired = (await countSessions(dialect, db.url, new Date())).expired;
      const cleanup = batchesOf(['cleanup', ...base(), '--delete-count', String(SIZE)]);
      console.log(`${dialect} cleanup of an uneven table: ${expired} rows in ${cleanup.length} batches: ${cleanup.join(' ')}`);
      expectAboutSize(cleanup, expired, 2);
    });
  });
}
