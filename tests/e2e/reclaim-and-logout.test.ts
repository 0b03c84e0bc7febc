// Giving the disk back and logging everyone out, in a real browser against
// `next start` and a real PostgreSQL (and MariaDB): a completed cleanup offers
// the rewrite with the space it would give back; the reclaim page shows the
// lock it takes and the session holding the table (its pid); VACUUM FULL waits
// behind that session live, gives up naming it, then runs once it is gone and
// the sizes show the drop. Log everyone out needs the table's name typed (the
// server checks it too) and deletes every session; the instant TRUNCATE comes
// with its own warning. Viewers get neither page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions } from '../helpers/session-tables';

const ROWS = 40_000;
const SESSIONS = 3_000;
const MY_ROWS = 2_000;
const fmt = (n: number) => n.toLocaleString('en-US');

let pgDb: TestDb & { expired: number; live: number };
let myDb: TestDb;
let app: AppServer;
let browser: Browser;
let operator: Page;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  return ctx.newPage();
}

async function pgQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const c = await pgClient(pgDb.url);
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const totalSize = async () => Number((await pgQuery<{ b: string }>(`SELECT pg_total_relation_size('django_session') AS b`))[0]!.b);
const sessionRows = async () => (await pgQuery<{ n: number }>('SELECT count(*)::int AS n FROM session'))[0]!.n;

/** A transaction that has read django_session and stays open: it holds ACCESS SHARE until it ends. */
async function holdTable(): Promise<{ pid: number; release: () => Promise<void> }> {
  const c = await pgClient(pgDb.url);
  await c.query('BEGIN');
  await c.query('SELECT count(*) FROM django_session');
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return {
    pid,
    release: async () => {
      await c.query('COMMIT');
      await c.end();
    },
  };
}

const waitForRunStatus = (page: Page, status: string, timeout = 60_000) => page.locator(`[data-testid=run-status][data-status=${status}]`).waitFor({ timeout });
const waitForOperationStatus = (page: Page, status: string, timeout = 60_000) => page.locator(`[data-testid=operation-status][data-status=${status}]`).waitFor({ timeout });
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
/** "70.0 MB" → bytes, as formatBytes writes them. */
const parseBytes = (s: string) => {
  const m = /([\d.]+)\s*(B|kB|MB|GB)/.exec(s);
  if (!m) throw new Error(`no size in "${s}"`);
  return Number(m[1]) * 1024 ** ['B', 'kB', 'MB', 'GB'].indexOf(m[2]!);
};

beforeAll(async () => {
  const db = await createPgDatabase('jt_e2e_reclaim');
  pgDb = { ...db, ...(await seedDjangoSessions('postgres', db.url, ROWS)) };
  // A connect-pg-simple session table to log everyone out of: some expired, most live.
  await pgQuery(`CREATE TABLE session (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL);
    INSERT INTO session SELECT md5(i::text), '{}', CASE WHEN i % 3 = 0 THEN now() - interval '1 hour' ELSE now() + interval '1 day' END FROM generate_series(1, ${SESSIONS}) i;
    ANALYZE session;`);
  myDb = await createMysqlDatabase('jt_e2e_reclaim');
  await seedDjangoSessions('mysql', myDb.url, MY_ROWS);
  app = await startApp({ targets: { main: pgDb.url, shop: myDb.url } });
  browser = await launchBrowser();
  operator = await newPage();
  await app.signIn(operator, app.operator);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await Promise.allSettled([pgDb?.drop(), myDb?.drop()]);
});

