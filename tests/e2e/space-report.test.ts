// The space report in a real browser against `next start`, with a real
// PostgreSQL target, a real MariaDB target and one that is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { freePort, startApp, type AppServer } from '../helpers/app-server';
import { seedMysql, seedPostgres, type SeededDb } from './fixtures';

const PG = { expired: 1234, live: 567, orders: 20_000, customers: 300 };
const MY = { expired: 321, live: 89, products: 500 };

let pg: SeededDb;
let my: SeededDb;
let app: AppServer;
let browser: Browser;
let operatorContext: BrowserContext;
let operator: Page;
const contexts: BrowserContext[] = [];

const fmt = (n: number) => n.toLocaleString('en-US');

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  return ctx.newPage();
}

/** The text of each cell in one column of a table's body. */
function columnTexts(table: Locator, column: number): Promise<string[]> {
  return table.locator(`tbody tr td:nth-child(${column})`).allTextContents();
}

beforeAll(async () => {
  [pg, my] = await Promise.all([seedPostgres(PG), seedMysql(MY)]);
  // Nothing listens on a port that was free a moment ago: connection refused.
  const closedPort = await freePort();
  app = await startApp({
    targets: {
      main: pg.url,
      shop: my.url,
      offline: `postgresql://nobody:not-a-secret@127.0.0.1:${closedPort}/gone`,
    },
  });
  browser = await launchBrowser();
  operatorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(operatorContext);
  operator = await operatorContext.newPage();
  await app.signIn(operator, app.operator);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await Promise.allSettled([pg?.drop(), my?.drop()]);
});

