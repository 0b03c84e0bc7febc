// The cleanup engine against a real PostgreSQL: exact outcomes, including
// sessions refreshed by the application while the run goes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { createPostgresAdapter, type PostgresAdapter } from '@/lib/targets/postgres/adapter';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { runCleanup, type CleanupResult } from '@/lib/cleanup/engine';
import { prepareCleanup, previewCleanup } from '@/lib/cleanup/prepare';
import type { CleanupDriver, StrategyName } from '@/lib/cleanup/driver';
import type { ExpirySpec } from '@/lib/targets/adapter';
import { cleanupParamsSchema, type CleanupParams } from '@/lib/schemas/cleanup-params';

let db: TestDb;
let adapter: PostgresAdapter;
let client: pg.Client;
const drivers: CleanupDriver[] = [];

function driver(): CleanupDriver {
  const d = adapter.cleanupDriver();
  drivers.push(d);
  return d;
}

beforeAll(async () => {
  db = await createPgDatabase('jt_cleanup');
  adapter = createPostgresAdapter(parseTargetUrl('test', db.url, 'TEST_PG_URL'));
  client = await pgClient(db.url);
});

// Each driver holds one of the adapter pool's connections until closed.
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

afterAll(async () => {
  await client?.end();
  await adapter?.close();
  await db?.drop();
});

/** A django_session-shaped table: `rows` rows, `expiredShare` of them expired at `cutoff`, scattered over the heap. */
async function seedDjango(table: string, rows: number, cutoff: Date, expiredShare = 0.8) {
  await client.query(`CREATE TABLE ${table} (
    session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL)`);
  await client.query(`CREATE INDEX ${table}_expire_date ON ${table} (expire_date)`);
  await client.query('SELECT setseed(0.42)');
  await client.query(
    `INSERT INTO ${table}
     SELECT md5(i::text) || lpad(i::text, 8, '0'), repeat('x', 200),
            CASE WHEN random() < $2 THEN $1::timestamptz - random() * interval '30 days' - interval '1 second'
                 ELSE $1::timestamptz + random() * interval '14 days' + interval '1 second' END
       FROM generate_series(1, $3) i`,
    [cutoff.toISOString(), expiredShare, rows],
  );
  await client.query(`VACUUM ANALYZE ${table}`);
}

function spec(table: string, over: Partial<ExpirySpec> = {}): ExpirySpec {
  return { schema: 'public', table, expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc', ...over };
}

function params(over: Partial<CleanupParams> = {}): CleanupParams {
  return { ...cleanupParamsSchema.parse({}), sleepSeconds: 0, ...over };
}

async function keys(sql: string, values: unknown[] = []): Promise<Set<string>> {
  const r = await client.query<{ k: string }>(sql, values);
  return new Set(r.rows.map((x) => x.k));
}

async function count(table: string): Promise<number> {
  const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r.rows[0]!.n);
}

/**
 * Refreshes random expired sessions (as a logged-in user's request does) and
 * inserts new ones while `running()` holds, on its own connection. Returns the
 * keys whose refresh committed: those rows must survive the cleanup.
 */
