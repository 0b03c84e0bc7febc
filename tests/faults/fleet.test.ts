// The fleet (issue: schedules and a fleet): a PostgreSQL store shared by two
// web instances and two `janitor worker` processes, pg-boss handing out the
// runs. What a team running Janitor on several machines relies on: a run
// started on one instance is worked by a worker and watched and paused from
// another; a worker killed mid-run is replaced without anyone pressing
// anything, with exact totals; a schedule fires each occurrence once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { createTempStore, queryStore, type TempStore } from '../helpers/temp-store';
import { countSessions, seedDjangoSessions } from '../helpers/session-tables';
import { fillKnobs, openCleanupForm, pressStart, runJson, waitForRun, waitForStatus } from '../helpers/cleanup-web';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


type StoredRun = { id: string; status: string; owner: string | null; totalDeleted: number; batchCount: number; takeovers: number; cutoff: string | null; scheduleId: string | null };

async function storedRun(store: TempStore, id: string): Promise<StoredRun> {
  // The cutoff as text: node-pg would read a TIMESTAMP (UTC wall-clock) in this process's zone.
  const [r] = await queryStore(store.url, 'SELECT "id", "status", "owner", "totalDeleted", "batchCount", "takeovers", "cutoff"::text AS "cutoff", "scheduleId" FROM "Run" WHERE "id" = ?', [id]);
  if (!r) throw new Error(`run ${id} is not in the store`);
  return { ...(r as StoredRun), cutoff: r.cutoff ? new Date(`${String(r.cutoff).replace(' ', 'T')}Z`).toISOString() : null };
}

describe('two web instances and two workers on one PostgreSQL store', () => {
  let store: TempStore;
  let target: TestDb;
  let seeded: { expired: number; live: number };
  let web1: AppServer;
  let web2: AppServer;
  let workers: WorkerProcess[] = [];
  let browser: Browser;

  beforeAll(async () => {
    store = await createTempStore('postgres');
    target = await createPgDatabase('jf_fleet');
    seeded = await seedDjangoSessions('postgres', target.url, 12_000);
    // The web instances leave the work to the workers (janitor serve --no-worker).
    web1 = await startApp({ targets: { main: target.url }, emptyStoreUrl: store.url, env: { JANITOR_WORKER: 'off' } });
    web2 = await startApp({ targets: { main: target.url }, store: web1, env: { JANITOR_WORKER: 'off' } });
    workers = [startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } }), startWorkerProcess({ databaseUrl: store.url, targets: { main: target.url } })];
    await Promise.all(workers.map((w) => w.id));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await web1?.stop();
    await web2?.stop();
    await target?.drop();
    await store?.drop();
  });

  it('a cleanup started on instance 1 is worked by a worker, streams on instance 2, and a pause there is honoured', async () => {
    const p1: Page = await (await browser.newContext()).newPage();
    const p2: Page = await (await browser.newContext()).newPage();
    await web1.signIn(p1, web1.operator);
    await web2.signIn(p2, web2.operator);
    await openCleanupForm(p1, web1.baseUrl, 'main');
    await fillKnobs(p1, { deleteCount: 300, sleepSeconds: 0.3 });
    const started = await pressStart(p1);
    if (!('started' in started)) throw new Error(`not started: ${started.refused}`);
    const runId = started.started;

    // Instance 2 shows it going, batch by batch, without a reload.
    await p2.goto(`${web2.baseUrl}/runs/${runId}`);
    await waitForStatus(p2, 'running');
    const seen = await waitForRun(p2, web2.baseUrl, runId, (r) => r.batchCount >= 2);
    const deletedCell = p2.getByTestId('rows-deleted');
    await expect.poll(async () => Number(((await deletedCell.textContent()) ?? '').replace(/[^0-9]/g, '')), { timeout: 30_000 }).toBeGreaterThan(seen.totalDeleted);
    // Worked by one of the two workers, not by a web instance.
    const ids = await Promise.all(workers.map((w) => w.id));
    expect(ids).toContain((await storedRun(store, runId)).owner);

    // Pause on instance 2: the worker stops after its batch, wherever it runs.
    await p2.getByRole('button', { name: 'Pause' }).click();
    await waitForStatus(p2, 'paused', 30_000);
    const paused = await runJson(p2, web2.baseUrl, runId);
    const left = await countSessions('postgres', target.url, new Date(paused.cutoff));
    expect(seeded.expired - left.expired).toBe(paused.totalDeleted);
    await sleep(1_500);
    expect(await countSessions('postgres', target.url, new Date(paused.cutoff))).toEqual(left);

    // Resume on instance 1; a worker completes it, exact.
    await p1.goto(`${web1.baseUrl}/runs/${runId}`);
    await p1.getByRole('button', { name: 'Resume' }).click();
    await waitForStatus(p1, 'completed', 90_000);
    expect(await runJson(p1, web1.baseUrl, runId)).toMatchObject({ status: 'completed', totalDeleted: seeded.expired });
    expect(await countSessions('postgres', target.url, new Date(paused.cutoff))).toEqual({ total: seeded.live, expired: 0 });
  });
});
