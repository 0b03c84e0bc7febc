// What a new person on call tripped over, walked in Chromium at a desktop
// width (1440×900) and a phone's (390×844): no page scrolls sideways on the
// phone, the session table's numbers and buttons are on screen, unknown
// addresses answer 404 inside the app with a way back, the preview refuses
// bad settings and drops an error once its field is fixed, a table that is
// no session preset gets a custom expiry rule, and the report keeps its
// filter in the address across a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { pgClient } from '../helpers/databases';
import { seedPostgres, type SeededDb } from './fixtures';

const PG = { expired: 3000, live: 1000, orders: 2000, customers: 100 };
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

let db: SeededDb;
let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
  const ctx = await browser.newContext({ viewport });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await app.signIn(page, app.operator);
  return page;
}

/** How far the page reaches past the window's right edge (0 when it does not scroll sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The element is rendered and lies inside the window horizontally (not behind a sideways scroll). */
async function onScreen(page: Page, locator: ReturnType<Page['locator']>) {
  await locator.waitFor();
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  expect(box, 'element has no box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width + 0.5);
}

beforeAll(async () => {
  db = await seedPostgres(PG);
  // A table of no known framework: its expiry rule has to be given by hand.
  const c = await pgClient(db.url);
  await c.query(`CREATE TABLE app_tokens (id serial PRIMARY KEY, token text NOT NULL, valid_until timestamptz NOT NULL);
    INSERT INTO app_tokens (token, valid_until) SELECT md5(g::text), now() + CASE WHEN g % 4 = 0 THEN interval '1 day' ELSE interval '-1 day' END FROM generate_series(1, 400) g;
    ANALYZE app_tokens;`);
  await c.end();
  app = await startApp({ targets: { main: db.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

const session = 'schema=public&table=django_session';
const PAGES = ['/', '/targets/main', `/targets/main/cleanup?${session}`, `/targets/main/logout-all?${session}`, `/targets/main/reclaim?${session}`, '/runs', '/operations', '/audit', '/targets/main/cleanup?schema=public&table=app_tokens'];

for (const viewport of WIDTHS) {
  describe(`on call at ${viewport.width}×${viewport.height}`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await signedIn(viewport);
    });

    it('no page scrolls sideways, and the header keeps the user name and Sign out on screen', async () => {
      for (const path of PAGES) {
        const res = await page.goto(`${app.baseUrl}${path}`);
        expect(res?.status(), path).toBe(200);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        expect(await overflow(page), `${path} is wider than the window`).toBeLessThanOrEqual(0);
        await onScreen(page, page.getByRole('button', { name: 'Sign out' }));
      }
    });

    it("the session table's counts and its Start cleanup / Log everyone out buttons are on screen", async () => {
      await page.goto(`${app.baseUrl}/targets/main`);
      const card = page.getByRole('region', { name: 'Session tables', exact: true });
      await onScreen(page, card.getByText(PG.expired.toLocaleString('en-US'), { exact: true }));
      await onScreen(page, card.getByText(PG.live.toLocaleString('en-US'), { exact: true }));
      await onScreen(page, card.getByRole('link', { name: 'Start cleanup' }));
      await onScreen(page, card.getByRole('link', { name: 'Log everyone out' }));
      // The overview leads with it too, one click from the cleanup.
      await page.goto(`${app.baseUrl}/`);
      const todo = page.getByRole('list', { name: 'Session tables by expired size' });
      await onScreen(page, todo.getByText('public.django_session'));
      await onScreen(page, todo.getByRole('link', { name: 'Start cleanup' }).first());
    });

    it('unknown runs, operations, targets and addresses answer 404 inside the app, with a way back', async () => {
      for (const [path, heading, back] of [
        ['/runs/nosuchrun', 'No such run', '← All runs'],
        ['/operations/nosuchop', 'No such operation', '← All operations'],
        ['/targets/nosuch', 'Unknown target', '← Overview'],
        ['/no/such/page', 'No page at this address', '← Overview'],
      ] as const) {
        const res = await page.goto(`${app.baseUrl}${path}`);
        expect(res?.status(), path).toBe(404);
        await page.getByRole('heading', { name: heading }).waitFor();
        await onScreen(page, page.getByRole('button', { name: 'Sign out' }));
        await onScreen(page, page.getByRole('link', { name: back }));
        expect(await overflow(page)).toBeLessThanOrEqual(0);
      }
      await page.getByRole('link', { name: '← Overview' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const icon = await fetch(`${app.baseUrl}/favicon.ico`);
      expect(icon.status).toBe(200);
    });

    it('Update preview refuses bad values with the message under the field, and a fixed field loses its error', async () => {
      await page.goto(`${app.baseUrl}/targets/main/cleanup?${session}`);
      const before = page.url();
      const count = page.getByLabel('Delete count');
      const sleep = page.getByLabel('Sleep seconds');
      await count.fill('-5');
      await sleep.fill('1000000000000');
      await page.getByRole('button', { name: 'Update preview' }).click();
      const countError = page.getByText('Delete count must be at least 1');
      const sleepError = page.getByText('Sleep seconds must be at most 3,600');
      await countError.waitFor();
      await sleepError.waitFor();
      expect(await count.getAttribute('aria-invalid')).toBe('true');
      expect(page.url()).toBe(before); // no preview was asked for
      await count.fill('500');
      await countError.waitFor({ state: 'detached' });
      expect(await sleepError.isVisible()).toBe(true); // still wrong, still said
      await sleep.fill('0');
      await sleepError.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Update preview' }).click();
      await page.waitForURL((u) => u.searchParams.get('deleteCount') === '500');
      await page.getByText(/batches × \(/).waitFor();
    });
  });
}

describe('a table that is no session preset, at 1440×900', () => {
  it('offers a custom expiry rule, and the page then previews and cleans with it', async () => {
    const page = await signedIn(WIDTHS[0]);
    await page.goto(`${app.baseUrl}/targets/main/cleanup?schema=public&table=app_tokens`);
    const form = page.getByRole('form', { name: 'Custom expiry rule' });
    await form.getByLabel('Expiry column').fill('valid_until');
    await form.getByRole('button', { name: 'Use this rule' }).click();
    await page.getByRole('heading', { name: 'Clean up public.app_tokens' }).waitFor();
    await page.getByText('300', { exact: true }).first().waitFor(); // expired rows in the preview
    await page.getByLabel('Sleep seconds').fill('0');
    await page.getByRole('button', { name: 'Start cleanup' }).click();
    await page.waitForURL(/\/runs\/[a-z0-9]+$/);
    await page.getByText('completed', { exact: true }).first().waitFor({ timeout: 60_000 });
    const c = await pgClient(db.url);
    const { rows } = await c.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE valid_until < now())::int AS expired FROM app_tokens');
    await c.end();
    expect(rows[0]).toEqual({ n: 100, expired: 0 });
  });

  it("the report's filter and sort stay in the address across a reload", async () => {
    const page = await signedIn(WIDTHS[0]);
    await page.goto(`${app.baseUrl}/targets/main`);
    await page.getByLabel('Filter tables').fill('sess');
    await page.waitForURL((u) => u.searchParams.get('tables.q') === 'sess');
    await page.reload();
    expect(await page.getByLabel('Filter tables').inputValue()).toBe('sess');
    const tables = page.getByRole('region', { name: 'Tables', exact: true });
    await tables.getByText('django_session').waitFor();
    expect(await tables.locator('tbody tr').count()).toBe(1);
  });
});
