// The cleanup engine against a real MariaDB / MySQL: exact outcomes, including
// sessions refreshed by the application while the run goes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createMysqlDatabase, mysqlConn, type TestDb } from '../helpers/databases';
import { createMysqlAdapter, type MysqlAdapter } from '@/lib/targets/mysql/adapter';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { runCleanup, type CleanupResult } from '@/lib/cleanup/engine';
import { prepareCleanup, previewCleanup } from '@/lib/cleanup/prepare';
import type { CleanupDriver, StrategyName } from '@/lib/cleanup/driver';
import type { ExpirySpec } from '@/lib/targets/adapter';
import { cleanupParamsSchema, type CleanupParams } from '@/lib/schemas/cleanup-params';

let db: TestDb;
let adapter: MysqlAdapter;
let conn: mysql.Connection;
const drivers: CleanupDriver[] = [];

function driver(): CleanupDriver {
  const d = adapter.cleanupDriver();
  drivers.push(d);
  return d;
}

beforeAll(async () => {
  db = await createMysqlDatabase('jt_cleanup');
  adapter = createMysqlAdapter(parseTargetUrl('test', db.url, 'TEST_MYSQL_URL'));
  conn = await mysqlConn(db.url);
});

// Each driver holds one of the adapter pool's connections until closed.
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