describe('giving the disk back after a cleanup (PostgreSQL)', () => {
  let offerHref: string;
  let blocker: { pid: number; release: () => Promise<void> };
  let sizeAfterCleanup: number;

  it('operator completes a cleanup and the run page offers VACUUM FULL with the space it would give back', async () => {
    await operator.goto(`${app.baseUrl}/targets/main/cleanup?schema=public&table=django_session`);
    await operator.getByLabel('Delete count').fill('5000');
    await operator.getByLabel('Sleep seconds').fill('0');
    await operator.getByRole('button', { name: 'Start cleanup' }).click();
    await operator.waitForURL(/\/runs\/[^/]+$/);
    await waitForRunStatus(operator, 'completed');
    expect(await countSessions('postgres', pgDb.url, new Date())).toEqual({ total: pgDb.live, expired: 0 });

    const offer = operator.getByTestId('reclaim-offer');
    await offer.waitFor({ timeout: 30_000 });
    const text = (await offer.textContent())!;
    expect(text).toContain('The table still holds its disk space. VACUUM FULL (with ANALYZE) would give back about');
    // 80% of the rows are gone: the rewrite should give back well over half of the table.
    sizeAfterCleanup = await totalSize();
    const back = parseBytes((await operator.getByTestId('reclaim-offer-bytes').textContent())!);
    expect(back).toBeGreaterThan(sizeAfterCleanup * 0.5);
    expect(back).toBeLessThan(sizeAfterCleanup);
    expect(text).toContain('an ACCESS EXCLUSIVE lock');
    const link = offer.getByRole('link', { name: 'Reclaim space with VACUUM FULL (with ANALYZE)' });
    offerHref = (await link.getAttribute('href'))!;
    expect(offerHref).toBe('/targets/main/reclaim?schema=public&table=django_session&mode=full');
  });

  it('the reclaim page shows the lock it takes, the disk it needs, and the session holding the table with its pid', async () => {
    blocker = await holdTable();
    await operator.getByTestId('reclaim-offer').getByRole('link').click();
    await operator.waitForURL(/\/targets\/main\/reclaim\?/);
    await operator.getByRole('heading', { name: 'Reclaim space of public.django_session' }).waitFor();
    expect(await operator.getByRole('radio', { name: /VACUUM FULL \(with ANALYZE\)/ }).isChecked()).toBe(true);

    const warning = operator.getByTestId('reclaim-warning');
    await warning.waitFor();
    const w = (await warning.textContent())!;
    expect(w).toContain('LockACCESS EXCLUSIVEreads and writes wait');
    expect(w).toMatch(/Holds it forabout \d/);
    expect(w).toMatch(/Extra diskabout [\d.]+ [kMG]?B/);
    expect(w).toMatch(/Space backabout [\d.]+ [kMG]?B/);
    expect(w).toContain('Size after: estimate from live rows');
    expect(w).toContain(`(pid ${blocker.pid})`);

    const row = operator.getByTestId('reclaim-blockers').locator(`[data-testid=blocker][data-pid="${blocker.pid}"]`);
    await row.waitFor();
    const r = (await row.textContent())!;
    expect(r).toContain(String(blocker.pid));
    expect(r).toContain('idle in transaction');
    expect(r).toContain('blocks it');
    expect(r).toContain('pg_backend_pid');
  });

  it('with that session still open, VACUUM FULL waits behind it live, gives up after its lock timeout naming its pid, and the table is untouched', async () => {
    await operator.getByLabel('Lock timeout (s)').fill('3');
    await operator.getByLabel('Retries').fill('0');
    await operator.getByRole('button', { name: 'Start VACUUM FULL (with ANALYZE)' }).click();
    await operator.waitForURL(/\/operations\/[^/]+$/);
    await markDocument(operator);
    // Streamed while it waits: the phase and who it waits behind.
    await operator.getByTestId('operation-phase').filter({ hasText: `waiting for lock behind pid ${blocker.pid}` }).waitFor({ timeout: 10_000 });
    await waitForOperationStatus(operator, 'failed', 30_000);
    expect(await sameDocument(operator)).toBe(true);
    await operator.getByText(`could not get its ACCESS EXCLUSIVE lock within 3 s; nothing was changed; blocked by pid ${blocker.pid}`).waitFor();
    expect(await operator.locator(`[data-testid=blocker][data-pid="${blocker.pid}"]`).count()).toBeGreaterThan(0);
    expect(await totalSize()).toBe(sizeAfterCleanup);
  });

  it('once the session ends, VACUUM FULL runs with progress streamed to the page, and the sizes before and after show the drop', async () => {
    await operator.goto(`${app.baseUrl}${offerHref}`);
    await operator.getByLabel('Lock timeout (s)').fill('2');
    await operator.getByLabel('Retries').fill('10');
    await operator.getByLabel('Pause between attempts (s)').fill('1');
    await operator.getByRole('button', { name: 'Start VACUUM FULL (with ANALYZE)' }).click();
    await operator.waitForURL(/\/operations\/[^/]+$/);
    const operationUrl = operator.url();
    await markDocument(operator);
    // The first attempt cannot get its lock: the page shows it, with the pid, without a reload.
    await operator.getByTestId('attempt-event').first().waitFor({ timeout: 15_000 });
    expect(await operator.getByTestId('attempt-event').first().textContent()).toContain(String(blocker.pid));
    await blocker.release();

    await waitForOperationStatus(operator, 'completed', 60_000);
    expect(await sameDocument(operator)).toBe(true);
    await operator.getByTestId('operation-phase').filter({ hasText: 'done' }).waitFor();
    expect(await operator.getByRole('progressbar', { name: 'Operation progress' }).getAttribute('aria-valuenow')).toBe('100');

    const after = await totalSize();
    expect(after).toBeLessThan(sizeAfterCleanup * 0.5);
    const before = parseBytes((await operator.getByTestId('size-before').textContent())!);
    const shownAfter = parseBytes((await operator.getByTestId('size-after').textContent())!);
    expect(Math.abs(before - sizeAfterCleanup)).toBeLessThan(sizeAfterCleanup * 0.05);
    expect(Math.abs(shownAfter - after)).toBeLessThan(after * 0.05 + 1024);
    expect(await operator.getByTestId('size-back').textContent()).toMatch(/Given back[\d.]+ [kMG]?B\d+% of the table/);
    await operator.getByText(/^Completed in [\dhms. ]+: [\d.]+ [kMG]?B → [\d.]+ [kMG]?B, [\d.]+ [kMG]?B given back\.$/).waitFor();
    // Every live session is still there.
    expect(await countSessions('postgres', pgDb.url, new Date())).toEqual({ total: pgDb.live, expired: 0 });

    // The history lists both operations, newest first.
    await operator.goto(`${app.baseUrl}/operations`);
    const rows = operator.locator('tbody tr');
    expect(await rows.first().textContent()).toMatch(/completed.*django_session.*VACUUM FULL \(with ANALYZE\).*main.*olivia/);
    expect(await rows.nth(1).textContent()).toContain('failed');
    await rows.first().getByRole('link').click();
    await operator.waitForURL(operationUrl);
  });

  it('the audit log has the cleanup, the refused and the completed operation', async () => {
    const rows = (await (await operator.request.get(`${app.baseUrl}/api/audit?format=json`)).json()) as Array<{ actor: string; action: string; outcome: string }>;
    const has = (action: string, outcome: string) => rows.some((r) => r.actor === app.operator.username && r.action === action && r.outcome === outcome);
    expect(has('cleanup.completed', 'ok')).toBe(true);
    expect(has('reclaim.start', 'ok')).toBe(true);
    expect(has('reclaim.failed', 'error')).toBe(true);
    expect(has('reclaim.completed', 'ok')).toBe(true);
  });
});

