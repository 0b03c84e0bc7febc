// "Log everyone out" through the real CLI on both dialects: without --yes it
// refuses, says how many sessions it would end and deletes nothing; with --yes
// a graceful run deletes every session, expired or not; --instant truncates;
// both are refused while a cleanup run is active on the table, and TRUNCATE
// gives up after its lock timeout (naming the session in the way) instead of
// queueing the table's readers behind it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitor, janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';
import { resetEnvCache } from '@/lib/env';
import { store, closeStore } from '@/lib/store/client';

const storeUrl = useTempStore();
const env = { DATABASE_URL: storeUrl };
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const fmt = (n: number) => n.toLocaleString('en-US');
const waitFor = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** Every row, expired or not: log-everyone-out leaves none. */
const allRows = async (dialect: Dialect, url: string) => (await countSessions(dialect, url, new Date())).total;

beforeAll(() => resetEnvCache());
afterAll(async () => closeStore());

for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
  describe(`janitor logout-all on ${dialect}`, () => {
    let db: TestDb;
    const fresh = async (rows: number) => {
      await db?.drop();
      db = dialect === 'postgres' ? await createPgDatabase('jlogout') : await createMysqlDatabase('jlogout');
      return seedDjangoSessions(dialect, db.url, rows);
    };
    const idLabel = dialect === 'postgres' ? 'pid' : 'connection';
    const background: Array<ReturnType<typeof janitorAsync>> = [];
    afterEach(async () => {
      for (const b of background.splice(0)) {
        if (b.child.exitCode === null) b.child.kill('SIGKILL');
        await b.done;
      }
    });
    afterAll(async () => db?.drop());

    it('without --yes it refuses in one line saying how many sessions it would end, and deletes nothing', async () => {
      await fresh(3_000);
      const r = janitor(['logout-all', '--url', db.url, '--table', 'django_session'], { env });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([`janitor: refusing to log everyone out without --yes: it would end ${fmt(3_000)} sessions in ${dialect === 'postgres' ? 'public' : db.name}.django_session`]);
      const instant = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--instant'], { env });
      expect(instant.status).toBe(2);
      expect(instant.stderr).toContain('(TRUNCATE)');
      expect(await allRows(dialect, db.url)).toBe(3_000);
    });

    it('with --yes a graceful run deletes every session, expired and live, in batches', async () => {
      const seeded = await fresh(12_000);
      expect(seeded.live).toBeGreaterThan(0);
      const r = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--delete-count', '2000', '--sleep-seconds', '0', '--json'], { env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = lines(r.stdout);
      expect(out[0]).toMatchObject({ type: 'start', expired: 12_000 });
      expect(out.filter((l) => l.type === 'batch').length).toBeGreaterThan(1);
      expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: 12_000 });
      expect(await allRows(dialect, db.url)).toBe(0);

      const runs = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout) as Array<{ id: string; kind: string; status: string }>;
      expect(runs.find((x) => x.id === out[0].runId)).toMatchObject({ kind: 'logout-all', status: 'completed' });
    });

    it('--instant truncates the table and says how many sessions it removed; the audit log has it', async () => {
      await fresh(5_000);
      const r = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--instant', '--json'], { env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(lines(r.stdout).at(-1)).toMatchObject({ type: 'done', status: 'completed', method: 'truncate', table: 'django_session', removed: 5_000 });
      expect(await allRows(dialect, db.url)).toBe(0);

      const plain = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--instant'], { env });
      expect(plain.stdout).toMatch(/^logged everyone out: TRUNCATE removed 0 sessions from \S+\.django_session in [\d.]+ s$/m);

      const audit = await (await store()).auditLog.findMany({ where: { action: 'logout-all.instant' }, orderBy: { id: 'asc' } });
      expect(audit.at(-2)).toMatchObject({ actor: 'cli', outcome: 'ok' });
      expect(JSON.parse(audit.at(-2)!.detail!)).toMatchObject({ removed: 5_000, method: 'truncate' });
    });

    it('both ways are refused while a cleanup run is active on the table, and nothing is deleted', async () => {
      const seeded = await fresh(20_000);
      // A slow cleanup: small batches with long sleeps, so it is still going while the test asks.
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '100', '--sleep-seconds', '2', '--json'], { env });
      background.push(run);
      await waitFor(() => lines(run.output()).some((l) => l.type === 'batch'));
      const runId = lines(run.output()).find((l) => l.type === 'start').runId as string;

      const instant = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--instant'], { env });
      expect(instant.status).toBe(1);
      expect(instant.stderr.trim()).toMatch(new RegExp(`^janitor: a cleanup run \\(${runId}\\) is running on \\S+\\.django_session; let it end or cancel it first$`));
      const graceful = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes'], { env });
      expect(graceful.status).not.toBe(0);
      expect(graceful.stderr).toContain(`already running (run ${runId})`);

      // Only the cleanup's own batches went: every live session is still there.
      run.child.kill('SIGINT');
      const ended = await run.done;
      const deletedByRun = lines(ended.stdout).at(-1).totalDeleted as number;
      const left = await countSessions(dialect, db.url, new Date());
      expect(left.total).toBe(20_000 - deletedByRun);
      expect(left.total - left.expired).toBe(seeded.live);
    });

    it('--instant gives up after its lock timeout while a transaction holds the table, names it, and removes nothing', async () => {
      await fresh(2_000);
      let holder: number;
      let release: () => Promise<void>;
      if (dialect === 'postgres') {
        const c = await pgClient(db.url);
        await c.query('BEGIN');
        await c.query('SELECT count(*) FROM django_session');
        holder = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        release = async () => {
          await c.query('COMMIT');
          await c.end();
        };
      } else {
        const c = await mysqlConn(db.url);
        await c.query('START TRANSACTION');
        await c.query('SELECT COUNT(*) FROM django_session');
        holder = Number(((await c.query('SELECT CONNECTION_ID() AS id')) as unknown as [Array<{ id: number }>])[0][0]!.id);
        release = async () => {
          await c.query('COMMIT');
          await c.end();
        };
      }
      try {
        // The holder keeps its lock until after the command ends, so a TRUNCATE
        // without a lock timeout would wait forever. "could not get its lock" is
        // said only for the server's lock-timeout error, so it gave up on its
        // 1 s timeout. (Its wall time, which includes the CLI's start-up of
        // several seconds on a busy machine, measured nothing of that.)
        const r = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--instant', '--lock-timeout', '1'], { env });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('TRUNCATE could not get its lock on');
        expect(r.stderr).toContain('within 1 s; nothing was removed');
        expect(r.stderr).toContain(`${idLabel} ${holder}`);
      } finally {
        await release();
      }
      expect(await allRows(dialect, db.url)).toBe(2_000);
    });
  });
}

describe('janitor logout-all input', () => {
  it('a table that does not exist, or flags that do not go together, get one clear line', async () => {
    const db = await createPgDatabase('jlogout');
    try {
      await seedDjangoSessions('postgres', db.url, 10);
      const missing = janitor(['logout-all', '--url', db.url, '--table', 'no_such_table', '--yes'], { env });
      expect(missing.status).not.toBe(0);
      expect(missing.stderr.trim()).toBe('janitor: table public.no_such_table does not exist');
      const mixed = janitor(['logout-all', '--url', db.url, '--table', 'django_session', '--yes', '--instant', '--delete-count', '5'], { env });
      expect(mixed.status).toBe(2);
      expect(mixed.stderr.trim()).toBe('janitor: --instant truncates the table at once; --delete-count is a setting of the graceful run');
      expect(await allRows('postgres', db.url)).toBe(10);
    } finally {
      await db.drop();
    }
  });
});
