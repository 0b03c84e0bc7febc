// The alerts page in a real browser against `next start`: an operator adds a
// Slack webhook (a bad URL first gets one clear line), sees it with its URL
// masked, sends a test that reaches a local receiver in Slack's shape, and
// sees the deliveries: one the receiver refused once, which the server's own
// worker then retries and delivers, and one whose receiver stays down, which
// ends as failed. A viewer sees the webhooks and deliveries but no way to
// change them. Screenshots at desktop and phone width go to ALERT_SHOTS
// (default /tmp/janitor-alert-shots).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createClient } from '@libsql/client';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createPgDatabase, type TestDb } from '../helpers/databases';

const SECRET = 'T0AAA/B0BBB/xoxSecretForTheBrowserTest';
const SHOTS = process.env.ALERT_SHOTS ?? '/tmp/janitor-alert-shots';

type Received = { path: string; json: Record<string, unknown>; body: string };
const received: Received[] = [];
let receiver: http.Server;
let base = '';
let db: TestDb;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, json: JSON.parse(body || '{}') as Record<string, unknown> });
      // "/flaky" fails its first request, "/down" every one, as receivers that are briefly or wholly down would.
      const n = received.filter((r) => r.path === req.url).length;
      const fail = req.url?.startsWith('/down') || (req.url?.startsWith('/flaky') && n === 1);
      res.writeHead(fail ? 500 : 200).end(fail ? 'upstream down' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  db = await createPgDatabase('jt_alerts');
  app = await startApp({ targets: { main: db.url }, env: { JANITOR_PUBLIC_URL: 'https://janitor.example.test', JANITOR_ALERT_BACKOFF_SECONDS: '1', JANITOR_ALERT_ATTEMPTS: '2' } });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

async function pageAs(user: AppServer['operator'], width = 1440): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } });
  const page = await ctx.newPage();
  await app.signIn(page, user);
  await page.goto(`${app.baseUrl}/alerts`);
  return page;
}

async function addWebhook(page: Page, o: { name: string; url: string; slack?: boolean; thresholds?: Record<string, string> }) {
  const form = page.getByRole('form', { name: 'Add a webhook' });
  // The page refreshes after the previous action (a save, a test send); a refresh
  // landing between filling and clicking would clear the fields. Fill until they hold.
  await expect
    .poll(async () => {
      await form.getByLabel('Name').fill(o.name);
      await form.getByLabel('Webhook URL').fill(o.url);
      await new Promise((r) => setTimeout(r, 300));
      return [await form.getByLabel('Name').inputValue(), await form.getByLabel('Webhook URL').inputValue()];
    }, { timeout: 30_000 })
    .toEqual([o.name, o.url]);
  if (o.slack) await form.getByLabel('Slack incoming webhook').check();
  for (const [label, value] of Object.entries(o.thresholds ?? {})) await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: 'Add webhook' }).click();
}

