// The dashboard's door to schedules and workers (issue 13, items 4 and 5), in
// Chromium against the built app and a real PostgreSQL target: an operator
// adds a schedule through the form and sees its next times in its zone (and
// the browser's), a bad cron or zone is refused under its field, pause /
// resume / remove work, a viewer sees everything and changes nothing (the
// actions refuse a crafted call too), the workers page shows the web server's
// own worker alive, and neither page scrolls sideways on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { callAction, findAction, signInCookie } from '../helpers/http-client';
import { seedPostgres, type SeededDb } from './fixtures';

let db: SeededDb;
let app: AppServer;
let browser: Browser;
let store: Client;
const contexts: BrowserContext[] = [];

async function signedIn(user: 'operator' | 'viewer', viewport = { width: 1440, height: 900 }): Promise<Page> {
  // The browser is in New York, so its zone differs from the schedule's.
  const ctx = await browser.newContext({ viewport, timezoneId: 'America/New_York' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await app.signIn(page, app[user]);
  return page;
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const schedules = async () => (await store.execute('SELECT id, paused FROM Schedule ORDER BY createdAt')).rows.map((r) => ({ id: String(r.id), paused: Boolean(Number(r.paused)) }));
const audited = async (action: string) => (await store.execute({ sql: 'SELECT actor, outcome FROM AuditLog WHERE action = ? ORDER BY id', args: [action] })).rows.map((r) => `${r.actor}:${r.outcome}`);

beforeAll(async () => {
  db = await seedPostgres({ expired: 200, live: 100, orders: 50, customers: 10 });
  app = await startApp({ targets: { main: db.url } });
  store = createClient({ url: app.databaseUrl });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  store?.close();
  await app?.stop();
  await db?.drop();
});

let page: Page;

describe('schedules', () => {
  beforeAll(async () => {
    page = await signedIn('operator');
  });

  it('refuses a bad cron and a bad zone with the message under each field, and adds nothing', async () => {
    await page.goto(`${app.baseUrl}/schedules`);
    // The zone starts as the browser's.
    await expect.poll(() => page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('America/New_York');
    await page.getByLabel('Table', { exact: true }).fill('django_session');
    await page.getByLabel('A column').check();
    await page.getByLabel('Cron', { exact: true }).fill('61 3 * * *');
    await page.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    const cronField = page.locator('div', { has: page.getByLabel('Cron', { exact: true }) }).last();
    await expect.poll(() => cronField.innerText()).toContain('Cron is not a valid cron expression');
    const zoneField = page.locator('div', { has: page.getByLabel('Time zone', { exact: true }) }).last();
    expect(await zoneField.innerText()).toContain('Time zone must be an IANA zone such as Europe/Berlin or UTC');
    // What was typed stays, so it can be corrected.
    expect(await page.getByLabel('Cron', { exact: true }).inputValue()).toBe('61 3 * * *');
    expect(await page.getByLabel('Table', { exact: true }).inputValue()).toBe('django_session');
    expect(await page.getByLabel('A column').isChecked()).toBe(true);
    expect(await page.getByText('Expiry column is required').count()).toBe(1);

    // A reclaim the target's database does not run is refused now, not after the 03:00 run.
    const add = findAction('lib/actions/add-schedule.ts', 'addScheduleAction');
    const form = { target: 'main', table: 'django_session', rule: 'detect', cron: '0 3 * * *', tz: 'UTC', deleteCount: '100', sleepSeconds: '0', then: 'optimize' };
    const reply = await callAction({ baseUrl: app.baseUrl, path: '/schedules', actionId: add.id, args: [{ json: {} }, { form }], cookie: await signInCookie(app.baseUrl, app.operator) });
    expect(reply.body).toMatch(/optimize\\?" is not available on PostgreSQL/);
    expect(await schedules()).toEqual([]);
  });

  it('an operator adds a schedule and sees its next three times in its zone and the browser’s', async () => {
    await page.goto(`${app.baseUrl}/schedules`);
    await expect.poll(() => page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('America/New_York');
    // A PostgreSQL target offers its own reclaim modes only.
    const modes = await page.getByLabel('Then', { exact: true }).locator('option').allInnerTexts();
    expect(modes.some((m) => /OPTIMIZE/i.test(m))).toBe(false);
    expect(modes.some((m) => /VACUUM FULL/.test(m))).toBe(true);
    await page.getByLabel('Table', { exact: true }).fill('django_session');
    await page.getByLabel('Cron', { exact: true }).fill('30 4 * * *');
    await page.getByLabel('Time zone', { exact: true }).fill('Asia/Tokyo');
    await page.getByLabel('Stop at (HH:MM)', { exact: true }).fill('06:00');
    await page.getByLabel('Then', { exact: true }).selectOption('vacuum');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await page.getByText('Schedule added for public.django_session').waitFor({ timeout: 30_000 });

    const card = page.getByTestId('schedule');
    await card.waitFor();
    const next = await card.getByTestId('schedule-next').locator('li').allInnerTexts();
    expect(next).toHaveLength(3);
    for (const line of next) {
      // 04:30 in Tokyo; in New York that is 14:30 (15:30 in summer time).
      expect(line).toMatch(/^\w{3} \d{1,2} \w{3} 04:30 · your time \w{3} \d{1,2} \w{3} 1[45]:30$/);
    }
    const text = await card.innerText();
    expect(text).toContain('every day at 04:30');
    expect(text).toContain('Asia/Tokyo');
    expect(text).toContain('stops at 06:00');
    expect(text).toContain('VACUUM');
    expect(await schedules()).toHaveLength(1);
    // The refused optimize of the first test, then this one.
    expect(await audited('schedule.add')).toEqual([`${app.operator.username}:error`, `${app.operator.username}:ok`]);
  });

  it('a viewer sees the schedule but no way to change it, and the actions refuse a viewer', async () => {
    const viewerPage = await signedIn('viewer');
    await viewerPage.goto(`${app.baseUrl}/schedules`);
    await viewerPage.getByTestId('schedule').waitFor();
    expect(await viewerPage.getByTestId('schedule-next').locator('li').count()).toBe(3);
    expect(await viewerPage.getByRole('button', { name: /Pause|Resume|Remove|Add schedule/ }).count()).toBe(0);

    const [{ id }] = await schedules();
    const cookie = await signInCookie(app.baseUrl, app.viewer);
    const pause = findAction('lib/actions/pause-schedule.ts', 'pauseScheduleAction');
    const remove = findAction('lib/actions/remove-schedule.ts', 'removeScheduleAction');
    const add = findAction('lib/actions/add-schedule.ts', 'addScheduleAction');
    for (const a of [pause, remove]) {
      const reply = await callAction({ baseUrl: app.baseUrl, path: '/schedules', actionId: a.id, args: [{ json: id }], cookie });
      expect(reply.body).toContain('Only operators can do this.');
    }
    const form = { target: 'main', table: 'django_session', rule: 'detect', cron: '0 3 * * *', tz: 'UTC', deleteCount: '100', sleepSeconds: '0', then: 'none' };
    const added = await callAction({ baseUrl: app.baseUrl, path: '/schedules', actionId: add.id, args: [{ json: {} }, { form }], cookie });
    expect(added.body).toContain('Only operators can do this.');
    expect(await schedules()).toEqual([{ id, paused: false }]);
    expect(await audited('schedule.pause')).toEqual([`${app.viewer.username}:denied`]);
  });

  it('pause, resume and remove (after a confirmation) change the schedule', async () => {
    await page.goto(`${app.baseUrl}/schedules`);
    const card = page.getByTestId('schedule');
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByText('Paused: nothing fires until it is resumed.').waitFor();
    expect((await schedules())[0]!.paused).toBe(true);
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByTestId('schedule-next').waitFor();
    expect((await schedules())[0]!.paused).toBe(false);

    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('button', { name: 'Keep it' }).click();
    expect(await schedules()).toHaveLength(1);
    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('button', { name: 'Remove schedule' }).click();
    await page.getByText('No schedules yet.').waitFor();
    expect(await schedules()).toEqual([]);
    expect(await audited('schedule.remove')).toEqual([`${app.viewer.username}:denied`, `${app.operator.username}:ok`]);
  });
});

describe('workers', () => {
  it('the workers page lists the web server’s own worker as alive, with its pid', async () => {
    // The server's worker registers on its thread as the server starts: wait for its first beat.
    await expect
      .poll(
        async () => {
          await page.goto(`${app.baseUrl}/workers`);
          return page.locator('[data-testid="worker"][data-kind="web"][data-alive="true"]').count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    const row = await page.locator('[data-testid="worker"][data-kind="web"]').innerText();
    expect(row).toContain(String(app.pid));
    expect(row).toContain('idle');
    expect(await page.getByTestId('queue-summary').innerText()).toBe('No runs are waiting for a worker.');
  });
});

describe('on a phone (390 px)', () => {
  it('neither page scrolls sideways, with a schedule that has a history', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.baseUrl}/schedules`);
    await page.getByLabel('Table', { exact: true }).fill('django_session');
    await page.getByLabel('Cron', { exact: true }).fill('*/15 * * * 1-5');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await page.getByTestId('schedule').waitFor({ timeout: 30_000 });
    const [{ id }] = await schedules();
    // Outcomes as workers record them: a long reason must wrap, not widen the page.
    await store.execute({
      sql: `INSERT INTO ScheduleOccurrence (scheduleId, dueAt, status, reason, runId, at) VALUES (?, '2026-01-05T02:00:00.000+00:00', 'skipped', ?, 'cmx0000000000000000000000', '2026-01-05T02:00:01.000+00:00'), (?, '2026-01-04T02:00:00.000+00:00', 'missed', ?, NULL, '2026-01-04T09:00:00.000+00:00')`,
      args: [id, 'a cleanup of public.django_session is already running (run cmx0000000000000000000000)', id, 'nothing was running at 2026-01-04T02:00:00.000Z; more than 10 minutes late, so it was not started late'],
    });
    for (const path of ['/schedules', '/workers']) {
      await page.goto(`${app.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await overflow(page), `${path} is wider than the window`).toBeLessThanOrEqual(0);
    }
    await page.goto(`${app.baseUrl}/schedules`);
    expect(await page.getByTestId('schedule-last').innerText()).toMatch(/skipped[\s\S]*the run in the way[\s\S]*missed/);
    // Every nav link is on screen, none behind a sideways scroll.
    for (const name of ['Schedules', 'Workers']) {
      const box = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
  });
});
