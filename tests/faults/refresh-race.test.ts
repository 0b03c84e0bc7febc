// Fault: the application keeps refreshing sessions while a cleanup deletes
// them. Through the real CLI and its durable runner (the engine tests in
// tests/integration/cleanup-{postgres,mysql}.test.ts prove the same for the
// bare engine loop): several connections keep extending random sessions that
// were expired, as a logged-in user's request does, while a run with small
// batches and short sleeps goes. Every session they extended survives; every
// session expired at the cutoff and not extended is gone; the run's total is
// exactly the rows that left the table.
import { afterEach, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { seedDjangoSessions, type Dialect } from '../helpers/session-tables';
import { janitor, janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';

const store = useTempStore();
const env = { DATABASE_URL: store };
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const CONNECTIONS = 4;

type Sql = { keys(sql: string, params?: unknown[]): Promise<string[]>; extend(key: string): Promise<boolean>; end(): Promise<void> };

async function connect(dialect: Dialect, url: string): Promise<Sql> {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    return {
      keys: async (sql, params = []) => (await c.query<{ k: string }>(sql, params)).rows.map((r) => r.k),
      // What Django's session middleware does on a request of a logged-in user.
      extend: async (key) => (await c.query("UPDATE django_session SET expire_date = now() + interval '1 day' WHERE session_key = $1", [key])).rowCount === 1,
      end: () => c.end(),
    };
  }
  const c = await mysqlConn(url);
  return {
    keys: async (sql, params = []) => ((await c.query(sql, params))[0] as { k: string }[]).map((r) => r.k),
    extend: async (key) => ((await c.query('UPDATE django_session SET expire_date = UTC_TIMESTAMP(6) + INTERVAL 1 DAY WHERE session_key = ?', [key]))[0] as { affectedRows: number }).affectedRows === 1,
    end: () => c.end(),
  };
}

const expiredSql = { postgres: 'SELECT session_key AS k FROM django_session WHERE expire_date < now()', mysql: 'SELECT session_key AS k FROM django_session WHERE expire_date < UTC_TIMESTAMP(6)' };

describe('sessions refreshed while a run deletes them', () => {
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
    it(`${dialect}: every session the application extended survives, every other expired one is gone, the run's total is exact`, async () => {
      db = dialect === 'postgres' ? await createPgDatabase('jf_race') : await createMysqlDatabase('jf_race');
      const seeded = await seedDjangoSessions(dialect, db.url, 12_000);
      const check = await connect(dialect, db.url);
      const expired = await check.keys(expiredSql[dialect]);
      const all = new Set(await check.keys('SELECT session_key AS k FROM django_session'));
      expect(expired).toHaveLength(seeded.expired);
      const expiredSet = new Set(expired);
      const live = [...all].filter((k) => !expiredSet.has(k));

      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '100', '--sleep-seconds', '0.02', '--json'], { env });
      let running = true;
      const exited = run.done.then((r) => {
        running = false;
        return r;
      });
      const extended = new Set<string>();
      let attempts = 0;
      let missed = 0;
      // Random expired sessions, extended one at a time on each connection until the run ends.
      const traffic = Array.from({ length: CONNECTIONS }, async () => {
        const c = await connect(dialect, db!.url);
        try {
          while (running) {
            const key = expired[Math.floor(Math.random() * expired.length)]!;
            attempts++;
            if (await c.extend(key)) extended.add(key);
            else missed++;
          }
        } finally {
          await c.end();
        }
      });
      const r = await exited;
      await Promise.all(traffic);

      expect(r.stderr).toBe('');
      const out = lines(r.stdout);
      const done = out.at(-1)!;
      expect(done).toMatchObject({ type: 'done', status: 'completed' });
      // The race really happened: extensions landed both before and after their row was deleted.
      expect(extended.size).toBeGreaterThan(50);
      expect(missed).toBeGreaterThan(0);
      expect(out.filter((l) => l.type === 'batch').length).toBeGreaterThan(20);

      const after = new Set(await check.keys('SELECT session_key AS k FROM django_session'));
      await check.end();
      const lost = [...extended].filter((k) => !after.has(k));
      expect(lost, 'extended sessions that were deleted').toEqual([]);
      const leftover = expired.filter((k) => !extended.has(k) && after.has(k));
      expect(leftover, 'expired sessions left behind').toEqual([]);
      expect(live.filter((k) => !after.has(k))).toEqual([]);
      expect(after.size).toBe(live.length + extended.size);
      expect(done.totalDeleted).toBe(all.size - after.size);
      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === out[0]!.runId);
      expect(stored).toMatchObject({ status: 'completed', totalDeleted: all.size - after.size });
      console.log(`${dialect}: ${attempts} refreshes, ${extended.size} sessions extended, ${missed} came too late (already deleted)`);
    });
  }
});

describe('an application transaction that deadlocks with a batch', () => {
  it('postgres: the batch chosen as the deadlock victim is retried; the run completes and the session the application updated survives', async () => {
    const db = await createPgDatabase('jf_deadlock');
    try {
      const seeded = await seedDjangoSessions('postgres', db.url, 10_000);
      // Rows are in insertion order: the batch reaches 5001 before 5002.
      const app = await pgClient(db.url);
      const watch = await pgClient(db.url);
      await app.query('BEGIN');
      await app.query("SELECT 1 FROM django_session WHERE session_key = md5('5002') FOR UPDATE");
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '0', '--json'], { env });
      for (let t0 = Date.now(); ; ) {
        const r = await watch.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'janitor cleanup' AND wait_event_type = 'Lock'");
        if (r.rows[0].n > 0) break;
        if (Date.now() - t0 > 60_000) throw new Error(`the batch never waited on the lock: ${run.output().slice(-500)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
      // The batch holds 5001 (deleted, uncommitted) and waits for 5002; the
      // application now wants 5001: a deadlock, and the batch waited first.
      await app.query("UPDATE django_session SET expire_date = now() + interval '1 day' WHERE session_key = md5('5001')");
      await app.query('COMMIT');
      await Promise.all([app.end(), watch.end()]);
      const r = await run.done;
      const out = lines(r.stdout);
      expect(out.some((l) => l.type === 'throttle' && l.state === 'retrying' && /deadlock/.test(String(l.reason)))).toBe(true);
      expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired - 1 });
      const c = await pgClient(db.url);
      const left = await c.query("SELECT session_key FROM django_session WHERE expire_date < $1 OR session_key = md5('5001')", [String(out[0]!.cutoff)]);
      await c.end();
      expect(left.rows).toEqual([{ session_key: (await import('node:crypto')).createHash('md5').update('5001').digest('hex') }]);
    } finally {
      await db.drop();
    }
  });
});
