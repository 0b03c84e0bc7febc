// Workers of a fleet without a web server (issue: schedules and a fleet): two
// `janitor worker` processes on a PostgreSQL store, pg-boss handing out the
// runs. A worker killed mid-run on a host that is gone is replaced once its
// lease lapses, without anyone pressing anything, with exact totals; four
// tables in two targets are worked four at once across the two workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { createTempStore, queryStore, type TempStore } from '../helpers/temp-store';
import { countSessions, seedDjangoSessions } from '../helpers/session-tables';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { janitor, janitorAsync } from '../helpers/cli';
import { until } from '../helpers/until';

type StoredRun = { id: string; status: string; owner: string | null; totalDeleted: number; batchCount: number; takeovers: number; cutoff: string | null };

async function storedRun(store: TempStore, id: string): Promise<StoredRun> {
  // The cutoff as text: node-pg would read a TIMESTAMP (UTC wall-clock) in this process's zone.
  const [r] = await queryStore(store.url, 'SELECT "id", "status", "owner", "totalDeleted", "batchCount", "takeovers", "cutoff"::text AS "cutoff" FROM "Run" WHERE "id" = ?', [id]);
  if (!r) throw new Error(`run ${id} is not in the store`);
  return { ...(r as StoredRun), cutoff: r.cutoff ? new Date(`${String(r.cutoff).replace(' ', 'T')}Z`).toISOString() : null };
}

describe('a worker killed with kill -9 on a host that is gone', () => {
  let store: TempStore;
  let target: TestDb;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    store = await createTempStore('postgres');
    target = await createPgDatabase('jf_takeover');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await target?.drop();
    await store?.drop();
  });

  it('the other worker takes the run over once the lease lapses and completes it with exact totals; the takeover is recorded', async () => {
    const seeded = await seedDjangoSessions('postgres', target.url, 15_000);
    // Two "hosts": neither can see the other's pids, so only the lease tells a dead worker.
    workers = [
      startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url }, host: 'fleet-host-a' }),
      startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url }, host: 'fleet-host-b' }),
    ];
    const ids = await Promise.all(workers.map((w) => w.id));
    const env = { DATABASE_URL: store.url, JANITOR_TARGET_MAIN: target.url };
    const q = janitor(['cleanup', '--target', 'main', '--table', 'django_session', '--delete-count', '300', '--sleep-seconds', '0.3', '--detach', '--json'], { env });
    expect(q.stderr).toBe('');
    const { type, runId } = JSON.parse(q.stdout) as { type: string; runId: string };
    expect(type).toBe('queued');

    const before = await until('three batches', async () => {
      const r = await storedRun(store, runId);
      return r.status === 'running' && r.batchCount >= 3 ? r : null;
    });
    const victim = workers[ids.indexOf(before.owner!)]!;
    const survivor = ids.find((i) => i !== before.owner)!;
    await victim.kill9();
    const killedAt = Date.now();

    const taken = await until(
      'the other worker to take the run over',
      async () => {
        const r = await storedRun(store, runId);
        return r.owner === survivor && r.status === 'running' ? r : null;
      },
      90_000,
    );
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    // The lease is 30 s; the takeover follows within a sweep (5 s) and the new worker's start.
    console.log(`fleet: takeover after kill -9 of a worker on another host: ${takeoverSeconds.toFixed(1)} s (lease 30 s)`);
    expect(takeoverSeconds).toBeLessThan(60);
    expect(taken.takeovers).toBe(1);

    const done = await until('the run to complete', async () => {
      const r = await storedRun(store, runId);
      return r.status === 'completed' ? r : null;
    }, 120_000);
    expect(done.totalDeleted).toBe(seeded.expired);
    const [{ n }] = (await queryStore(store.url, 'SELECT COALESCE(SUM("deleted"), 0)::int AS n FROM "Batch" WHERE "runId" = ?', [runId])) as [{ n: number }];
    expect(n).toBe(seeded.expired);
    expect(await countSessions('postgres', target.url, new Date(done.cutoff!))).toEqual({ total: seeded.live, expired: 0 });
    const audit = await queryStore(store.url, 'SELECT "action", "detail" FROM "AuditLog" WHERE "action" = ? ', ['cleanup.takeover']);
    expect(audit.map((a) => String(a.detail))).toEqual([expect.stringContaining(runId)]);
  }, 240_000);
});

