// A cleanup run in a real browser against `next start` and a real PostgreSQL
// (and MariaDB): started from the report's session table, watched live over
// Server-Sent Events, paused, resumed and completed, with the table checked
// row by row afterwards. A viewer watches the same run without controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createMysqlDatabase, createPgDatabase, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';

const ROWS = 30_000;
const fmt = (n: number) => n.toLocaleString('en-US');

let pg: TestDb & { expired: number; live: number };
let my: TestDb & { expired: number; live: number };
let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  return ctx.newPage();
}

async function seed(dialect: Dialect) {
  const db = dialect === 'postgres' ? await createPgDatabase('jt_e2e_run') : await createMysqlDatabase('jt_e2e_run');
  return { ...db, ...(await seedDjangoSessions(dialect, db.url, ROWS)) };
}

/** What the run page's progress bar says has been deleted. */
async function deleted(page: Page): Promise<number> {
  return Number(await page.getByRole('progressbar', { name: 'Rows deleted' }).getAttribute('aria-valuenow'));
}

function waitForDeletedAbove(page: Page, min: number, timeout = 30_000) {
  return page.waitForFunction(
    (m) => Number(document.querySelector('[role=progressbar][aria-label="Rows deleted"]')?.getAttribute('aria-valuenow')) > m,
    min,
    { timeout },
  );
}

function waitForStatus(page: Page, status: string, timeout = 30_000) {
  return page.locator(`[data-testid=run-status][data-status=${status}]`).waitFor({ timeout });
}

/** Marks the document; the mark survives only as long as the page is not reloaded. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

/** From the report's session table to the cleanup form. */
async function openCleanupForm(page: Page, target: string) {
  await page.goto(`${app.baseUrl}/targets/${target}`);
  const sessions = page.getByRole('region', { name: 'Session tables' });
  await sessions.getByRole('link', { name: 'Start cleanup' }).click();
  await page.waitForURL(/\/targets\/[^/]+\/cleanup\?/);
  await page.getByRole('heading', { name: /Clean up .*django_session/ }).waitFor();
}

