// What a run leaves behind for the next person: fresh planner statistics
// (ANALYZE once it completes, unless --no-analyze), and a record of which
// batches ran with which settings (`runs show`), through the real CLI.
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitor, janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';
import { seedDjangoSessions, type Dialect } from '../helpers/session-tables';

const store = useTempStore();
const env = { DATABASE_URL: store };
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/**
 * The planner's row estimate. On InnoDB the persistent statistics' n_rows,
 * which only a recalculation (ANALYZE TABLE, or the automatic one switched off
 * below) changes; information_schema's TABLE_ROWS follows deletes live there.
 */
async function rowEstimate(dialect: Dialect, url: string): Promise<number> {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    const { rows } = await c.query("SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'django_session'");
    await c.end();
    return rows[0].n;
  }
  const c = await mysqlConn(url);
  const [rows] = await c.query("SELECT n_rows AS n FROM mysql.innodb_table_stats WHERE database_name = DATABASE() AND table_name = 'django_session'");
  await c.end();
  return Number((rows as { n: number }[])[0]!.n);
}

/** Background statistics off, so only Janitor can refresh them while the test looks. */
async function noAutoStats(dialect: Dialect, url: string) {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    await c.query('ALTER TABLE django_session SET (autovacuum_enabled = false)');
    await c.end();
  } else {
    const c = await mysqlConn(url);
    await c.query('ALTER TABLE django_session STATS_AUTO_RECALC = 0');
    await c.end();
  }
}

for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
  describe(`after a run on ${dialect}`, () => {
    const dbs: TestDb[] = [];
    const fresh = async (rows: number) => {
      const db = dialect === 'postgres' ? await createPgDatabase('jafter') : await createMysqlDatabase('jafter');
      dbs.push(db);
      const seeded = await seedDjangoSessions(dialect, db.url, rows);
      await noAutoStats(dialect, db.url);
      return { db, ...seeded };
    };
    afterAll(async () => {
      for (const db of dbs) await db.drop();
    });

    it('a completed cleanup refreshes the row estimate (ANALYZE); with --no-analyze it stays stale', async () => {
      const a = await fresh(20_000);
      expect(await rowEstimate(dialect, a.db.url)).toBeGreaterThan(15_000);
      const run = janitor(['cleanup', '--url', a.db.url, '--table', 'django_session', '--delete-count', '5000', '--sleep-seconds', '0'], { env });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^statistics refreshed \(ANALYZE\) in /m);
      const after = await rowEstimate(dialect, a.db.url);
      expect(after).toBeLessThan(a.live * 2);

      const b = await fresh(20_000);
      const stale = janitor(['cleanup', '--url', b.db.url, '--table', 'django_session', '--delete-count', '5000', '--sleep-seconds', '0', '--no-analyze'], { env });
      expect(stale.status, stale.stderr).toBe(0);
      expect(stale.stdout).not.toMatch(/ANALYZE/);
      expect(await rowEstimate(dialect, b.db.url)).toBeGreaterThan(15_000);
    });

    it('runs show lists which batches ran with which settings after a change mid-run', async () => {
      const a = await fresh(20_000);
      const run = janitorAsync(['cleanup', '--url', a.db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '0.3', '--json'], { env });
      const t0 = Date.now();
      while (lines(run.output()).filter((l) => l.type === 'batch').length < 2) {
        if (Date.now() - t0 > 60_000 || run.child.exitCode !== null) throw new Error(`no batches: ${run.errors()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const { runId } = lines(run.output()).find((l) => l.type === 'start');
      const { changeKnobs } = await import('@/lib/cleanup/control-run');
      await changeKnobs(runId, { deleteCount: 4000, sleepSeconds: 0 }, 'tester');
      const done = await run.done;
      expect(done.status, done.stderr).toBe(0);

      const shown = janitor(['runs', 'show', runId], { env });
      expect(shown.status, shown.stderr).toBe(0);
      const history = shown.stdout.split('\n').filter((l) => /^ {2}(batches|from batch)/.test(l));
      expect(history).toHaveLength(2);
      const switchAt = Number(/^ {2}from batch (\d+):/.exec(history[1]!)![1]);
      expect(switchAt).toBeGreaterThan(2);
      expect(history[0]).toBe(`  batches 1-${switchAt - 1}: delete count 1,000, sleep 0.3 s`);
      expect(history[1]).toBe(`  from batch ${switchAt}: delete count 1,000 → 4,000, sleep 0.3 s → 0 s`);

      const json = JSON.parse(janitor(['runs', 'show', runId, '--json'], { env }).stdout);
      expect(json.settingsByBatch.map((s: { fromBatch: number; deleteCount: number; sleepSeconds: number }) => [s.fromBatch, s.deleteCount, s.sleepSeconds])).toEqual([
        [1, 1000, 0.3],
        [switchAt, 4000, 0],
      ]);
    });
  });
}