describe('alerts page', () => {
  it('an operator adds a Slack webhook, sees it masked, sends a test that arrives, and sees the deliveries', async () => {
    const page = await pageAs(app.operator);
    await expect.poll(() => page.getByRole('heading', { name: 'Alerts' }).isVisible()).toBe(true);

    // A URL that cannot receive anything gets one line next to the field, and nothing is saved.
    await addWebhook(page, { name: 'ops channel', url: 'ftp://files.example.com/drop' });
    await expect.poll(() => page.getByText('Only http:// and https:// URLs can receive alerts.').isVisible(), { timeout: 30_000 }).toBe(true);

    const thresholds = { 'Expired sessions above': '1000000', 'Forecast reaches (GB)': '20', 'within (days)': '30' };
    await addWebhook(page, { name: 'ops channel', url: `${base}/services/${SECRET}`, slack: true, thresholds });
    await expect.poll(() => page.getByText('Webhook saved.').isVisible(), { timeout: 30_000 }).toBe(true);
    const item = page.getByRole('listitem', { name: 'Webhook ops channel' });
    await expect.poll(() => item.textContent()).toContain(`${base}/…`);
    expect(await item.textContent()).toContain('Thresholds: expired sessions > 1,000,000 · forecast reaches 20.0 GB within 30 d');
    expect(await page.content()).not.toContain('xoxSecretForTheBrowserTest');

    await item.getByRole('button', { name: 'Send test to ops channel' }).click();
    await expect.poll(() => item.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Delivered (HTTP 200).');
    const got = received.filter((r) => r.path === `/services/${SECRET}`);
    expect(got).toHaveLength(1);
    expect(Object.keys(got[0]!.json)).toEqual(['text']);
    expect(String(got[0]!.json.text)).toMatch(/^:white_check_mark: \*Test alert from Janitor to ops channel\*\nSent by olivia from the alerts page\./);
    expect(String(got[0]!.json.text)).toContain('<https://janitor.example.test/alerts|Open in Janitor>');

    // A hook whose receiver refuses the first post: the test says so, and the server's worker retries it a second later.
    await addWebhook(page, { name: 'pager', url: `${base}/flaky/hook?token=abc` });
    const pager = page.getByRole('listitem', { name: 'Webhook pager' });
    await expect.poll(() => pager.isVisible(), { timeout: 30_000 }).toBe(true);
    await pager.getByRole('button', { name: 'Send test to pager' }).click();
    await expect.poll(() => pager.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Not delivered yet: HTTP 500: upstream down. It will be retried.');
    // One whose receiver stays down: after JANITOR_ALERT_ATTEMPTS (2) it shows failed.
    await addWebhook(page, { name: 'old pager', url: `${base}/down/hook` });
    const down = page.getByRole('listitem', { name: 'Webhook old pager' });
    await expect.poll(() => down.isVisible(), { timeout: 30_000 }).toBe(true);
    await down.getByRole('button', { name: 'Send test to old pager' }).click();
    await expect.poll(() => down.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/^Not delivered yet: HTTP 500/);

    const rows = page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr');
    const settled = async () => {
      await page.reload();
      return (await rows.allTextContents()).join('\n');
    };
    await expect.poll(settled, { timeout: 60_000, interval: 1_000 }).toMatch(/^failed.*to old pager.*old pager2HTTP 500: upstream down \(gave up after 2 attempts\)/m);
    const table = await settled();
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toMatch(/^delivered.*Test alert from Janitor to pager.*pager2HTTP 200/m);
    expect(table).toMatch(/^delivered.*Test alert from Janitor to ops channel.*ops channel1HTTP 200/m);
    expect(received.filter((r) => r.path === '/flaky/hook?token=abc')).toHaveLength(2);
    expect(received.filter((r) => r.path === '/down/hook')).toHaveLength(2);

    await page.screenshot({ path: path.join(SHOTS, 'alerts-operator-1440.png'), fullPage: true });
    const phone = await pageAs(app.operator, 390);
    await phone.screenshot({ path: path.join(SHOTS, 'alerts-operator-390.png'), fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The audit log names the webhook and shows its URL masked.
    const store = createClient({ url: app.databaseUrl });
    try {
      const audit = await store.execute(`SELECT action, target, detail FROM AuditLog WHERE action LIKE 'alert.%' ORDER BY id`);
      const of = (hook: string) => audit.rows.filter((r) => r.target === `webhook:${hook}`).map((r) => String(r.action));
      expect(of('ops channel')).toEqual(['alert.webhook.add', 'alert.test', 'alert.delivered']);
      expect(of('pager')).toEqual(['alert.webhook.add', 'alert.test', 'alert.retry', 'alert.delivered']);
      expect(of('old pager')).toEqual(['alert.webhook.add', 'alert.test', 'alert.retry', 'alert.failed']);
      for (const r of audit.rows) {
        expect(String(r.detail)).not.toContain('xoxSecret');
        expect(String(r.detail)).not.toContain('token=abc');
      }
    } finally {
      store.close();
    }
    expect(app.logs()).not.toContain('xoxSecret');
  });

  it('a viewer sees webhooks and deliveries but cannot change them', async () => {
    const page = await pageAs(app.viewer);
    await expect.poll(() => page.getByRole('listitem', { name: 'Webhook ops channel' }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByText('Only operators can add or change webhooks.').isVisible()).toBe(true);
    expect(await page.getByRole('form', { name: 'Add a webhook' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Send test|Disable|Remove/ }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr').count()).toBe(3);
    expect(await page.content()).not.toContain('xoxSecretForTheBrowserTest');
    await page.screenshot({ path: path.join(SHOTS, 'alerts-viewer-1440.png'), fullPage: true });
  });
});
