// Fault: the target database restarts, or goes away for longer, in the middle
// of a run. Private PostgreSQL and MariaDB servers (never the shared ones other
// tests use) are stopped and started under a running `janitor cleanup`: the
// run backs off and retries, saying so, then carries on to the exact outcome;
// past --retry-for it fails with the reason and resumes once the server is
// back. Meanwhile the dashboard keeps serving the targets that are up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer } from '../helpers/private-servers';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { countSessions, seedDjangoSessions, type Dialect } from '../helpers/session-tables';
import { janitor, janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';
import { startApp, type AppServer } from '../helpers/app-server';
import { launchBrowser } from '../helpers/browser';
import { storedRun } from '../helpers/store-runs';

const store = useTempStore();
const env = { DATABASE_URL: store };
type Line = Record<string, unknown> & { type: string };
const lines = (out: string): Line[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Empties the table and seeds it again: each test starts from the same known rows. */
async function reseed(dialect: Dialect, url: string, rows: number) {
  if (dialect === 'postgres') {
    const c = await pgClient(url);
    await c.query('DROP TABLE IF EXISTS django_session');
    await c.end();
  } else {
    const c = await mysqlConn(url);
    await c.query('DROP TABLE IF EXISTS django_session');
    await c.end();
  }
  return seedDjangoSessions(dialect, url, rows);
}

const servers: Partial<Record<Dialect, PrivateServer>> = {};
beforeAll(async () => {
  [servers.postgres, servers.mysql] = await Promise.all([startPrivatePostgres(), startPrivateMariadb()]);
});
afterAll(async () => {
  await Promise.allSettled(Object.values(servers).map((s) => s.destroy()));
});

for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
  describe(`${dialect} restarts under a running cleanup`, () => {
    const server = () => servers[dialect]!;

    for (const how of ['restarts', 'crashes (kill -9) and comes back'] as const) {
      it(`the server ${how}: the run waits and retries with backoff, says why in its progress, then carries on to exactly the expired rows gone`, async () => {
        const seeded = await reseed(dialect, server().url, 20_000);
        const run = janitorAsync(['cleanup', '--url', server().url, '--table', 'django_session', '--delete-count', '500', '--sleep-seconds', '0.05', '--retry-for', '120', '--json'], { env });
        await until('three batches', () => lines(run.output()).filter((l) => l.type === 'batch').length >= 3);
        const runId = String(lines(run.output())[0]!.runId);
        await (how === 'restarts' ? server().stop() : server().kill());
        // The stored run says so too: that is what the run page shows.
        await until('the stored run to show it is retrying', async () => {
          const throttle = (await storedRun(store, runId)).throttle;
          return throttle !== null && JSON.parse(throttle).state === 'retrying';
        }).catch((e) => {
          throw new Error(`${(e as Error).message}; the run printed: ${run.output().slice(-800)} ${run.errors().slice(-800)}`);
        });
        expect(JSON.parse((await storedRun(store, runId)).throttle!).reason).toMatch(/unreachable/);
        await sleep(2_000);
        await server().start();
        const r = await run.done;
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const out = lines(r.stdout);
        const start = out[0]!;
        const retrying = out.filter((l) => l.type === 'throttle' && l.state === 'retrying');
        // The server was down for seconds: several attempts, each waiting longer.
        expect(retrying.length).toBeGreaterThanOrEqual(2);
        for (const l of retrying) expect(l.reason).toMatch(/^target "url" (is unreachable|: ).*; retrying in [\d.]+ s$/);
        const waits = retrying.map((l) => Number(/retrying in ([\d.]+) s/.exec(String(l.reason))![1]));
        expect(waits).toEqual([...waits].sort((a, b) => a - b));
        expect(waits.at(-1)!).toBeGreaterThan(waits[0]!);
        // Batches went on after the retries.
        const lastRetry = out.lastIndexOf(retrying.at(-1)!);
        expect(out.slice(lastRetry).some((l) => l.type === 'batch')).toBe(true);

        expect(out.at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
        expect(await countSessions(dialect, server().url, new Date(String(start.cutoff)))).toEqual({ total: seeded.live, expired: 0 });
        const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === start.runId);
        expect(stored).toMatchObject({ status: 'completed', totalDeleted: seeded.expired, error: null });
      });
    }

    it('down for longer than --retry-for, the run fails with the reason; once the server is back, resuming it completes', async () => {
      const seeded = await reseed(dialect, server().url, 20_000);
      const run = janitorAsync(['cleanup', '--url', server().url, '--table', 'django_session', '--delete-count', '500', '--sleep-seconds', '0.05', '--retry-for', '3', '--json'], { env });
      await until('three batches', () => lines(run.output()).filter((l) => l.type === 'batch').length >= 3);
      await server().stop();
      const t0 = Date.now();
      const r = await run.done;
      const failedAfter = Date.now() - t0;
      expect(r.status).toBe(1);
      const out = lines(r.stdout);
      const start = out[0]!;
      const done = out.at(-1)!;
      expect(done).toMatchObject({ type: 'done', status: 'failed' });
      // One line that says what failed, how often, and why; no connection string.
      expect(String(done.error)).toMatch(/^(deleting a batch|counting what is left|starting the walk) failed \d+ times( over \d+ s)?; last error: target "url" is unreachable/);
      expect(String(done.error)).not.toContain('\n');
      expect(r.stdout + r.stderr).not.toContain('fault-test');
      // It gave up at about --retry-for (3 s), not at the default of 300 s; the
      // margin is for a busy machine.
      expect(failedAfter).toBeLessThan(60_000);

      const stored = JSON.parse(janitor(['runs', 'list', '--json'], { env }).stdout).find((x: { id: string }) => x.id === start.runId);
      expect(stored.status).toBe('failed');
      expect(stored.error).toBe(done.error);
      const deletedBefore = Number(done.totalDeleted);
      expect(stored.totalDeleted).toBe(deletedBefore);

      await server().start();
      const cutoff = new Date(String(start.cutoff));
      expect(await countSessions(dialect, server().url, cutoff)).toEqual({ total: seeded.live + seeded.expired - deletedBefore, expired: seeded.expired - deletedBefore });
      const resumed = janitor(['runs', 'resume', String(start.runId), '--url', server().url, '--json'], { env });
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      expect(lines(resumed.stdout).at(-1)).toMatchObject({ type: 'done', status: 'completed', totalDeleted: seeded.expired });
      expect(await countSessions(dialect, server().url, cutoff)).toEqual({ total: seeded.live, expired: 0 });
    });
  });
}

describe('a PostgreSQL crash with batches committed ahead of their WAL flush', () => {
  it('durableCommits off: batches the crash undid are found when the run reconnects and leave its total; exact', async () => {
    const server = servers.postgres!;
    const seeded = await reseed('postgres', server.url, 20_000);
    const { createPostgresAdapter } = await import('@/lib/targets/postgres/adapter');
    const { parseTargetUrl } = await import('@/lib/targets/target-url');
    const { prepareCleanup } = await import('@/lib/cleanup/prepare');
    const { runCleanup } = await import('@/lib/cleanup/engine');
    const { cleanupParamsSchema } = await import('@/lib/schemas/cleanup-params');
    const adapter = createPostgresAdapter(parseTargetUrl('priv', server.url, 'TEST'));
    const driver = adapter.cleanupDriver({ durableCommits: false });
    try {
      const cutoff = new Date();
      const params = { ...cleanupParamsSchema.parse({}), deleteCount: 500, sleepSeconds: 0.05, retryForSeconds: 60 };
      const spec = { schema: 'public', table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null, timestampZone: 'utc' };
      const prep = await prepareCleanup({ driver, spec, cutoff, params });
      expect((await driver.tryLock(prep.table)).acquired).toBe(true);
      let restarted: Promise<void> | undefined;
      const discounted: number[] = [];
      const result = await runCleanup({
        driver,
        table: prep.table,
        bound: prep.bound,
        strategy: prep.plan.strategy,
        expiredFraction: prep.estimate.fraction,
        getParams: () => params,
        recordBatch: async () => {},
        discountBatch: async (r) => void discounted.push(r.n),
        onBatch: async (e) => {
          // Right after a batch's COMMIT came back, before the WAL writer wrote it.
          if (e.n === 3) {
            await server.kill();
            restarted = sleep(2_000).then(() => server.start());
          }
        },
      });
      await restarted;
      expect(result.endedBy).toBe('done');
      expect(result.totalDeleted).toBe(seeded.expired);
      expect(await countSessions('postgres', server.url, cutoff)).toEqual({ total: seeded.live, expired: 0 });
      console.log(`batches undone by the crash and taken out of the total: ${discounted.join(', ') || 'none'}`);
    } finally {
      await driver.close();
      await adapter.close();
    }
  });
});

describe('the dashboard while a target is down', () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const shared: TestDb[] = [];

  beforeAll(async () => {
    const [pgUp, myUp] = await Promise.all([createPgDatabase('jf_up'), createMysqlDatabase('jf_up')]);
    shared.push(pgUp, myUp);
    await Promise.all([
      seedDjangoSessions('postgres', pgUp.url, 1_000),
      seedDjangoSessions('mysql', myUp.url, 1_000),
      reseed('postgres', servers.postgres!.url, 1_000),
      reseed('mysql', servers.mysql!.url, 1_000),
    ]);
    app = await startApp({ targets: { pgup: pgUp.url, myup: myUp.url, pgdown: servers.postgres!.url, mydown: servers.mysql!.url } });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await app.signIn(page, app.operator);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.allSettled(shared.map((d) => d.drop()));
  });

  async function cardStates(): Promise<Record<string, string>> {
    await page.goto(`${app.baseUrl}/`);
    const states: Record<string, string> = {};
    for (const name of ['pgup', 'myup', 'pgdown', 'mydown']) {
      const card = page.getByRole('region', { name: `Target ${name}` });
      await card.getByText(/^(Up|Down)$/).waitFor({ timeout: 30_000 });
      states[name] = (await card.getByText(/^(Up|Down)$/).textContent())!;
    }
    return states;
  }

  it('the overview shows the stopped servers down with the reason and the others up; the others\' space reports still work; all recover', async () => {
    // Every pool has connections open before the servers go away.
    expect(await cardStates()).toEqual({ pgup: 'Up', myup: 'Up', pgdown: 'Up', mydown: 'Up' });

    await Promise.all([servers.postgres!.stop(), servers.mysql!.stop()]);
    const t0 = Date.now();
    const html = await page.request.get(`${app.baseUrl}/`);
    expect(html.status()).toBe(200);
    expect(await html.text()).toContain('Target pgup');
    // Served promptly: a down target fails fast instead of holding the page.
    expect(Date.now() - t0).toBeLessThan(15_000);

    expect(await cardStates()).toEqual({ pgup: 'Up', myup: 'Up', pgdown: 'Down', mydown: 'Down' });
    for (const name of ['pgdown', 'mydown']) {
      const reason = await page.getByRole('region', { name: `Target ${name}` }).getByRole('alert').textContent();
      expect(reason).toMatch(new RegExp(`target "${name}" is unreachable`));
      expect(reason).not.toContain('fault-test');
    }

    for (const name of ['pgup', 'myup']) {
      const r = await page.request.get(`${app.baseUrl}/api/targets/${name}/report?format=json`);
      expect(r.status()).toBe(200);
      const report = (await r.json()) as { sessionTables: { table: string; expired: number; live: number }[] };
      expect(report.sessionTables).toEqual([expect.objectContaining({ table: 'django_session', expired: 800, live: 200 })]);
      await page.goto(`${app.baseUrl}/targets/${name}`);
      await page.getByRole('region', { name: 'Session tables' }).getByText('django_session').first().waitFor({ timeout: 30_000 });
    }
    const down = await page.request.get(`${app.baseUrl}/api/targets/mydown/report?format=json`);
    expect(down.status()).toBe(502);
    expect(((await down.json()) as { error: string }).error).toMatch(/unreachable/);

    await Promise.all([servers.postgres!.start(), servers.mysql!.start()]);
    expect(await cardStates()).toEqual({ pgup: 'Up', myup: 'Up', pgdown: 'Up', mydown: 'Up' });
  });
});