async function applicationTraffic(table: string, cutoff: Date, running: () => boolean) {
  const app = await pgClient(db.url);
  const candidates = [...(await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date < $1 ORDER BY random()`, [cutoff]))];
  const refreshed = new Set<string>();
  const inserted = new Set<string>();
  let i = 0;
  try {
    while (running() && i < candidates.length) {
      const key = candidates[i++]!;
      const r = await app.query(
        `UPDATE ${table} SET expire_date = now() + interval '14 days' WHERE session_key = $1 RETURNING session_key`,
        [key],
      );
      if (r.rowCount === 1) refreshed.add(key);
      if (i % 10 === 0) {
        const k = `new-${i}`;
        await app.query(`INSERT INTO ${table} VALUES ($1, 'fresh', now() + interval '14 days')`, [k]);
        inserted.add(k);
      }
    }
  } finally {
    await app.end();
  }
  return { refreshed, inserted, attempts: i };
}

async function cleanup(d: CleanupDriver, table: string, cutoff: Date, p: CleanupParams, extra: Partial<Parameters<typeof runCleanup>[0]> = {}) {
  const prep = await prepareCleanup({ driver: d, spec: spec(table), cutoff, params: p });
  const lock = await d.tryLock(prep.table);
  expect(lock.acquired).toBe(true);
  return {
    prep,
    result: await runCleanup({
      driver: d,
      table: prep.table,
      bound: prep.bound,
      strategy: prep.plan.strategy,
      expiredFraction: prep.estimate.fraction,
      getParams: () => p,
      ...extra,
    }),
  };
}

describe.each<StrategyName>(['heap-walk', 'keyset'])('PostgreSQL cleanup with %s', (strategy) => {
  it('deletes exactly the rows expired at the cutoff and keeps live, new and refreshed sessions', async () => {
    const table = `race_${strategy.replace('-', '_')}`;
    const cutoff = new Date();
    await seedDjango(table, 50_000, cutoff);
    const before = await count(table);
    const live = await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date >= $1`, [cutoff]);
    expect(live.size).toBeGreaterThan(8_000);
    expect(live.size).toBeLessThan(12_000);

    let running = true;
    const d = driver();
    const traffic = applicationTraffic(table, cutoff, () => running);
    const { prep, result } = await cleanup(d, table, cutoff, params({ deleteCount: 500, sleepSeconds: 0.005, strategy }));
    running = false;
    const { refreshed, inserted, attempts } = await traffic;

    expect(prep.plan.strategy).toBe(strategy);
    expect(result.endedBy).toBe('done');
    expect(result.remainingExpired).toBe(0);
    expect(refreshed.size).toBeGreaterThan(0);
    expect(refreshed.size).toBeLessThan(attempts); // some refreshes came too late: already deleted

    expect(await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date < $1`, [cutoff])).toEqual(new Set());
    const after = await keys(`SELECT session_key AS k FROM ${table}`);
    for (const k of live) expect(after.has(k)).toBe(true);
    for (const k of refreshed) expect(after.has(k)).toBe(true);
    for (const k of inserted) expect(after.has(k)).toBe(true);
    expect(after.size).toBe(live.size + refreshed.size + inserted.size);
    expect(result.totalDeleted).toBe(before + inserted.size - after.size);
  });

  it('resumes a run stopped midway from its cursor, on a new connection, to the same exact outcome', async () => {
    const table = `resume_${strategy.replace('-', '_')}`;
    const cutoff = new Date();
    await seedDjango(table, 50_000, cutoff);
    const before = await count(table);
    const live = await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date >= $1`, [cutoff]);
    const p = params({ deleteCount: 2000, strategy });

    const first = driver();
    let batches = 0;
    const { prep, result: r1 } = await cleanup(first, table, cutoff, p, {
      onBatch: () => void batches++,
      shouldStop: () => (batches >= 5 ? 'cancel' : null),
    });
    expect(r1.endedBy).toBe('stopped');
    expect(r1.batches).toBe(5);
    expect(await count(table)).toBe(before - r1.totalDeleted);
    // the process "dies": its connection and lock go away
    await first.close();

    // the cursor survives as JSON, as the store keeps it
    const cursor = JSON.parse(JSON.stringify(r1.cursor));
    const second = driver();
    expect((await second.tryLock(prep.table)).acquired).toBe(true);
    const r2: CleanupResult = await runCleanup({
      driver: second,
      table: prep.table,
      bound: prep.bound,
      strategy: prep.plan.strategy,
      cursor,
      resume: { batches: r1.batches, totalDeleted: r1.totalDeleted },
      getParams: () => p,
    });
    expect(r2.endedBy).toBe('done');
    expect(r2.batches).toBeGreaterThan(5);
    const after = await keys(`SELECT session_key AS k FROM ${table}`);
    expect(after).toEqual(live);
    expect(r2.totalDeleted).toBe(before - live.size);
  });
});

