// Fault: two operators (or an operator and a cron job) start a cleanup of the
// same table at the same moment — two browser tabs, two app processes on one
// store, the CLI and the web. Exactly one run exists afterwards; every other
// start is told "already running" with a pointer to that run; the table ends
// exactly as one run leaves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';
import { fillKnobs, openCleanupForm, pressStart, waitForRun } from '../helpers/cleanup-web';
import { holdStore, storedRuns } from '../helpers/store-runs';
import { janitorAsync } from '../helpers/cli';
import { mysqlLockName } from '@/lib/targets/mysql/dedicated-connection';
import { pgLockKey } from '@/lib/targets/postgres/dedicated-connection';

const ROWS = 20_000;
// A run of about 16 s (16 batches, 1 s apart). With 0.1 s it was over in 2 s,
// and on a busy machine the second of two "simultaneous" presses reached the
// server 2.4 s after the first: it then started a second run, rightly.
const KNOBS = { deleteCount: 1000, sleepSeconds: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Seeded = TestDb & { dialect: Dialect; expired: number; live: number };

const dbs: Record<string, Seeded> = {};
let first: AppServer;
let second: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function seed(name: string, dialect: Dialect) {
  const db = dialect === 'postgres' ? await createPgDatabase('jf_start') : await createMysqlDatabase('jf_start');
  dbs[name] = { ...db, dialect, ...(await seedDjangoSessions(dialect, db.url, ROWS)) };
}

beforeAll(async () => {
  await Promise.all([seed('tabs', 'postgres'), seed('apps', 'mysql'), seed('clipg', 'postgres'), seed('climy', 'mysql')]);
  const targets = Object.fromEntries(Object.entries(dbs).map(([name, db]) => [name, db.url]));
  first = await startApp({ targets });
  // A second instance on the same store, as behind a load balancer.
  second = await startApp({ targets, store: first });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await second?.stop();
  await first?.stop();
  await Promise.allSettled(Object.values(dbs).map((d) => d.drop()));
});

async function signedIn(app: AppServer, ctx?: BrowserContext): Promise<Page> {
  if (!ctx) {
    ctx = await browser.newContext();
    contexts.push(ctx);
  }
  const page = await ctx.newPage();
  // Sessions live in the store: one sign-in serves both app processes.
  await app.signIn(page, app.operator);
  return page;
}

/** One started, the others refused with a link to it; the store holds that one run, which then deletes exactly the expired rows. */
async function expectOneRun(target: string, outcomes: Array<{ started: string } | { refused: string; link: string | null } | { cli: { status: number | null; stdout: string; stderr: string } }>, watcher: Page) {
  const db = dbs[target]!;
  const runs = (await storedRuns(first.databaseUrl)).filter((r) => r.target === target);
  expect(runs, JSON.stringify({ runs, outcomes })).toHaveLength(1);
  const runId = runs[0]!.id;
  let winners = 0;
  for (const o of outcomes) {
    if ('started' in o) {
      winners++;
      expect(o.started).toBe(runId);
    } else if ('refused' in o) {
      expect(o.refused).toMatch(/already (running|going)/);
      expect(o.link).toBe(`/runs/${runId}`);
    } else if (o.cli.status === 0) {
      winners++;
      expect(JSON.parse(o.cli.stdout.split('\n')[0]!).runId).toBe(runId);
    } else {
      expect(o.cli.stderr.trim()).toBe(`janitor: a cleanup of ${runs[0]!.schema}.django_session is already running (run ${runId})`);
    }
  }
  expect(winners).toBe(1);
  const done = await waitForRun(watcher, first.baseUrl, runId, (r) => !['queued', 'running'].includes(r.status), 90_000);
  expect(done).toMatchObject({ status: 'completed', totalDeleted: db.expired });
  expect(await countSessions(db.dialect, db.url, new Date(done.cutoff))).toEqual({ total: db.live, expired: 0 });
  expect((await storedRuns(first.databaseUrl)).filter((r) => r.target === target)).toHaveLength(1);
}

describe('concurrent starts of a cleanup of the same table', () => {
  it('two browser tabs press Start at the same moment: one run, the other tab is pointed to it', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    // Two tabs of one signed-in browser.
    const a = await signedIn(first, ctx);
    const b = await ctx.newPage();
    for (const p of [a, b]) {
      await openCleanupForm(p, first.baseUrl, 'tabs');
      await fillKnobs(p, KNOBS);
    }
    const outcomes = await Promise.all([pressStart(a), pressStart(b)]);
    await expectOneRun('tabs', outcomes, a);
  });

  it('two app processes on one store start at the same moment: one run, the other is pointed to it', async () => {
    const [a, b] = [await signedIn(first), await signedIn(second)];
    await openCleanupForm(a, first.baseUrl, 'apps');
    await openCleanupForm(b, second.baseUrl, 'apps');
    for (const p of [a, b]) await fillKnobs(p, KNOBS);
    const outcomes = await Promise.all([pressStart(a), pressStart(b)]);
    await expectOneRun('apps', outcomes, a);
  });

  for (const [target, dialect] of [['clipg', 'postgres'], ['climy', 'mysql']] as const) {
    it(`${dialect}: the web queues a start while a CLI start holds the table's lock but has not stored its run yet: one run, the other start is pointed to it`, async () => {
      const db = dbs[target]!;
      const page = await signedIn(first);
      await openCleanupForm(page, first.baseUrl, target);
      await page.getByTestId('cleanup-preview').waitFor();
      await fillKnobs(page, KNOBS);
      // A start takes the table's lock, prepares (the exact count: seconds on a
      // big table), then stores its run. Holding the store's write lock keeps
      // the CLI's start in that window for as long as the test needs.
      const hold = await holdStore(first.databaseUrl);
      const watch = await watchLocks(dialect, db.url);
      let cli: ReturnType<typeof janitorAsync> | undefined;
      try {
        cli = janitorAsync(['cleanup', '--target', target, '--table', 'django_session', '--delete-count', String(KNOBS.deleteCount), '--sleep-seconds', String(KNOBS.sleepSeconds), '--json'], {
          env: { DATABASE_URL: first.databaseUrl, [`JANITOR_TARGET_${target.toUpperCase()}`]: db.url },
        });
        await until('the CLI to take the table\'s cleanup lock', () => watch.cleanupLockTaken());
        const sent = page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined, { timeout: 30_000 });
        const web = pressStart(page);
        await sent;
        // The web's start does not lock the target: it stores a queued run, and
        // waits for the store's write lock as the CLI does. Whichever stores
        // first has the table; the other is told so. If the web wins, its
        // worker waits for the CLI to let go of the table's lock.
        await sleep(1_000);
        await hold.release();
        const outcomes = [await web, { cli: await cli.done }];
        await expectOneRun(target, outcomes, page);
      } finally {
        await hold.release().catch(() => {});
        hold.close();
        await watch.end();
        cli?.child.kill('SIGKILL');
      }
    });
  }
});

async function until(what: string, cond: () => Promise<boolean>, ms = 60_000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Sees the cleanup lock on the target taken. */
async function watchLocks(dialect: Dialect, url: string) {
  if (dialect === 'postgres') {
    const watch = await pgClient(url);
    const key = pgLockKey('public', 'django_session');
    return {
      cleanupLockTaken: async () =>
        (await watch.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = ($1::bigint & 4294967295)::oid", [key])).rows[0].n > 0,
      end: () => watch.end(),
    };
  }
  const watch = await mysqlConn(url);
  const database = new URL(url).pathname.slice(1);
  return {
    cleanupLockTaken: async () => {
      const [r] = await watch.query('SELECT IS_USED_LOCK(?) AS holder', [mysqlLockName(database, 'django_session')]);
      return (r as { holder: number | null }[])[0]!.holder !== null;
    },
    end: () => watch.end(),
  };
}
