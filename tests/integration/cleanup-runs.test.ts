// Durable runs through the real CLI: a run killed mid-way resumes to the exact
// outcome, two simultaneous starts give one run, SIGINT records "cancelled",
// pause and knob changes reach a running worker, bad input deletes nothing.
// On the SQLite store (the default) with both target dialects, and on a
// PostgreSQL store with a PostgreSQL target: the per-batch writes, the totals
// and one active run per table are the store's as much as the target's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, type TestDb } from '../helpers/databases';
import { janitor, janitorAsync } from '../helpers/cli';
import { useStoreOfKind, type StoreKind } from '../helpers/temp-store';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';

const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const waitFor = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const cases: [Dialect, StoreKind][] = [
  ['postgres', 'sqlite'],
  ['mysql', 'sqlite'],
  ['postgres', 'postgres'],
];

for (const [dialect, storeKind] of cases) {
  describe(`durable cleanup runs on ${dialect}${storeKind === 'postgres' ? ', store on PostgreSQL' : ''}`, () => {
    const store = useStoreOfKind(storeKind);
    const env = { DATABASE_URL: '' };
    beforeAll(() => {
      env.DATABASE_URL = store.url;
    });
    let db: TestDb;
    const fresh = async (rows: number) => {
      await db?.drop();
      db = dialect === 'postgres' ? await createPgDatabase('jrun') : await createMysqlDatabase('jrun');
      return seedDjangoSessions(dialect, db.url, rows);
    };
    afterAll(async () => db?.drop());

    it('a run killed with kill -9 shows as interrupted, and resuming it ends with exactly the expired rows gone and the totals right', async () => {
      const seeded = await fresh(40_000);
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '2000', '--sleep-seconds', '0.3', '--json'], { env });
      // A batch line is printed after the batch is stored; the worker then sleeps, so the kill lands between batches.
      await waitFor(() => lines(run.output()).filter((l) => l.type === 'batch').length >= 3);
      run.child.kill('SIGKILL');
      await run.done;
      const start = lines(run.output()).find((l) => l.type === 'start');
      const cutoff = new Date(start.cutoff);

      const listed = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout);
      const stored = listed.find((r: { id: string }) => r.id === start.runId);
      expect(stored.status).toBe('interrupted');
      expect(stored.totalDeleted).toBeGreaterThan(0);
      expect(stored.totalDeleted).toBeLessThan(seeded.expired);

      const resumed = janitor(['runs', 'resume', start.runId, '--url', db.url, '--json'], { env });
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      const done = lines(resumed.stdout).at(-1);
      expect(done).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });

      const left = await countSessions(dialect, db.url, cutoff);
      expect(left).toEqual({ total: seeded.live, expired: 0 });
      const after = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((r: { id: string }) => r.id === start.runId);
      expect(after).toMatchObject({ status: 'completed', totalDeleted: seeded.expired });
    });

    it('two CLI starts at the same moment yield exactly one run; the other is told it is already running', async () => {
      const seeded = await fresh(20_000);
      // The winner's run lasts about 16 s (16 batches, 1 s apart): on a busy machine
      // one CLI can start seconds after the other, and a run over before the second
      // one starts would let both win.
      const args = ['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '1', '--json'];
      const [a, b] = [janitorAsync(args, { env }), janitorAsync(args, { env })];
      const [ra, rb] = await Promise.all([a.done, b.done]);
      const results = [ra, rb];
      const winners = results.filter((r) => r.status === 0);
      const losers = results.filter((r) => r.status !== 0);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.stderr).toMatch(/^janitor: a cleanup of \S+\.django_session is already running/);
      expect(lines(winners[0]!.stdout).at(-1)).toMatchObject({ status: 'completed', totalDeleted: seeded.expired });
    });

    it('SIGINT finishes the current batch, records the run as cancelled and exits cleanly', async () => {
      const seeded = await fresh(20_000);
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '0.2', '--json'], { env });
      await waitFor(() => lines(run.output()).some((l) => l.type === 'batch'));
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.status).toBe(130);
      const out = lines(r.stdout);
      const done = out.at(-1);
      expect(done).toMatchObject({ type: 'done', status: 'cancelled' });
      const batchTotal = out.filter((l) => l.type === 'batch').at(-1).totalDeleted;
      expect(done.totalDeleted).toBe(batchTotal);
      const left = await countSessions(dialect, db.url, new Date());
      expect(left.total).toBe(seeded.live + seeded.expired - done.totalDeleted);
      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === out[0].runId);
      expect(stored).toMatchObject({ status: 'cancelled', totalDeleted: done.totalDeleted });
    });

    it('a pause from another process stops the run after its batch; knobs changed meanwhile apply on resume', async () => {
      await fresh(20_000);
      // 2 s between batches: the pause comes from a second CLI, whose start-up takes
      // seconds on a busy machine, and must arrive before the run's 32 batches are done.
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '500', '--sleep-seconds', '2', '--json'], { env });
      await waitFor(() => lines(run.output()).some((l) => l.type === 'batch'));
      const runId = lines(run.output())[0].runId;
      const paused = janitor(['runs', 'pause', runId], { env });
      expect(paused.stdout).toContain('pause requested');
      const r = await run.done;
      expect(lines(r.stdout).at(-1)).toMatchObject({ status: 'paused' });
      // in this process, on the store useStoreOfKind pointed it at
      const { changeKnobs } = await import('@/lib/cleanup/control-run');
      const batchesSoFar = lines(r.stdout).filter((l) => l.type === 'batch').length;
      await changeKnobs(runId, { iterationCount: batchesSoFar + 2, sleepSeconds: 0 }, 'tester');
      const resumed = janitor(['runs', 'resume', runId, '--url', db.url, '--json'], { env });
      const out = lines(resumed.stdout);
      expect(out.filter((l) => l.type === 'batch')).toHaveLength(2);
      expect(out.at(-1)).toMatchObject({ status: 'completed', batches: batchesSoFar + 2 });
    });

    it('refuses bad input before deleting anything', async () => {
      const seeded = await fresh(2_000);
      const cases: [string[], RegExp][] = [
        [['--table', 'no_such_table'], /no_such_table.*(does not exist|not found)/i],
        [['--table', 'django_session', '--expiry-column', 'nope', '--expiry-type', 'timestamp'], /nope/],
        [['--table', 'django_session', '--expiry-column', 'session_data', '--expiry-type', 'timestamp'], /session_data/],
        [['--table', 'django_session', '--delete-count=-5'], /^janitor: Delete count must be at least 1$/],
        [['--table', 'django_session', '--sleep-seconds', 'abc'], /^janitor: Sleep seconds must be a number$/],
        [['--table', 'django_session', '--delete-count', '99999999999'], /^janitor: Delete count must be at most/],
        [['--table', 'django_session', '--preset', 'drupal'], /^janitor: Preset must be one of/],
        [['--table', "x'; DROP TABLE django_session; --"], /does not exist|not found/i],
      ];
      for (const [args, message] of cases) {
        const r = janitor(['cleanup', '--url', db.url, ...args], { env });
        expect(r.status, args.join(' ')).not.toBe(0);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr.trim()).toMatch(message);
      }
      const wrongDialect = janitor(['cleanup', '--url', db.url.replace(/^(postgresql|mysql):/, dialect === 'postgres' ? 'mysql:' : 'postgresql:'), '--table', 'django_session'], { env });
      expect(wrongDialect.status).not.toBe(0);
      expect(wrongDialect.stderr.trim().split('\n')).toHaveLength(1);
      const left = await countSessions(dialect, db.url, new Date());
      expect(left.total).toBe(seeded.expired + seeded.live);
    });
  });
}
