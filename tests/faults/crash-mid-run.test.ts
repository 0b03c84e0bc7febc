// Fault: the process running a cleanup dies (kill -9, OOM, a host reboot),
// at any point of a batch: between batches, while its DELETE waits on a row
// lock, between storing the batch and its COMMIT; or the COMMIT's reply is
// lost; or the store is busy. After a restart a run started from the web is
// taken over by the restarted server's worker; one started in the CLI's foreground shows as interrupted;
// resuming it completes it with every row expired at the cutoff gone, every
// live row kept, and the run's totals equal to the rows that left the table.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type mysql from 'mysql2/promise';
import { launchBrowser } from '../helpers/browser';
import { startApp, type AppServer } from '../helpers/app-server';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';
import { fillKnobs, openCleanupForm, pressStart, runJson, waitForRun, waitForStatus } from '../helpers/cleanup-web';
import { holdStore, storedRun } from '../helpers/store-runs';
import { janitor, janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';

const DIALECTS: Dialect[] = ['postgres', 'mysql'];
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every 150 ms: InnoDB refreshes information_schema.INNODB_TRX only when it was not read for 100 ms. */
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('kill -9 of the web app mid-run', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const apps: AppServer[] = [];
  const dbs: TestDb[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    // The restarted apps first: the first one owns the store directory.
    for (const a of apps.reverse()) await a.stop().catch(() => {});
    await Promise.allSettled(dbs.map((d) => d.drop()));
  });

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    return ctx.newPage();
  }

  for (const dialect of DIALECTS) {
    it(`${dialect}: after the app restarts its worker takes the run over on its own and completes it with exactly the expired rows gone`, async () => {
      const db = dialect === 'postgres' ? await createPgDatabase('jf_crash') : await createMysqlDatabase('jf_crash');
      dbs.push(db);
      const seeded = await seedDjangoSessions(dialect, db.url, 10_000);
      const first = await startApp({ targets: { main: db.url } });
      apps.push(first);
      const page = await newPage();
      await first.signIn(page, first.operator);
      await openCleanupForm(page, first.baseUrl, 'main');
      await fillKnobs(page, { deleteCount: 400, sleepSeconds: 0.2 });
      const started = await pressStart(page);
      if (!('started' in started)) throw new Error(`the run did not start: ${started.refused}`);
      const runId = started.started;

      const before = await waitForRun(page, first.baseUrl, runId, (r) => r.batchCount >= 3);
      expect(before.status).toBe('running');
      await first.crash();
      expect(processGone(first.pid)).toBe(true);

      // Nothing runs any more: the table stays as the dead process left it.
      const left = await countSessions(dialect, db.url, new Date(before.cutoff));
      await sleep(800);
      expect(await countSessions(dialect, db.url, new Date(before.cutoff))).toEqual(left);
      expect(left.expired).toBeGreaterThan(0);
      // What the store recorded before the kill is what left the table, plus
      // the last batch when the kill fell between its store write and its
      // COMMIT: that batch is in doubt until the next worker asks the target.
      const atKill = await storedRun(first.databaseUrl, runId);
      expect([0, atKill.lastBatchDeleted]).toContain(atKill.totalDeleted - (seeded.expired - left.expired));

      // Same store, same address: the browser's session still works. Nobody presses anything.
      const second = await startApp({ targets: { main: db.url }, store: first, port: Number(new URL(first.baseUrl).port) });
      apps.push(second);
      expect(second.logs()).toMatch(/1 cleanup run of a stopped process/);
      await page.goto(`${second.baseUrl}/runs/${runId}`);
      await waitForStatus(page, 'completed', 90_000);
      await expect.poll(() => page.getByText(/Taken over once after its worker stopped/).isVisible()).toBe(true);

      const done = await runJson(page, second.baseUrl, runId);
      expect(done).toMatchObject({ status: 'completed', totalDeleted: seeded.expired, takeovers: 1 });
      expect(await countSessions(dialect, db.url, new Date(before.cutoff))).toEqual({ total: seeded.live, expired: 0 });
      const stored = await storedRun(second.databaseUrl, runId);
      expect(stored.batchDeleted).toBe(seeded.expired);
      const audit = await (await page.request.get(`${second.baseUrl}/api/audit?action=cleanup.takeover`)).text();
      expect(audit).toContain(runId);
    });
  }
});

/**
 * Holds a row lock on one expired row in the middle of the walk, so the batch
 * that reaches it waits; returns when a cleanup session is waiting on it.
 */