describe('log everyone out (PostgreSQL)', () => {
  it('operator opens it from the report and sees how many sessions it will end; the button stays disabled until the name is typed exactly', async () => {
    await operator.goto(`${app.baseUrl}/targets/main`);
    const row = operator.getByRole('region', { name: 'Session tables' }).locator('tbody tr', { hasText: 'public.session' });
    await row.getByRole('link', { name: 'Log everyone out' }).click();
    await operator.waitForURL(/\/targets\/main\/logout-all\?/);
    await operator.getByRole('heading', { name: 'Log everyone out of public.session' }).waitFor();
    expect(await operator.getByTestId('logout-all-count').textContent()).toContain(`Sessions it will end${fmt(SESSIONS)}`);

    const button = operator.getByRole('button', { name: 'Log everyone out' });
    const confirm = operator.getByLabel('Type session to confirm');
    expect(await button.isDisabled()).toBe(true);
    for (const wrong of ['sessio', 'Session', 'session ', 'django_session', 'public.session']) {
      await confirm.fill(wrong);
      expect(await button.isDisabled(), `typed "${wrong}"`).toBe(true);
    }
    await confirm.fill('session');
    expect(await button.isEnabled()).toBe(true);
  });

  it('a submission with a wrong name, sent past the disabled button, is refused by the server and deletes nothing', async () => {
    await operator.getByLabel('Type session to confirm').fill('wrong');
    // What a crafted request would do: submit the form anyway.
    await operator.evaluate(() => document.querySelector<HTMLFormElement>('form:has(#confirm)')!.requestSubmit());
    await operator.getByText('The typed name does not match the table; nothing was deleted.').waitFor();
    await operator.getByText('Type session exactly to confirm.').waitFor();
    expect(operator.url()).toContain('/logout-all?');
    expect(await sessionRows()).toBe(SESSIONS);
    const audit = (await (await operator.request.get(`${app.baseUrl}/api/audit?format=json`)).json()) as Array<{ actor: string; action: string; outcome: string; detail: string | null }>;
    expect(audit.some((r) => r.action === 'logout-all.start' && r.outcome === 'denied' && (r.detail ?? '').includes('typed table name did not match'))).toBe(true);
  });

  it('with the exact name, the graceful run deletes every session, expired or not', async () => {
    await operator.getByLabel('Type session to confirm').fill('session');
    await operator.getByLabel('Delete count').fill('500');
    await operator.getByLabel('Sleep seconds').fill('0');
    await operator.getByRole('button', { name: 'Log everyone out' }).click();
    await operator.waitForURL(/\/runs\/[^/]+$/);
    await operator.getByRole('heading', { name: 'Log everyone out of public.session' }).waitFor();
    await waitForRunStatus(operator, 'completed');
    await operator.getByText(`Completed: ${fmt(SESSIONS)} sessions deleted`).waitFor();
    expect(await sessionRows()).toBe(0);
  });
});

