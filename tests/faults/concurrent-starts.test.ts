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
import { storedRuns } from '../helpers/store-runs';
import { janitorAsync } from '../helpers/cli';
import { mysqlLockName, pgLockKey } from '@/lib/cleanup/lock-name';

const ROWS = 20_000;
const KNOBS = { deleteCount: 1000, sleepSeconds: 0.1 };
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
  expect(runs).toHaveLength(1);
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
  const done = await waitForRun(watcher, first.baseUrl, runId, (r) => r.status !== 'running', 90_000);
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
    it(`${dialect}: the web starts while a CLI start is still preparing (a slow count on a big table): one run, the web is pointed to it`, async () => {
      const db = dbs[target]!;
      // Hold the table so whoever starts first stays in its preparation (the
      // exact count) for a moment, lock taken but no run stored yet: the
      // window a second start meets on a big table.
      const page = await signedIn(first);
      await openCleanupForm(page, first.baseUrl, target);
      await page.getByTestId('cleanup-preview').waitFor();
      await fillKnobs(page, KNOBS);
      const hold = await holdTable(dialect, db.url);
      let cli: ReturnType<typeof janitorAsync> | undefined;
      let web: Promise<Awaited<ReturnType<typeof pressStart>>> | undefined;
      try {
        cli = janitorAsync(['cleanup', '--target', target, '--table', 'django_session', '--delete-count', String(KNOBS.deleteCount), '--sleep-seconds', String(KNOBS.sleepSeconds), '--json'], {
          env: { DATABASE_URL: first.databaseUrl, [`JANITOR_TARGET_${target.toUpperCase()}`]: db.url },
        });
        await until('the CLI to take the table\'s cleanup lock', () => hold.cleanupLockTaken());
        web = pressStart(page);
        // Long enough for the web's start to meet the taken lock; well inside
        // the CLI's 3 s lock timeout, which would otherwise fail its count.
        await sleep(500);
        await hold.release();
        const outcomes = [await web, { cli: await cli.done }];
        await expectOneRun(target, outcomes, page);
      } finally {
        await hold.release().catch(() => {});
        await hold.end();
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

/** An application transaction that locks the whole table (reads wait), and a way to see Janitor's lock. */
async function holdTable(dialect: Dialect, url: string) {
  let held = true;
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    const watch = await pgClient(url);
    await c.query('BEGIN');
    await c.query('LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE');
    const key = pgLockKey('public', 'django_session');
    return {
      cleanupLockTaken: async () =>
        (await watch.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = ($1::bigint & 4294967295)::oid", [key])).rows[0].n > 0,
      release: async () => {
        if (held) await c.query('COMMIT');
        held = false;
      },
      end: async () => void (await Promise.all([c.end(), watch.end()])),
    };
  }
  const c = await mysqlConn(url);
  const watch = await mysqlConn(url);
  const database = new URL(url).pathname.slice(1);
  await c.query('LOCK TABLES django_session WRITE');
  return {
    cleanupLockTaken: async () => {
      const [r] = await watch.query('SELECT IS_USED_LOCK(?) AS holder', [mysqlLockName(database, 'django_session')]);
      return (r as { holder: number | null }[])[0]!.holder !== null;
    },
    release: async () => {
      if (held) await c.query('UNLOCK TABLES');
      held = false;
    },
    end: async () => void (await Promise.all([c.end(), watch.end()])),
  };
}