async function blockMidTable(dialect: Dialect, url: string) {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    // Rows were inserted in order; i = 10001 is expired and half-way through the heap walk.
    await c.query('BEGIN');
    await c.query("SELECT 1 FROM django_session WHERE session_key = md5('10001') FOR UPDATE");
    // Another session watches: pg_stat_activity is a snapshot within a transaction.
    const watch = await pgClient(url);
    const waiting = async () => {
      const r = await watch.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'janitor cleanup' AND wait_event_type = 'Lock'");
      return r.rows[0].n > 0;
    };
    return { waiting, release: async () => void (await c.query('COMMIT')), end: async () => void (await Promise.all([c.end(), watch.end()])) };
  }
  const c: mysql.Connection = await mysqlConn(url);
  const [rows] = await c.query("SELECT session_key FROM django_session WHERE expire_date < UTC_TIMESTAMP() ORDER BY session_key LIMIT 1 OFFSET 8000");
  const key = (rows as { session_key: string }[])[0]!.session_key;
  await c.query('START TRANSACTION');
  await c.query('SELECT 1 FROM django_session WHERE session_key = ? FOR UPDATE', [key]);
  const watch = await mysqlConn(url);
  const waiting = async () => {
    const [r] = await watch.query(
      "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()",
    );
    return Number((r as { n: number }[])[0]!.n) > 0;
  };
  return { waiting, release: async () => void (await c.query('COMMIT')), end: async () => void (await Promise.all([c.end(), watch.end()])) };
}

/** The cleanup's old session on the target is gone (the server noticed its client died). */
async function cleanupSessionsGone(dialect: Dialect, url: string): Promise<boolean> {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    await c.end();
    return r.rows[0].n === 0;
  }
  const c = await mysqlConn(url);
  const [r] = await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()');
  await c.end();
  return Number((r as { n: number }[])[0]!.n) === 0;
}

describe('kill -9 of the CLI in the middle of a batch', () => {
  const store = useTempStore();
  const env = { DATABASE_URL: store };
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  for (const dialect of DIALECTS) {
    it(`${dialect}: a batch still waiting on a row lock when the process dies is not deleted behind the run's back; resume ends exact`, async () => {
      db = dialect === 'postgres' ? await createPgDatabase('jf_batch') : await createMysqlDatabase('jf_batch');
      const seeded = await seedDjangoSessions(dialect, db.url, 20_000);
      const blocker = await blockMidTable(dialect, db.url);
      try {
        const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '0', '--json'], { env });
        await until('a batch waiting on the row lock', () => blocker.waiting(), 60_000).catch((e) => {
          throw new Error(`${(e as Error).message}; the run printed: ${run.output().slice(-1000)} ${run.errors().slice(-1000)}`);
        });
        run.child.kill('SIGKILL');
        await run.done;
        // The application's transaction ends; the dead run's batch must not go through now.
        await blocker.release();
      } finally {
        await blocker.end();
      }
      const runs = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout) as { id: string; status: string; totalDeleted: number; cutoff: string }[];
      const stored = runs[0]!;
      expect(stored.status).toBe('interrupted');
      await until('the dead run\'s session to end', () => cleanupSessionsGone(dialect, db!.url), 30_000);
      const cutoff = new Date(stored.cutoff);
      const now = await countSessions(dialect, db.url, cutoff);
      // Rows gone from the table = rows the store says the run deleted.
      expect(seeded.expired - now.expired).toBe(stored.totalDeleted);

      const resumed = janitor(['runs', 'resume', stored.id, '--url', db.url, '--json'], { env });
      expect(resumed.stderr).toBe('');
      expect(lines(resumed.stdout).at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions(dialect, db.url, cutoff)).toEqual({ total: seeded.live, expired: 0 });
    });
  }
});

describe('a CLI run stopped by SIGTERM (a service manager stopping the host)', () => {
  it('finishes its batch, records the run as cancelled, prints how to resume it, and resuming ends exact', async () => {
    const store = useTempStore();
    const env = { DATABASE_URL: store };
    const db = await createPgDatabase('jf_term');
    try {
      const seeded = await seedDjangoSessions('postgres', db.url, 10_000);
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '500', '--sleep-seconds', '0.2'], { env });
      await until('a batch', async () => /^batch 2:/m.test(run.output()));
      run.child.kill('SIGTERM');
      const r = await run.done;
      expect(r.status).toBe(143);
      const hint = /resume with: npx janitor runs resume (\S+)$/m.exec(r.stdout);
      expect(hint, r.stdout).not.toBeNull();
      const runId = hint![1]!;
      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === runId);
      expect(stored.status).toBe('cancelled');
      const resumed = janitor(['runs', 'resume', runId, '--url', db.url, '--json'], { env });
      expect(resumed.stderr).toBe('');
      expect(lines(resumed.stdout).at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions('postgres', db.url, new Date(stored.cutoff))).toEqual({ total: seeded.live, expired: 0 });
    } finally {
      await db.drop();
    }
  });
});