describe('space report in the browser', () => {
  it('operator sees both databases up with their expired sessions, and the unreachable one as down', async () => {
    await operator.goto(`${app.baseUrl}/`);
    const main = operator.getByRole('region', { name: 'Target main' });
    const shop = operator.getByRole('region', { name: 'Target shop' });
    const offline = operator.getByRole('region', { name: 'Target offline' });

    await main.getByText('Up', { exact: true }).waitFor();
    await shop.getByText('Up', { exact: true }).waitFor();
    await offline.getByText('Down', { exact: true }).waitFor();

    expect(await main.textContent()).toContain(fmt(PG.expired));
    expect(await shop.textContent()).toContain(fmt(MY.expired));
    expect(await main.textContent()).toMatch(/Tables3(?!\d)/);
    expect(await offline.getByRole('alert').textContent()).toBe('target "offline" is unreachable: connection refused');
    // No connection string, user name or password of a target reaches the browser.
    const html = await operator.content();
    for (const secret of ['postgresql://', 'mysql://', 'janitor_test', 'not-a-secret']) expect(html).not.toContain(secret);
  });

  it('operator opens the PostgreSQL report and sees django_session with its exact expired count', async () => {
    await operator.goto(`${app.baseUrl}/`);
    await operator.getByRole('region', { name: 'Target main' }).getByRole('link', { name: 'Open space report' }).click();
    await operator.waitForURL(`${app.baseUrl}/targets/main`);
    await operator.getByRole('heading', { name: 'main', exact: true }).waitFor();

    const sessions = operator.getByRole('region', { name: 'Session tables' });
    const row = sessions.getByRole('row', { name: /django_session/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 6)).toEqual(['public.django_session', 'django', 'expire_date before now', fmt(PG.expired), fmt(PG.live), fmt(PG.expired + PG.live)]);
    const cleanup = row.getByRole('link', { name: 'Start cleanup' });
    expect(await cleanup.getAttribute('href')).toBe('/targets/main/cleanup?schema=public&table=django_session');

    // The chart lists the biggest table first, and the indexes carry their bloat method.
    const chart = operator.getByRole('region', { name: 'Biggest tables' });
    expect(await chart.locator('li').first().textContent()).toContain('orders');
    const indexes = operator.getByRole('region', { name: 'Indexes' });
    expect(await indexes.getByRole('row', { name: /django_session_expire_date_idx/ }).textContent()).toMatch(/estimate|pgstattuple/);
  });

  it('operator opens the MariaDB report and sees its django_session counted in UTC', async () => {
    await operator.goto(`${app.baseUrl}/targets/shop`);
    const row = operator.getByRole('region', { name: 'Session tables' }).getByRole('row', { name: /django_session/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(3, 6)).toEqual([fmt(MY.expired), fmt(MY.live), fmt(MY.expired + MY.live)]);
    // MySQL shows free bytes instead of TOAST and dead rows; operators get a last column of "Reclaim space" links.
    const headers = await operator.getByRole('region', { name: 'Tables', exact: true }).locator('thead th').allTextContents();
    expect(headers.map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual(['Schema', 'Name', 'Rows (est.)', 'Table', 'Indexes', 'Total', 'Free', '']);
  });

  it('operator sorts the table list by clicking headers and filters it by name', async () => {
    await operator.goto(`${app.baseUrl}/targets/main`);
    const tables = operator.getByRole('region', { name: 'Tables', exact: true });
    await tables.getByRole('row', { name: /orders/ }).waitFor();
    const names = () => columnTexts(tables, 2);

    expect((await names())[0]).toBe('orders'); // biggest first by default
    await tables.getByRole('button', { name: 'Name' }).click();
    await expect.poll(names).toEqual([...pg.tables].sort());
    await tables.getByRole('button', { name: 'Name' }).click();
    await expect.poll(names).toEqual([...pg.tables].sort().reverse());
    await tables.getByRole('button', { name: 'Rows (est.)' }).click();
    await expect.poll(names).toEqual(['orders', 'django_session', 'customers']);

    await tables.getByLabel('Filter tables').fill('sess');
    await expect.poll(names).toEqual(['django_session']);
    expect(await tables.getByText('1 of 3 tables match').count()).toBe(1);
    await tables.getByLabel('Filter tables').fill('no such table');
    await expect.poll(() => tables.locator('tbody').textContent()).toContain('No tables match');
  });

  it('operator downloads the session tables as CSV and finds the django_session row', async () => {
    await operator.goto(`${app.baseUrl}/targets/main`);
    const link = operator.getByRole('region', { name: 'Export' }).getByRole('link', { name: 'Session tables (CSV)' });
    const [download] = await Promise.all([operator.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^main-sessions-.*\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('schema,table,preset,expiryColumn,expired,live,total,exact');
    expect(lines).toContain(`public,django_session,django,expire_date,${PG.expired},${PG.live},${PG.expired + PG.live},true`);
  });

  it('operator fetches the JSON export in the CLI shape with every figure a number', async () => {
    const res = await operator.request.get(`${app.baseUrl}/api/targets/main/report?format=json`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['dialect', 'database', 'tables', 'indexes', 'sessionTables']);
    expect(body.database.name).toBe(pg.name);
    expect(body.sessionTables).toEqual([
      { schema: 'public', table: 'django_session', preset: 'django', expiryColumn: 'expire_date', expired: PG.expired, live: PG.live, total: PG.expired + PG.live },
    ]);
    const orders = body.tables.find((t: { name: string }) => t.name === 'orders');
    expect(orders.rowEstimate).toBe(PG.orders);
    expect(typeof orders.totalBytes).toBe('number');
    const bad = await operator.request.get(`${app.baseUrl}/api/targets/main/report?format=xml`);
    expect(bad.status()).toBe(400);
  });

  it('an anonymous request for an export gets 401, with or without a made-up session cookie', async () => {
    const url = `${app.baseUrl}/api/targets/main/report?format=csv&section=sessions`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    // Gets past the cookie-presence check in proxy.ts; the route itself must refuse.
    const forged = await fetch(url, { headers: { cookie: 'janitor_session=made-up-token' } });
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain('django_session');
  });

  it('without JANITOR_METRICS_TOKEN the metrics endpoint does not exist, for a scraper or a signed-in browser', async () => {
    const url = `${app.baseUrl}/api/metrics`;
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(url, { headers: { Authorization: 'Bearer a-guess-of-sixteen-chars' } })).status).toBe(404);
    const cookie = (await operatorContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const signedIn = await fetch(url, { headers: { cookie } });
    expect(signedIn.status).toBe(404);
    expect(await signedIn.text()).not.toContain('janitor_table_total_bytes');
  });

  it('a wrong password shows an error and stays on the sign-in page', async () => {
    const page = await newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('Username').fill(app.operator.username);
    await page.getByLabel('Password').fill('definitely-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // (Next's route announcer is an empty alert of its own.)
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Wrong username or password.');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('a viewer is sent away from the audit log and sees no Start cleanup link', async () => {
    const page = await newPage();
    await app.signIn(page, app.viewer);
    await page.goto(`${app.baseUrl}/audit`);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('That page is for operators only.').waitFor();
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect((await page.request.get(`${app.baseUrl}/api/audit?format=csv`)).status()).toBe(403);

    await page.goto(`${app.baseUrl}/targets/main`);
    const row = page.getByRole('region', { name: 'Session tables' }).getByRole('row', { name: /django_session/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(fmt(PG.expired));
    expect(await page.getByRole('link', { name: 'Start cleanup' }).count()).toBe(0);
  });

  it("the audit log lists the operator's sign-in and a refused one, and exports them", async () => {
    const stranger = await newPage();
    await stranger.goto(`${app.baseUrl}/login`);
    await stranger.getByLabel('Username').fill(app.operator.username);
    await stranger.getByLabel('Password').fill('a-guess');
    await stranger.getByRole('button', { name: 'Sign in' }).click();
    await stranger.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();

    await operator.goto(`${app.baseUrl}/audit`);
    await operator.getByLabel('Actor').selectOption(app.operator.username);
    await operator.getByRole('button', { name: 'Filter' }).click();
    await operator.waitForURL(/actor=olivia/);
    const rows = operator.getByRole('region', { name: /entries/ }).locator('tbody tr');
    const actors = await rows.locator('td:nth-child(2)').allTextContents();
    expect(new Set(actors)).toEqual(new Set([app.operator.username]));
    const signIns = await rows.filter({ hasText: 'sign-in' }).allTextContents();
    expect(signIns.some((r) => r.includes('ok'))).toBe(true);
    expect(signIns.some((r) => r.includes('denied') && r.includes('bad credentials'))).toBe(true);

    const csv = await operator.request.get(`${app.baseUrl}/api/audit?format=csv&actor=${app.operator.username}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="janitor-audit-.*\.csv"$/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,outcome,detail');
    expect(lines.some((l) => l.includes(`,${app.operator.username},sign-in,,ok,`))).toBe(true);
  });

  it('an unknown target shows a clear not-found page', async () => {
    const res = await operator.goto(`${app.baseUrl}/targets/nope`);
    expect(res?.status()).toBe(404);
    await operator.getByRole('heading', { name: 'Unknown target' }).waitFor();
    expect(await operator.getByRole('link', { name: 'main', exact: true }).count()).toBe(1);
  });

  it('the down target opens to an error panel with the reason while the page still renders', async () => {
    await operator.goto(`${app.baseUrl}/targets/offline`);
    const alert = operator.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('target "offline" is unreachable: connection refused');
    expect(await operator.getByRole('region', { name: 'Session tables' }).count()).toBe(0);
  });
});