afterAll(async () => {
  await conn?.end();
  await adapter?.close();
  await db?.drop();
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** A django_session-shaped table: `rows` rows, `expiredShare` of them expired at `cutoff`; keys are random, so expired rows are scattered over the primary key. */
async function seedDjango(table: string, rows: number, cutoff: Date, expiredShare = 0.8) {
  await conn.query(`CREATE TABLE ${table} (
    session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL,
    KEY ${table}_expire_date (expire_date)) ENGINE=InnoDB`);
  const rnd = random(42);
  for (let start = 0; start < rows; start += 5000) {
    const values: unknown[][] = [];
    for (let i = start; i < Math.min(rows, start + 5000); i++) {
      const expired = rnd() < expiredShare;
      const offset = expired ? -(1000 + rnd() * 30 * DAY) : 1000 + rnd() * 14 * DAY;
      values.push([`${Math.floor(rnd() * 2 ** 52).toString(36)}${i.toString(36).padStart(8, '0')}`, 'x'.repeat(200), new Date(cutoff.getTime() + offset)]);
    }
    await conn.query(`INSERT INTO ${table} (session_key, session_data, expire_date) VALUES ?`, [values]);
  }
  await conn.query(`ANALYZE TABLE ${table}`);
}

function spec(table: string, over: Partial<ExpirySpec> = {}): ExpirySpec {
  return { schema: db.name, table, expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc', ...over };
}

function params(over: Partial<CleanupParams> = {}): CleanupParams {
  return { ...cleanupParamsSchema.parse({}), sleepSeconds: 0, ...over };
}

async function keys(sql: string, values: unknown[] = []): Promise<Set<string>> {
  const [rows] = (await conn.query(sql, values)) as unknown as [Array<{ k: string }>];
  return new Set(rows.map((x) => String(x.k)));
}

async function count(table: string): Promise<number> {
  const [rows] = (await conn.query(`SELECT COUNT(*) AS n FROM ${table}`)) as unknown as [Array<{ n: number }>];
  return Number(rows[0]!.n);
}

/**
 * Refreshes random expired sessions (as a logged-in user's request does) and
 * inserts new ones while `running()` holds, on its own connection. Returns the
 * keys whose refresh committed: those rows must survive the cleanup.
 */
async function applicationTraffic(table: string, cutoff: Date, running: () => boolean) {
  const app = await mysqlConn(db.url);
  const candidates = [...(await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date < ? ORDER BY RAND(7)`, [cutoff]))];
  const refreshed = new Set<string>();
  const inserted = new Set<string>();
  let i = 0;
  try {
    while (running() && i < candidates.length) {
      const key = candidates[i++]!;
      const [r] = (await app.query(`UPDATE ${table} SET expire_date = ? WHERE session_key = ?`, [
        new Date(Date.now() + 14 * DAY),
        key,
      ])) as unknown as [{ affectedRows: number }];
      if (r.affectedRows === 1) refreshed.add(key);
      if (i % 10 === 0) {
        const k = `new-${i}`;
        await app.query(`INSERT INTO ${table} VALUES (?, 'fresh', ?)`, [k, new Date(Date.now() + 14 * DAY)]);
        inserted.add(k);
      }
    }
  } finally {
    await app.end();
  }
  return { refreshed, inserted, attempts: i };
}

async function cleanup(d: CleanupDriver, s: ExpirySpec, cutoff: Date, p: CleanupParams, extra: Partial<Parameters<typeof runCleanup>[0]> = {}) {
  const prep = await prepareCleanup({ driver: d, spec: s, cutoff, params: p });
  expect((await d.tryLock(prep.table)).acquired).toBe(true);
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

describe.each<StrategyName>(['pk-range', 'keyset'])('MySQL cleanup with %s', (strategy) => {
  it('deletes exactly the rows expired at the cutoff and keeps live, new and refreshed sessions', async () => {
    const table = `race_${strategy.replace('-', '_')}`;
    const cutoff = new Date();
    await seedDjango(table, 50_000, cutoff);
    const before = await count(table);
    const live = await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date >= ?`, [cutoff]);
    expect(live.size).toBeGreaterThan(8_000);
    expect(live.size).toBeLessThan(12_000);

    let running = true;
    const traffic = applicationTraffic(table, cutoff, () => running);
    const { prep, result } = await cleanup(driver(), spec(table), cutoff, params({ deleteCount: 500, sleepSeconds: 0.005, strategy }));
    running = false;
    const { refreshed, inserted, attempts } = await traffic;

    expect(prep.plan.strategy).toBe(strategy);
    expect(result.endedBy).toBe('done');
    expect(result.remainingExpired).toBe(0);
    expect(refreshed.size).toBeGreaterThan(0);
    expect(refreshed.size).toBeLessThan(attempts); // some refreshes came too late: already deleted

    expect(await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date < ?`, [cutoff])).toEqual(new Set());
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
    const live = await keys(`SELECT session_key AS k FROM ${table} WHERE expire_date >= ?`, [cutoff]);
    const p = params({ deleteCount: 2000, strategy });

    const first = driver();
    let batches = 0;
    const { prep, result: r1 } = await cleanup(first, spec(table), cutoff, p, {
      onBatch: () => void batches++,
      shouldStop: () => (batches >= 5 ? 'cancel' : null),
    });
    expect(r1.endedBy).toBe('stopped');
    expect(r1.batches).toBe(5);
    expect(await count(table)).toBe(before - r1.totalDeleted);
    await first.close();

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
    expect(await keys(`SELECT session_key AS k FROM ${table}`)).toEqual(live);
    expect(r2.totalDeleted).toBe(before - live.size);
  });
});

describe('MySQL cleanup', () => {
  it('chooses the primary-key walk for a mostly expired table and explains why', async () => {
    const cutoff = new Date();
    await seedDjango('plan_mostly', 20_000, cutoff);
    const prep = await prepareCleanup({ driver: driver(), spec: spec('plan_mostly'), cutoff, params: params() });
    expect(prep.table.strategies).toEqual(['pk-range', 'keyset']);
    expect(prep.table.primaryKey).toEqual(['session_key']);
    expect(prep.table.expiryIndex).toBe('plan_mostly_expire_date');
    expect(prep.estimate.method).toBe('exact');
    expect(prep.plan.strategy).toBe('pk-range');
    expect(prep.plan.reason).toMatch(/^\d\d% of 20k rows are expired: walking the primary key in ranges/);
  });

  it('dry-run counts and shows the SQL and plan but deletes nothing', async () => {
    const cutoff = new Date();
    await seedDjango('dry', 10_000, cutoff);
    const before = await count('dry');
    const expired = (await keys('SELECT session_key AS k FROM dry WHERE expire_date < ?', [cutoff])).size;
    // Batches smaller than the table: the range walk's SQL, not one whole-table DELETE.
    const { result } = await cleanup(driver(), spec('dry'), cutoff, params({ dryRun: true, deleteCount: 2000 }));
    expect(result.endedBy).toBe('dry-run');
    expect(result.dryRun!.expired).toBe(expired);
    expect(result.dryRun!.sql[0]).toContain('FORCE INDEX (PRIMARY)');
    expect(result.dryRun!.sql[1]).toMatch(/^DELETE FROM `[^`]+`\.`dry` WHERE `session_key` <= \? AND `expire_date` < \?$/);
    expect(result.dryRun!.plan).toContain('key=PRIMARY');
    expect(await count('dry')).toBe(before);
  });

  it('previews the duration from one batch that is rolled back', async () => {
    const cutoff = new Date();
    await seedDjango('preview', 10_000, cutoff);
    const before = await count('preview');
    for (const strategy of ['pk-range', 'keyset'] as const) {
      const pv = await previewCleanup({ driver: driver(), spec: spec('preview'), cutoff, params: params({ strategy }) });
      expect(pv.sampleMs).toBeGreaterThan(0);
      expect(pv.sampleDeleted).toBeGreaterThan(0);
    }
    expect(await count('preview')).toBe(before);
  });

  it('walks a composite primary key', async () => {
    await conn.query(`CREATE TABLE composite (tenant int NOT NULL, sid varbinary(16) NOT NULL, expires bigint NOT NULL,
      PRIMARY KEY (tenant, sid)) ENGINE=InnoDB`);
    const nowMs = Date.now();
    const rnd = random(7);
    const values: unknown[][] = [];
    for (let i = 0; i < 20_000; i++) {
      values.push([Math.floor(rnd() * 5), Buffer.from(`s${i}`.padEnd(16, '\0')), nowMs + (rnd() < 0.7 ? -1 : 1) * (1000 + Math.floor(rnd() * DAY))]);
    }
    await conn.query('INSERT INTO composite VALUES ?', [values]);
    const live = values.filter((v) => (v[2] as number) >= nowMs).length;
    const s: ExpirySpec = { schema: db.name, table: 'composite', expiryColumn: 'expires', expiryType: 'epoch-ms', ttlSeconds: null };
    const { prep, result } = await cleanup(driver(), s, new Date(nowMs), params({ deleteCount: 700 }));
    expect(prep.table.primaryKey).toEqual(['tenant', 'sid']);
    expect(prep.plan.strategy).toBe('pk-range');
    expect(result.endedBy).toBe('done');
    expect(await count('composite')).toBe(live);
    expect(result.totalDeleted).toBe(20_000 - live);
  });

  it('cleans an express-mysql-session table (epoch seconds)', async () => {
    await conn.query(`CREATE TABLE sessions (session_id varchar(128) NOT NULL PRIMARY KEY, expires int unsigned NOT NULL, data mediumtext) ENGINE=InnoDB`);
    const nowS = Math.floor(Date.now() / 1000);
    const values = Array.from({ length: 10_000 }, (_, i) => [`sid-${i}`, nowS + ((i * 7919) % 2000) - 1000, '{}']);
    await conn.query('INSERT INTO sessions VALUES ?', [values]);
    const live = values.filter((v) => (v[1] as number) >= nowS).length;
    const s: ExpirySpec = { schema: db.name, table: 'sessions', expiryColumn: 'expires', expiryType: 'epoch-s', ttlSeconds: null };
    const { prep, result } = await cleanup(driver(), s, new Date(nowS * 1000), params({ deleteCount: 1000 }));
    expect(prep.plan.reason).toContain('there is none on "expires"');
    expect(result.endedBy).toBe('done');
    expect(await count('sessions')).toBe(live);
  });

  it('refuses a bad spec with a clear error before deleting anything', async () => {
    const cutoff = new Date();
    await seedDjango('spec_checks', 1_000, cutoff);
    await conn.query(`CREATE TABLE no_pk (session_key varchar(40) NOT NULL, expire_date datetime NOT NULL, KEY (expire_date)) ENGINE=InnoDB`);
    await conn.query(`INSERT INTO no_pk VALUES ('a', '2000-01-01'), ('b', '2000-01-01')`);
    const d = driver();
    const attempt = (over: Partial<ExpirySpec>) =>
      prepareCleanup({ driver: d, spec: spec('spec_checks', over), cutoff, params: params() }).then(
        () => 'no error',
        (e: Error) => e.message,
      );
    const label = `${db.name}.spec_checks`;
    expect(await attempt({ table: 'no_such_table' })).toBe(`table ${db.name}.no_such_table does not exist`);
    expect(await attempt({ expiryColumn: 'expires_at' })).toBe(`column "expires_at" does not exist in ${label}`);
    expect(await attempt({ expiryColumn: 'session_data' })).toBe(
      `column "session_data" of ${label} is longtext; expiry type timestamp needs a DATETIME or TIMESTAMP column`,
    );
    expect(await attempt({ expiryType: 'epoch-s' })).toBe(
      `column "expire_date" of ${label} is datetime(6); expiry type epoch-s needs an integer column holding epoch seconds`,
    );
    expect(await attempt({ table: 'no_pk' })).toMatch(/no_pk has no primary key: Janitor deletes in key ranges/);
    expect(await count('spec_checks')).toBe(1_000);
    expect(await count('no_pk')).toBe(2);
  });

  it('lets only one run hold the lock of a table; a second driver is told who holds it', async () => {
    const a = driver();
    const b = driver();
    const t = { schema: db.name, table: 'locked_table' };
    expect(await a.tryLock(t)).toEqual({ acquired: true, holder: null });
    const second = await b.tryLock(t);
    expect(second.acquired).toBe(false);
    expect(second.holder).toMatch(/^connection \d+ \(janitor_test@/);
    expect((await b.tryLock({ schema: db.name, table: 'other_table' })).acquired).toBe(true);
    await b.unlock();
    await a.close();
    expect((await b.tryLock(t)).acquired).toBe(true);
  });
});