/** Ends the cleanup's target session while it sits in its batch's open transaction (DELETE done, COMMIT not sent). */
async function dropOpenBatchConnection(dialect: Dialect, url: string): Promise<boolean> {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    const r = await c.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'janitor cleanup' AND state = 'idle in transaction'",
    );
    await c.end();
    return r.rows.some((x) => x.ok);
  }
  const c = await mysqlConn(url);
  try {
    const [rows] = await c.query(
      "SELECT t.trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = DATABASE() AND p.COMMAND = 'Sleep' AND t.trx_rows_modified > 0",
    );
    const ids = (rows as { id: number }[]).map((r) => Number(r.id));
    for (const id of ids) await c.query('KILL CONNECTION ?', [id]);
    return ids.length > 0;
  } finally {
    await c.end();
  }
}

describe('the store is busy', () => {
  it('another process holds the store\'s write lock for seconds (a second app, a migration): the run waits for it and carries on; exact', async () => {
    const store = useTempStore();
    const env = { DATABASE_URL: store };
    const db = await createMysqlDatabase('jf_busy');
    try {
      const seeded = await seedDjangoSessions('mysql', db.url, 10_000);
      const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '500', '--sleep-seconds', '0.1', '--json'], { env });
      await until('two batches', async () => lines(run.output()).filter((l) => l.type === 'batch').length >= 2);
      const hold = await holdStore(store);
      // Counted once the hold is taken, not when two batches were seen: on a busy
      // machine more batches can be stored between the two.
      const atHold = lines(run.output()).filter((l) => l.type === 'batch').length;
      await sleep(3_000);
      const during = lines(run.output()).filter((l) => l.type === 'batch').length;
      await hold.release();
      hold.close();
      const r = await run.done;
      expect(r.stderr).toBe('');
      const out = lines(r.stdout);
      // Nothing went past the batch waiting for the store (one stored before the
      // hold may still have been on its way through the pipe).
      expect(during).toBeLessThanOrEqual(atHold + 1);
      expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions('mysql', db.url, new Date(out[0].cutoff))).toEqual({ total: seeded.live, expired: 0 });
    } finally {
      await db.drop();
    }
  });
});

describe('the COMMIT of a stored batch is lost', () => {
  const store = useTempStore();
  const env = { DATABASE_URL: store };
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  /**
   * A batch is stored before its COMMIT. Holding the store's write lock keeps
   * the worker between the two, with its DELETE done; the test then drops the
   * worker's connection to the target, so that COMMIT never happens, and lets
   * the store write through.
   */
  async function loseACommit(dialect: Dialect) {
    db = dialect === 'postgres' ? await createPgDatabase('jf_commit') : await createMysqlDatabase('jf_commit');
    const seeded = await seedDjangoSessions(dialect, db.url, 10_000);
    const run = janitorAsync(['cleanup', '--url', db.url, '--table', 'django_session', '--delete-count', '1000', '--sleep-seconds', '0.3', '--json'], { env });
    await until('two batches', async () => lines(run.output()).filter((l) => l.type === 'batch').length >= 2);
    const hold = await holdStore(store);
    try {
      await until('the batch waiting to be stored, its transaction open', () => dropOpenBatchConnection(dialect, db!.url), 30_000);
    } finally {
      await hold.release();
      hold.close();
    }
    return { run, seeded };
  }

  for (const dialect of DIALECTS) {
    it(`${dialect}: the worker asks the target whether it committed, takes the batch back out of the totals and does it again; exact`, async () => {
      const { run, seeded } = await loseACommit(dialect);
      const r = await run.done;
      const out = lines(r.stdout);
      expect(out.some((l) => l.type === 'throttle' && l.state === 'retrying')).toBe(true);
      expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions(dialect, db!.url, new Date(out[0].cutoff))).toEqual({ total: seeded.live, expired: 0 });
      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === out[0].runId);
      expect(stored).toMatchObject({ status: 'completed', totalDeleted: seeded.expired });
    });

    it(`${dialect}: the process dies before it finds out; resume learns the stored batch did not commit and does not count it; exact`, async () => {
      const { run, seeded } = await loseACommit(dialect);
      // The worker has stored the batch, seen its COMMIT fail, and is backing off before asking.
      await until('the retry', async () => lines(run.output()).some((l) => l.type === 'throttle' && l.state === 'retrying'));
      run.child.kill('SIGKILL');
      await run.done;
      const start = lines(run.output())[0];
      const cutoff = new Date(start.cutoff);
      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === start.runId);
      expect(stored.status).toBe('interrupted');
      const gone = seeded.expired - (await countSessions(dialect, db!.url, cutoff)).expired;
      // The store counted a batch the target rolled back.
      expect(stored.totalDeleted).toBeGreaterThan(gone);

      const resumed = janitor(['runs', 'resume', start.runId, '--url', db!.url, '--json'], { env });
      expect(resumed.stderr).toBe('');
      expect(lines(resumed.stdout).at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions(dialect, db!.url, cutoff)).toEqual({ total: seeded.live, expired: 0 });
    });
  }
});
