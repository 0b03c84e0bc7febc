// A schedule every minute for three minutes, worked by two `janitor worker`
// processes on a PostgreSQL store (pg-boss): each occurrence fires once across
// the fleet, the one that finds its table busy is recorded as skipped, and a
// completed run is followed by the reclaim the schedule asked for. (In the
// integration project, beside the other files: it mostly waits for the clock.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { createTempStore, queryStore, type TempStore } from '../helpers/temp-store';
import { seedDjangoSessions } from '../helpers/session-tables';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { janitor, janitorAsync } from '../helpers/cli';
import { until } from '../helpers/until';

describe('a schedule every minute, worked by two workers', () => {
  let store: TempStore;
  let target: TestDb;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    store = await createTempStore('postgres');
    target = await createPgDatabase('jf_sched');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await target?.drop();
    await store?.drop();
  });

  it('fires each of three occurrences once across the fleet; the one that finds the table busy is recorded as skipped', async () => {
    await seedDjangoSessions('postgres', target.url, 3_000);
    const env = { DATABASE_URL: store.url, JANITOR_TARGET_MAIN: target.url };
    workers = [startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } }), startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } })];
    await Promise.all(workers.map((w) => w.id));
    const added = janitor(['schedules', 'add', '--target', 'main', '--table', 'django_session', '--preset', 'django', '--cron', '* * * * *', '--tz', 'Europe/Berlin', '--sleep-seconds', '0.1', '--then', 'vacuum', '--json'], { env });
    expect(added.stderr).toBe('');
    const schedule = JSON.parse(added.stdout) as { id: string; next: string[] };
    const occurrences = async () =>
      (await queryStore(store.url, 'SELECT "dueAt"::text AS "dueAt", "status", "reason", "runId" FROM "ScheduleOccurrence" WHERE "scheduleId" = ? ORDER BY "dueAt"', [schedule.id])) as {
        dueAt: string;
        status: string;
        reason: string | null;
        runId: string | null;
      }[];
    const runStatus = async (id: string) => String((await queryStore(store.url, 'SELECT "status" FROM "Run" WHERE "id" = ?', [id]))[0]?.status);

    // 1: fires and completes.
    const first = await until('the first occurrence', async () => ((await occurrences())[0]?.runId ? (await occurrences())[0] : null), 90_000);
    expect(first.status).toBe('started');
    await until('its run to complete', async () => (await runStatus(first.runId!)) === 'completed', 60_000);

    // 2: a paused run holds the table when it falls due.
    await seedMoreExpired(target.url);
    // An operator's foreground run, paused by another process: it keeps the table.
    const fg = janitorAsync(['cleanup', '--target', 'main', '--table', 'django_session', '--preset', 'django', '--delete-count', '10', '--sleep-seconds', '60', '--json'], { env });
    const blocking = await until('the foreground run to start', async () => /"runId":"([^"]+)"/.exec(fg.output())?.[1] ?? null, 60_000);
    await until('its first batch', async () => /"type":"batch"/.test(fg.output()), 60_000);
    expect(janitor(['runs', 'pause', blocking], { env }).status).toBe(0);
    await fg.done;
    expect(await runStatus(blocking)).toBe('paused');
    // The occurrence is claimed as started before the start is tried, then settled: wait for the settled row.
    const second = await until('the second occurrence to settle', async () => {
      const o = (await occurrences())[1];
      return o && (o.status !== 'started' || o.runId) ? o : null;
    }, 90_000);
    expect(second).toMatchObject({ status: 'skipped', runId: blocking });
    expect(second.reason).toMatch(/already running/);

    // 3: the table is free again.
    expect(janitor(['runs', 'cancel', blocking], { env }).status).toBe(0);
    const third = await until('the third occurrence', async () => ((await occurrences())[2]?.runId ? (await occurrences())[2] : null), 90_000);
    expect(third.status).toBe('started');
    await until('its run to complete', async () => (await runStatus(third.runId!)) === 'completed', 60_000);
    expect(janitor(['schedules', 'pause', schedule.id], { env }).status).toBe(0);

    const all = await occurrences();
    expect(all.map((o) => o.status)).toEqual(['started', 'skipped', 'started']);
    // A minute apart, each once; exactly two runs carry the schedule.
    const minutes = all.map((o) => Date.parse(`${o.dueAt.replace(' ', 'T')}Z`) / 60_000);
    expect([minutes[1]! - minutes[0]!, minutes[2]! - minutes[1]!]).toEqual([1, 1]);
    const runs = await queryStore(store.url, 'SELECT "id" FROM "Run" WHERE "scheduleId" = ?', [schedule.id]);
    expect(runs.map((r) => r.id).sort()).toEqual([first.runId, third.runId].sort());
    // Each completed run was followed by the VACUUM its schedule asked for.
    const vacuums = await until('both VACUUMs', async () => {
      const ops = await queryStore(store.url, 'SELECT "mode", "status" FROM "Operation"');
      return ops.length === 2 && ops.every((o) => o.status !== 'running') ? ops : null;
    });
    expect(vacuums).toEqual([{ mode: 'vacuum', status: 'completed' }, { mode: 'vacuum', status: 'completed' }]);
    const list = JSON.parse(janitor(['schedules', 'list', '--json'], { env }).stdout) as { id: string; paused: boolean; last: { status: string; runStatus: string | null }[] }[];
    expect(list[0]).toMatchObject({ id: schedule.id, paused: true });
    expect(list[0]!.last.map((l) => [l.status, l.runStatus])).toEqual([['started', 'completed'], ['skipped', null], ['started', 'completed']]);
  }, 300_000); // three minutes of the clock, and the runs
});

async function seedMoreExpired(url: string) {
  const c = await pgClient(url);
  await c.query(`INSERT INTO django_session SELECT md5('more' || i), 'x', now() - interval '1 day' FROM generate_series(1, 500) i`);
  await c.end();
}