describe('four tables in two targets, two workers with concurrency 2', () => {
  let store: TempStore;
  const targets: TestDb[] = [];
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    store = await createTempStore('postgres');
    targets.push(await createPgDatabase('jf_four_a'), await createPgDatabase('jf_four_b'));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    for (const t of targets) await t.drop();
    await store?.drop();
  });

  it('all four complete with exact totals, four at once across the two workers', async () => {
    const { pgClient } = await import('../helpers/databases');
    const tables = ['django_session', 'admin_session'];
    let seeded = { expired: 0, live: 0 };
    for (const t of targets) {
      seeded = await seedDjangoSessions('postgres', t.url, 6_000);
      const c = await pgClient(t.url);
      await c.query('CREATE TABLE admin_session (LIKE django_session INCLUDING ALL); INSERT INTO admin_session SELECT * FROM django_session; ANALYZE admin_session');
      await c.end();
    }
    const targetEnv = { a: targets[0]!.url, b: targets[1]!.url };
    workers = [startWorkerProcess({ databaseUrl: store.url, targets: targetEnv }), startWorkerProcess({ databaseUrl: store.url, targets: targetEnv })];
    await Promise.all(workers.map((w) => w.id));
    const env = { DATABASE_URL: store.url, JANITOR_TARGET_A: targetEnv.a, JANITOR_TARGET_B: targetEnv.b };
    // Queued at the same moment, so four are waiting when the workers look.
    const queued = await Promise.all(
      ['a', 'b'].flatMap((target) =>
        tables.map((table) => janitorAsync(['cleanup', '--target', target, '--table', table, '--preset', 'django', '--delete-count', '100', '--sleep-seconds', '0.3', '--detach', '--json'], { env }).done),
      ),
    );
    for (const q of queued) expect(q.stderr).toBe('');
    let mostAtOnce = 0;
    const owners = new Set<string>();
    await until(
      'all four runs to complete',
      async () => {
        const rows = (await queryStore(store.url, 'SELECT "status", "owner" FROM "Run"')) as { status: string; owner: string | null }[];
        const running = rows.filter((r) => r.status === 'running');
        mostAtOnce = Math.max(mostAtOnce, running.length);
        for (const r of running) owners.add(r.owner!);
        return rows.length === 4 && rows.every((r) => r.status === 'completed');
      },
      150_000,
    );
    // Each worker takes two at a time: four at once means both worked.
    expect(mostAtOnce).toBe(4);
    expect(owners.size).toBe(2);
    const totals = await queryStore(store.url, 'SELECT "totalDeleted" FROM "Run"');
    expect(totals.map((r) => Number(r.totalDeleted))).toEqual([seeded.expired, seeded.expired, seeded.expired, seeded.expired]);
    for (const t of targets) {
      const c = await pgClient(t.url);
      for (const table of tables) {
        const { rows } = await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE expire_date < now())::int AS expired FROM ${table}`);
        expect(rows[0]).toEqual({ n: seeded.live, expired: 0 });
      }
      await c.end();
    }
  }, 240_000);
});

describe('a worker stopped with SIGTERM (a deploy, systemctl stop)', () => {
  let store: TempStore;
  let target: TestDb;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    store = await createTempStore('postgres');
    target = await createPgDatabase('jf_handback');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await target?.drop();
    await store?.drop();
  });

  it('finishes its batch, hands the run back to the queue with its totals, and the next worker completes it exact; no takeover', async () => {
    const seeded = await seedDjangoSessions('postgres', target.url, 15_000);
    const env = { DATABASE_URL: store.url, JANITOR_TARGET_MAIN: target.url };
    workers = [startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } })];
    await workers[0]!.id;
    const q = janitor(['cleanup', '--target', 'main', '--table', 'django_session', '--delete-count', '300', '--sleep-seconds', '0.3', '--detach', '--json'], { env });
    expect(q.stderr).toBe('');
    const { runId } = JSON.parse(q.stdout) as { runId: string };
    await until('three batches', async () => {
      const r = await storedRun(store, runId);
      return r.status === 'running' && r.batchCount >= 3 ? r : null;
    });

    const stoppedAt = Date.now();
    await workers[0]!.stop();
    // Its batch and one sleep at most, not the 30 s the helper would wait before a kill -9.
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const handed = await storedRun(store, runId);
    expect(handed.status).toBe('queued');
    expect(handed.owner).toBeNull();
    expect(handed.totalDeleted).toBeGreaterThan(0);
    expect(handed.totalDeleted).toBeLessThan(seeded.expired);
    // Everything the stored batches deleted has left the target, and no more.
    const [{ n: batchSum }] = (await queryStore(store.url, 'SELECT COALESCE(SUM("deleted"), 0) AS n FROM "Batch" WHERE "runId" = ?', [runId])) as [{ n: number }];
    expect(Number(batchSum)).toBe(handed.totalDeleted);
    expect((await countSessions('postgres', target.url, new Date(handed.cutoff!))).expired).toBe(seeded.expired - handed.totalDeleted);
    expect(workers[0]!.logs()).toContain(`worker: run ${runId} handed back to the queue at batch ${handed.batchCount}`);

    workers.push(startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } }));
    const done = await until('the next worker to complete the run', async () => {
      const r = await storedRun(store, runId);
      return r.status === 'completed' ? r : null;
    }, 120_000);
    expect(done.totalDeleted).toBe(seeded.expired);
    expect(done.owner).toBe(await workers[1]!.id);
    expect(done.takeovers).toBe(0);
    expect(await countSessions('postgres', target.url, new Date(done.cutoff!))).toEqual({ total: seeded.live, expired: 0 });
  }, 180_000);
});