describe('PostgreSQL cleanup', () => {
  it('chooses the heap walk for a mostly expired table and explains why', async () => {
    const cutoff = new Date();
    await seedDjango('plan_mostly', 20_000, cutoff);
    const prep = await prepareCleanup({ driver: driver(), spec: spec('plan_mostly'), cutoff, params: params() });
    expect(prep.table.strategies).toEqual(['heap-walk', 'keyset']);
    expect(prep.table.primaryKey).toEqual(['session_key']);
    expect(prep.table.expiryIndex).toBe('plan_mostly_expire_date');
    expect(prep.estimate.method).toBe('exact');
    expect(prep.plan.strategy).toBe('heap-walk');
    expect(prep.plan.reason).toMatch(/^\d\d% of 20k rows are expired: walking the heap/);
  });

  it('chooses the expiry index when few rows of a big table are expired', async () => {
    const cutoff = new Date();
    await seedDjango('plan_few', 150_000, cutoff, 0.02);
    const prep = await prepareCleanup({ driver: driver(), spec: spec('plan_few'), cutoff, params: params(), exactMaxRows: 10_000 });
    expect(prep.estimate.method).toBe('sample');
    expect(prep.estimate.fraction).toBeGreaterThan(0.005);
    expect(prep.estimate.fraction).toBeLessThan(0.05);
    expect(prep.plan.strategy).toBe('keyset');
    expect(prep.plan.reason).toContain('following the index on "expire_date" reads just those rows');
  });

  it('dry-run counts and shows the SQL and plan but deletes nothing', async () => {
    const cutoff = new Date();
    await seedDjango('dry', 10_000, cutoff);
    const before = await count('dry');
    const expired = (await keys('SELECT session_key AS k FROM dry WHERE expire_date < $1', [cutoff])).size;
    const d = driver();
    const { result } = await cleanup(d, 'dry', cutoff, params({ dryRun: true }));
    expect(result.endedBy).toBe('dry-run');
    expect(result.dryRun!.expired).toBe(expired);
    expect(result.dryRun!.sql[0]).toMatch(/^DELETE FROM "public"\."dry" WHERE ctid >= \$1::tid AND ctid < \$2::tid AND "expire_date" < \$3::timestamptz$/);
    expect(result.dryRun!.plan).toContain('Tid Range Scan');
    expect(result.totalDeleted).toBe(0);
    expect(await count('dry')).toBe(before);
  });

  it('previews the duration from one batch that is rolled back', async () => {
    const cutoff = new Date();
    await seedDjango('preview', 10_000, cutoff);
    const before = await count('preview');
    for (const strategy of ['heap-walk', 'keyset'] as const) {
      const pv = await previewCleanup({ driver: driver(), spec: spec('preview'), cutoff, params: params({ strategy }) });
      expect(pv.sampleMs).toBeGreaterThan(0);
      expect(pv.sampleDeleted).toBeGreaterThan(0);
      expect(pv.estimatedSeconds).toBeGreaterThan(0);
    }
    expect(await count('preview')).toBe(before);
  });

  it('deletes about the rows asked for in each batch after an earlier cleanup left the statistics stale', async () => {
    const cutoff = new Date();
    await seedDjango('stale', 10_000, cutoff);
    // An earlier cleanup, and no VACUUM or ANALYZE since: the planner still counts 10,000 rows over the same pages.
    await client.query('DELETE FROM stale WHERE expire_date < $1', [cutoff]);
    const left = await count('stale');
    // Everything is expired at a later cutoff, as when logging everyone out.
    const later = new Date(cutoff.getTime() + 30 * 86_400_000);
    const d = driver();
    const prep = await prepareCleanup({ driver: d, spec: spec('stale'), cutoff: later, params: params({ strategy: 'heap-walk' }) });
    const deleted: number[] = [];
    const r = await runCleanup({
      driver: d,
      table: prep.table,
      bound: prep.bound,
      strategy: 'heap-walk',
      expiredFraction: prep.estimate.fraction,
      expiredRows: prep.estimate.expired,
      getParams: () => params({ deleteCount: 200 }),
      onBatch: (e) => void deleted.push(e.deleted),
    });
    expect(r.endedBy).toBe('done');
    expect(r.totalDeleted).toBe(left);
    // Before, the walk sized its first ranges from the stale 10,000 rows: 40, 70, 100 … rows a batch.
    const full = deleted.slice(0, -1);
    expect(Math.min(...full.slice(0, 3))).toBeGreaterThan(140);
    expect(Math.max(...full)).toBeLessThan(280);
    expect(deleted.length).toBeLessThanOrEqual(Math.ceil(left / 200) + 2);
  });

  it('reads the next range ahead on a second connection while a batch deletes, and leaves no connection behind', async () => {
    const cutoff = new Date();
    await seedDjango('ahead', 20_000, cutoff);
    const readAhead = async () =>
      (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'janitor cleanup read-ahead'")).rows[0]!.n;
    const d = adapter.cleanupDriver();
    const seen: number[] = [];
    const { prep, result } = await cleanup(d, 'ahead', cutoff, params({ strategy: 'heap-walk', deleteCount: 1_000 }), {
      expiredRows: undefined,
      onBatch: async () => void seen.push(await readAhead()),
    });
    expect(result.endedBy).toBe('done');
    expect(result.totalDeleted).toBe(prep.estimate.expired);
    expect(result.batches).toBeGreaterThan(5);
    // One read-ahead connection at most, there from the first batches on.
    expect(Math.max(...seen)).toBe(1);
    await d.close();
    for (let i = 0; i < 50 && (await readAhead()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readAhead()).toBe(0);
  });

  it('cleans an integer epoch column with a TTL (Laravel sessions)', async () => {
    await client.query(`CREATE TABLE laravel_sessions (id varchar(255) PRIMARY KEY, user_id bigint, payload text NOT NULL, last_activity integer NOT NULL)`);
    await client.query(`CREATE INDEX laravel_sessions_last_activity ON laravel_sessions (last_activity)`);
    const now = new Date();
    const nowS = Math.floor(now.getTime() / 1000);
    // last activity spread over the past 4 hours: with a 2 h lifetime about half are expired
    await client.query(
      `INSERT INTO laravel_sessions SELECT 'k' || i, NULL, 'p', $1 - (i * 7919 % 14400) FROM generate_series(1, 20000) i`,
      [nowS],
    );
    const s: ExpirySpec = { schema: 'public', table: 'laravel_sessions', expiryColumn: 'last_activity', expiryType: 'epoch-s', ttlSeconds: 7200 };
    const liveBefore = Number((await client.query('SELECT count(*) AS n FROM laravel_sessions WHERE last_activity >= $1', [nowS - 7200])).rows[0].n);
    const d = driver();
    const prep = await prepareCleanup({ driver: d, spec: s, cutoff: now, params: params() });
    expect(prep.bound).toBe(nowS - 7200);
    const r = await runCleanup({ driver: d, table: prep.table, bound: prep.bound, strategy: prep.plan.strategy, getParams: () => params({ deleteCount: 1000 }) });
    expect(r.endedBy).toBe('done');
    expect(await count('laravel_sessions')).toBe(liveBefore);
    expect(r.totalDeleted).toBe(20_000 - liveBefore);
  });

  it('refuses a bad spec with a clear error before deleting anything', async () => {
    const cutoff = new Date();
    await seedDjango('spec_checks', 1_000, cutoff);
    await client.query('CREATE VIEW spec_view AS SELECT * FROM spec_checks');
    const d = driver();
    const attempt = (over: Partial<ExpirySpec>) =>
      prepareCleanup({ driver: d, spec: spec('spec_checks', over), cutoff, params: params() }).then(
        () => 'no error',
        (e: Error) => e.message,
      );
    expect(await attempt({ table: 'no_such_table' })).toBe('table public.no_such_table does not exist');
    expect(await attempt({ expiryColumn: 'expires_at' })).toBe('column "expires_at" does not exist in public.spec_checks');
    expect(await attempt({ expiryColumn: 'session_data' })).toBe(
      'column "session_data" of public.spec_checks is text; expiry type timestamp needs a timestamp column',
    );
    expect(await attempt({ expiryType: 'epoch-s' })).toBe(
      'column "expire_date" of public.spec_checks is timestamp with time zone; expiry type epoch-s needs an integer column holding epoch seconds',
    );
    expect(await attempt({ table: 'spec_view' })).toBe('public.spec_view is not a table (a view or another kind of relation)');
    expect(await count('spec_checks')).toBe(1_000);
  });

  it('quotes hostile identifiers as names, never as SQL', async () => {
    const cutoff = new Date();
    await client.query(`CREATE TABLE "we""ird; DROP TABLE x" ("exp""ire" timestamptz NOT NULL, id serial PRIMARY KEY)`);
    await client.query(`INSERT INTO "we""ird; DROP TABLE x" ("exp""ire") SELECT $1::timestamptz - (i || ' minutes')::interval FROM generate_series(-5, 4) i`, [cutoff.toISOString()]);
    const d = driver();
    const s: ExpirySpec = { schema: 'public', table: 'we"ird; DROP TABLE x', expiryColumn: 'exp"ire', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' };
    const prep = await prepareCleanup({ driver: d, spec: s, cutoff, params: params() });
    const r = await runCleanup({ driver: d, table: prep.table, bound: prep.bound, strategy: prep.plan.strategy, getParams: () => params() });
    expect(r.totalDeleted).toBe(4);
    expect(await count(`"we""ird; DROP TABLE x"`)).toBe(6);
  });

  it('lets only one run hold the lock of a table; a second driver is told who holds it', async () => {
    const a = driver();
    const b = driver();
    const t = { schema: 'public', table: 'locked_table' };
    expect(await a.tryLock(t)).toEqual({ acquired: true, holder: null });
    const second = await b.tryLock(t);
    expect(second.acquired).toBe(false);
    expect(second.holder).toMatch(/^pid \d+ \(janitor cleanup\)/);
    // another table is not blocked
    expect((await b.tryLock({ schema: 'public', table: 'other_table' })).acquired).toBe(true);
    await b.unlock();
    await a.close();
    expect((await b.tryLock(t)).acquired).toBe(true);
    await b.close();
  });
});
