// The web app on a PostgreSQL store (DATABASE_URL=postgresql://…): an
// operator starts a cleanup from the browser, the run works on its own thread
// and writes its batches to the PostgreSQL store, and a second app instance
// on the same store shows the same run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions } from '../helpers/session-tables';
import { createTempStore, queryStore, type TempStore } from '../helpers/temp-store';
import { fillKnobs, openCleanupForm, pressStart, runJson, waitForRun } from '../helpers/cleanup-web';

const ROWS = 20_000;

let target: TestDb & { expired: number; live: number };
let store: TempStore;
let first: AppServer;
let second: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  return ctx.newPage();
}

beforeAll(async () => {
  const db = await createPgDatabase('jt_e2e_pgstore');
  target = { ...db, ...(await seedDjangoSessions('postgres', db.url, ROWS)) };
  store = await createTempStore('postgres');
  first = await startApp({ targets: { main: target.url }, emptyStoreUrl: store.url });
  second = await startApp({ targets: { main: target.url }, store: first });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await Promise.allSettled([first?.stop(), second?.stop()]);
  await Promise.allSettled([target?.drop(), store?.drop()]);
});

it('an operator starts a cleanup on a PostgreSQL store; it completes exact, its batches are in the store, and a second instance shows it', async () => {
  const cutoff = new Date();
  const operator = await newPage();
  await first.signIn(operator, first.operator);
  await openCleanupForm(operator, first.baseUrl, 'main');
  await fillKnobs(operator, { deleteCount: 2_000, sleepSeconds: 0 });
  const started = await pressStart(operator);
  if (!('started' in started)) throw new Error(`the cleanup did not start: ${started.refused}`);
  const runId = started.started;

  const done = await waitForRun(operator, first.baseUrl, runId, (r) => !['queued', 'running'].includes(r.status), 120_000);
  expect(done).toMatchObject({ status: 'completed', totalDeleted: target.expired, error: null });
  expect(await countSessions('postgres', target.url, cutoff)).toEqual({ total: target.live, expired: 0 });

  // What the per-batch writes left in the PostgreSQL store adds up to the run's total.
  const [batches] = await queryStore(store.url, 'SELECT COUNT(*) AS n, COALESCE(SUM("deleted"), 0) AS deleted FROM "Batch" WHERE "runId" = ?', [runId]);
  expect(Number(batches!.deleted)).toBe(target.expired);
  expect(Number(batches!.n)).toBe(done.batchCount);

  const viewer = await newPage();
  await second.signIn(viewer, second.viewer);
  expect(await runJson(viewer, second.baseUrl, runId)).toMatchObject({ status: 'completed', totalDeleted: target.expired, batchCount: done.batchCount });
  await viewer.goto(`${second.baseUrl}/runs/${runId}`);
  await viewer.locator('[data-testid=run-status][data-status=completed]').waitFor({ timeout: 60_000 });
});