describe('log everyone out instantly (MariaDB)', () => {
  it('operator chooses instant, reads its own warning, types the name, and TRUNCATE empties the table', async () => {
    await operator.goto(`${app.baseUrl}/targets/shop`);
    await operator.getByRole('region', { name: 'Session tables' }).getByRole('link', { name: 'Log everyone out' }).click();
    await operator.waitForURL(/\/targets\/shop\/logout-all\?/);
    expect(await operator.getByTestId('logout-all-count').textContent()).toContain(`Sessions it will end${fmt(MY_ROWS)}`);
    expect(await operator.getByTestId('truncate-warning').count()).toBe(0);
    await operator.getByRole('radio', { name: /Instant \(TRUNCATE\)/ }).check();
    const warning = (await operator.getByTestId('truncate-warning').textContent())!;
    expect(warning).toContain('an exclusive metadata lock');
    expect(warning).toContain('It cannot be paused, cancelled or undone.');
    const button = operator.getByRole('button', { name: 'Log everyone out now (TRUNCATE)' });
    expect(await button.isDisabled()).toBe(true);
    await operator.getByLabel('Type django_session to confirm').fill('django_session');
    await button.click();
    await operator.getByText(`Everyone is logged out: TRUNCATE removed ${fmt(MY_ROWS)} sessions from ${myDb.name}.django_session`).waitFor();
    const c = await mysqlConn(myDb.url);
    const [rows] = await c.query('SELECT COUNT(*) AS n FROM django_session');
    await c.end();
    expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(0);
  });
});

describe('viewers', () => {
  it('a viewer sees neither page nor the links to them; the operation page has no controls for them', async () => {
    const viewer = await newPage();
    await app.signIn(viewer, app.viewer);
    for (const path of ['/targets/main/reclaim?schema=public&table=django_session', '/targets/main/logout-all?schema=public&table=session']) {
      await viewer.goto(`${app.baseUrl}${path}`);
      expect(new URL(viewer.url()).pathname + new URL(viewer.url()).search, path).toBe('/?denied=1');
    }
    await viewer.goto(`${app.baseUrl}/targets/main`);
    await viewer.getByRole('region', { name: 'Tables' }).locator('tbody tr').first().waitFor();
    for (const name of ['Reclaim space', 'Log everyone out', 'Start cleanup']) expect(await viewer.getByRole('link', { name }).count(), name).toBe(0);

    await viewer.goto(`${app.baseUrl}/operations`);
    await viewer.locator('tbody tr').first().getByRole('link').click();
    await waitForOperationStatus(viewer, 'completed');
    expect(await viewer.getByRole('button', { name: /Cancel operation/ }).count()).toBe(0);
    expect(await viewer.getByTestId('size-after').textContent()).toMatch(/After[\d.]+ [kMG]?B/);
  });
});