beforeAll(async () => {
  [pg, my] = await Promise.all([seed('postgres'), seed('mysql')]);
  app = await startApp({ targets: { main: pg.url, shop: my.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await Promise.allSettled([pg?.drop(), my?.drop()]);
});

describe('cleanup run in the browser (PostgreSQL)', () => {
  let operator: Page;
  let viewer: Page;
  let runUrl: string;
  let runId: string;
  let pauseAction: { id: string; headers: Record<string, string> } | undefined;
  const cutoff = new Date();

  it('operator opens the cleanup form from the report and sees the expired count, the strategy and an estimate', async () => {
    operator = await newPage();
    await app.signIn(operator, app.operator);
    await openCleanupForm(operator, 'main');
    const preview = operator.getByRole('region', { name: 'Preview' });
    await preview.getByTestId('cleanup-preview').waitFor();
    const text = await preview.textContent();
    expect(text).toContain(`Expired rows${fmt(pg.expired)}`);
    expect(text).toContain('80% of 30,000 rows');
    expect(text).toMatch(/heap-walk/);
    // A figure from the timed sample, not the "—" shown when nothing could be timed.
    expect(text).toMatch(/Estimated duration(under 1s|\d)/);
    expect(text).toMatch(/Timed sample: one batch deleted [\d,]+ rows in [\d.,]+ ms and was rolled back/);
    // 24,000 expired rows are a short DELETE: the preview offers it with its expected time.
    expect(text).toMatch(new RegExp(`One DELETE of all ${fmt(pg.expired)} expired rows would take about (a tenth of a second|\\d+\\.\\d s) at the sample's rate`));
    // The preview's sample was rolled back.
    expect(await countSessions('postgres', pg.url, cutoff)).toEqual({ total: ROWS, expired: pg.expired });
  });

  it('operator sees each invalid setting explained next to its field, and nothing starts', async () => {
    await operator.getByLabel('Delete count').fill('0');
    await operator.getByLabel('Sleep seconds').fill('-1');
    await operator.getByLabel('Max active connections').fill('lots');
    await operator.getByRole('button', { name: 'Start cleanup' }).click();
    await operator.getByText('Delete count must be at least 1').waitFor();
    await operator.getByText('Sleep seconds must be at least 0').waitFor();
    await operator.getByText('Max active connections must be a number').waitFor();
    expect(operator.url()).toContain('/cleanup?');
    // What was typed stays, so it can be corrected.
    expect(await operator.getByLabel('Delete count').inputValue()).toBe('0');
    expect(await countSessions('postgres', pg.url, cutoff)).toEqual({ total: ROWS, expired: pg.expired });
  });

  it('operator starts a cleanup and sees progress arrive without a reload, also in a viewer\'s window', async () => {
    await operator.getByLabel('Delete count').fill('400');
    await operator.getByLabel('Sleep seconds').fill('0.3');
    await operator.getByLabel('Max active connections').fill('');
    await operator.getByRole('button', { name: 'Start cleanup' }).click();
    await operator.waitForURL(/\/runs\/[^/]+$/);
    runUrl = operator.url();
    runId = runUrl.split('/').at(-1)!;
    await markDocument(operator);
    await operator.getByRole('heading', { name: 'Cleanup of public.django_session' }).waitFor();

    // Capture the page's pause action call, to replay it as a viewer later.
    operator.on('request', (r) => {
      const id = r.headers()['next-action'];
      if (id && r.method() === 'POST' && r.postData()?.includes(runId) && !pauseAction) {
        // The action's id and the headers a page sends with it; the cookie comes from whoever replays it.
        const h = r.headers();
        pauseAction = { id, headers: Object.fromEntries(['next-action', 'next-router-state-tree', 'content-type', 'accept'].filter((k) => h[k]).map((k) => [k, h[k]!])) };
      }
    });

    await waitForDeletedAbove(operator, 0);
    const first = await deleted(operator);
    await waitForDeletedAbove(operator, first);
    expect(await deleted(operator)).toBeGreaterThan(first);
    expect(await sameDocument(operator)).toBe(true);
    const stats = await operator.getByTestId('rows-deleted').textContent();
    expect(stats).toMatch(/Rows deleted[\d,]+/);
    expect(await operator.getByTestId('rate').textContent()).toMatch(/Rate[\d,k]+ rows\/s/);
    expect(await operator.getByRole('img', { name: /Batch latency of the last \d+ batches/ }).count()).toBe(1);
    expect(await operator.getByRole('region', { name: 'Strategy' }).textContent()).toContain('80% of 30k rows are expired');

    // A viewer opens the same run: same live numbers, no controls.
    viewer = await newPage();
    await app.signIn(viewer, app.viewer);
    await viewer.goto(runUrl);
    await markDocument(viewer);
    const seen = await deleted(viewer);
    await waitForDeletedAbove(viewer, seen);
    expect(await sameDocument(viewer)).toBe(true);
    for (const name of ['Pause', 'Resume', 'Cancel run…', 'Apply changes']) expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    expect(await viewer.getByLabel('Sleep seconds').count()).toBe(0);
  });

  it('operator pauses the run and sees "paused"; nothing more is deleted and the table agrees with the page', async () => {
    await operator.getByRole('button', { name: 'Pause' }).click();
    await waitForStatus(operator, 'paused');
    await operator.getByText(/Paused after batch \d+/).waitFor();
    const atPause = await deleted(operator);
    expect(atPause).toBeGreaterThan(0);
    expect(atPause).toBeLessThan(pg.expired);
    await operator.waitForTimeout(1_500);
    expect(await deleted(operator)).toBe(atPause);
    expect(await countSessions('postgres', pg.url, cutoff)).toEqual({ total: ROWS - atPause, expired: pg.expired - atPause });
    // The viewer's window follows.
    await waitForStatus(viewer, 'paused');
    expect(await deleted(viewer)).toBe(atPause);
    expect(pauseAction).toBeDefined();
  });

  it('a second start on the same table is told a cleanup is already going, with a link to it', async () => {
    const other = await newPage();
    await app.signIn(other, app.operator);
    await openCleanupForm(other, 'main');
    const link = other.getByRole('link', { name: 'Open the running cleanup' });
    expect(await link.getAttribute('href')).toBe(`/runs/${runId}`);
    await other.getByRole('button', { name: 'Start cleanup' }).click();
    const watch = other.getByRole('link', { name: 'Watch the running cleanup' });
    await watch.waitFor();
    expect(await watch.getAttribute('href')).toBe(`/runs/${runId}`);
    // Said once, by the page; the form only says it did not start.
    expect(await other.getByText(/already going/).count()).toBe(1);
    expect(await other.getByRole('status').filter({ hasText: 'Not started: the cleanup above is still going.' }).count()).toBe(1);
  });

  it('operator resumes and sees the run complete with exactly the expired rows deleted; the live sessions are all kept', async () => {
    await operator.getByRole('button', { name: 'Resume' }).click();
    await waitForStatus(operator, 'running');

    // While it runs, a viewer replaying the page's pause action by hand is refused.
    const reply = await viewer.request.post(runUrl, {
      headers: pauseAction!.headers,
      data: JSON.stringify([runId]),
    });
    expect(await reply.text()).toContain('Only operators can do this.');

    // The viewer reloads mid-run: the page picks up where the run is and keeps following it.
    await viewer.reload();
    await markDocument(viewer);

    await waitForStatus(operator, 'completed', 90_000);
    expect(await sameDocument(operator)).toBe(true);
    expect(await deleted(operator)).toBe(pg.expired);
    expect(await operator.getByTestId('rows-deleted').textContent()).toBe(`Rows deleted${fmt(pg.expired)}`);
    expect(await operator.getByTestId('rows-remaining').textContent()).toContain('Remaining0');
    await operator.getByText(`Completed: ${fmt(pg.expired)} rows deleted`).waitFor();
    for (const name of ['Pause', 'Resume', 'Cancel run…']) expect(await operator.getByRole('button', { name }).count()).toBe(0);

    await waitForStatus(viewer, 'completed', 30_000);
    expect(await sameDocument(viewer)).toBe(true);
    expect(await deleted(viewer)).toBe(pg.expired);

    expect(await countSessions('postgres', pg.url, cutoff)).toEqual({ total: pg.live, expired: 0 });
  });

  it('the run history lists the completed run with its totals and who started it', async () => {
    await operator.goto(`${app.baseUrl}/runs`);
    const row = operator.locator('tbody tr', { has: operator.getByRole('link', { name: 'public.django_session' }) }).first();
    const text = await row.textContent();
    expect(text).toContain('completed');
    expect(text).toContain(fmt(pg.expired));
    expect(text).toContain(app.operator.username);
    expect(text).toContain('main');
    await row.getByRole('link', { name: 'public.django_session' }).click();
    await operator.waitForURL(runUrl);
    await waitForStatus(operator, 'completed');
  });

  it('the audit log has the start, pause, resume and completion, and the viewer\'s refused pause', async () => {
    const rows = (await (await operator.request.get(`${app.baseUrl}/api/audit?format=json`)).json()) as Array<{ actor: string; action: string; outcome: string }>;
    const has = (actor: string, action: string, outcome: string) => rows.some((r) => r.actor === actor && r.action === action && r.outcome === outcome);
    expect(has(app.operator.username, 'cleanup.start', 'ok')).toBe(true);
    expect(has(app.operator.username, 'cleanup.pause', 'ok')).toBe(true);
    expect(has(app.operator.username, 'cleanup.resume', 'ok')).toBe(true);
    expect(has(app.operator.username, 'cleanup.completed', 'ok')).toBe(true);
    expect(has(app.viewer.username, 'cleanup.pause', 'denied')).toBe(true);
  });

  it('the progress stream resumes after Last-Event-ID without repeating a batch, and refuses strangers', async () => {
    const all = await (await operator.request.get(`${app.baseUrl}/api/runs/${runId}/events?after=0`)).text();
    const ids = [...all.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(10);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(all.trimEnd()).toMatch(/event: end\ndata: \{"status":"completed"\}$/);

    const from = ids.length - 5;
    const rest = await (await operator.request.get(`${app.baseUrl}/api/runs/${runId}/events`, { headers: { 'Last-Event-ID': String(from) } })).text();
    expect([...rest.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([from + 1, from + 2, from + 3, from + 4, from + 5]);
    const batches = [...all.matchAll(/^event: batch\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { deleted: number });
    expect(batches.reduce((n, b) => n + b.deleted, 0)).toBe(pg.expired);

    const stranger = await fetch(`${app.baseUrl}/api/runs/${runId}/events`);
    expect(stranger.status).toBe(401);
  });
});

describe('cleanup run in the browser (MariaDB)', () => {
  it('operator runs a cleanup to completion on MariaDB and every expired row is gone, every live one kept', async () => {
    const cutoff = new Date();
    const page = await newPage();
    await app.signIn(page, app.operator);
    await openCleanupForm(page, 'shop');
    await page.getByRole('region', { name: 'Preview' }).getByText('pk-range').waitFor();
    await page.getByLabel('Delete count').fill('1000');
    await page.getByLabel('Sleep seconds').fill('0.1');
    await page.getByRole('button', { name: 'Start cleanup' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await markDocument(page);
    await waitForDeletedAbove(page, 0);
    await waitForStatus(page, 'completed', 90_000);
    expect(await sameDocument(page)).toBe(true);
    expect(await deleted(page)).toBe(my.expired);
    expect(await countSessions('mysql', my.url, cutoff)).toEqual({ total: my.live, expired: 0 });
  });
});
