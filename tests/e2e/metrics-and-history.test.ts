// GET /api/metrics on a real `next start` with a PostgreSQL and a MariaDB
// target: refused without or with a wrong bearer token; with the token, the
// last samples' values, checked against the databases' own numbers
// (pg_total_relation_size, information_schema.TABLES, exact session counts).
// Then the history as a signed-in user sees it: the forecast on the report
// page and the CSV / JSON export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../helpers/app-server';
import { mysqlConn, pgClient } from '../helpers/databases';
import { seedMysql, seedPostgres, type SeededDb } from './fixtures';
import { signInCookie } from '../helpers/http-client';
import { resetEnvCache } from '@/lib/env';
import { closeAllTargets } from '@/lib/targets/registry';
import { closeStore, store } from '@/lib/store/client';
import { sampleTarget } from '@/lib/history/sample-target';
import { takeSpaceReport } from '@/lib/stats/take-space-report';

const TOKEN = 'metrics-token-0123456789abcdef';
const PG = { expired: 1500, live: 400, orders: 8_000, customers: 200 };
const MY = { expired: 250, live: 60, products: 700 };

let pg: SeededDb;
let my: SeededDb;
let app: AppServer;

beforeAll(async () => {
  [pg, my] = await Promise.all([seedPostgres(PG), seedMysql(MY)]);
  // Dead rows PostgreSQL counts: delete some orders (no VACUUM runs in between for long).
  const c = await pgClient(pg.url);
  await c.query('DELETE FROM orders WHERE id % 4 = 0');
  await c.end();
  // The server's own worker would take this interval's samples first; the test takes them itself.
  app = await startApp({ targets: { main: pg.url, shop: my.url }, env: { JANITOR_METRICS_TOKEN: TOKEN, JANITOR_WORKER: 'off' } });
  // This process writes into the app's store what the sampling timer of `janitor serve` would:
  // a scheduled sample of each target, then a report (which adds the session counts).
  process.env.DATABASE_URL = app.databaseUrl;
  process.env.JANITOR_TARGET_MAIN = pg.url;
  process.env.JANITOR_TARGET_SHOP = my.url;
  resetEnvCache();
  for (const target of ['main', 'shop']) {
    expect(await sampleTarget({ target, intervalMs: 15 * 60_000, owner: 'test' })).toBe('sampled');
    expect((await takeSpaceReport(target)).ok).toBe(true);
  }
  const db = await store();
  await db.run.createMany({
    data: [
      { target: 'main', schema: 'public', table: 'django_session', params: '{}', status: 'completed', startedBy: 'olivia', totalDeleted: 1200 },
      { target: 'main', schema: 'public', table: 'django_session', params: '{}', status: 'failed', startedBy: 'olivia', totalDeleted: 35 },
    ],
  });
});

afterAll(async () => {
  await closeAllTargets();
  await closeStore();
  await app?.stop();
  await Promise.allSettled([pg?.drop(), my?.drop()]);
});

const scrape = (headers: Record<string, string> = {}) => fetch(`${app.baseUrl}/api/metrics`, { headers, redirect: 'manual' });

/** The value of one series in a text exposition, by its exact labels. */
function value(body: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2]!.split(',');
    if (have.length === want.length && want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('Prometheus metrics', () => {
  it('refuses a scrape without the token or with a wrong one', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scrape({ Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape({ Authorization: `Basic ${TOKEN}` })).status).toBe(401);
    // A signed-in browser's cookie is not a token either.
    expect((await scrape({ Cookie: 'janitor_session=whatever' })).status).toBe(401);
  });

  it('serves the last samples, equal to the databases own numbers', async () => {
    const res = await scrape({ Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();

    const c = await pgClient(pg.url);
    const { rows } = await c.query(
      `SELECT relname, pg_total_relation_size(relid)::float8 AS total, pg_indexes_size(relid)::float8 AS idx, n_dead_tup::float8 AS dead FROM pg_stat_user_tables`,
    );
    await c.end();
    expect(rows.length).toBe(3);
    for (const r of rows) {
      const labels = { target: 'main', schema: 'public', table: r.relname };
      expect(value(body, 'janitor_table_total_bytes', labels), r.relname).toBe(r.total);
      expect(value(body, 'janitor_table_index_bytes', labels), r.relname).toBe(r.idx);
      expect(value(body, 'janitor_table_dead_rows', labels), r.relname).toBe(r.dead);
    }
    expect(rows.find((r) => r.relname === 'orders')!.dead).toBe(PG.orders / 4);

    const m = await mysqlConn(my.url);
    const [myRows] = (await m.query(
      'SELECT TABLE_NAME AS name, DATA_LENGTH + INDEX_LENGTH AS total, INDEX_LENGTH AS idx FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    )) as unknown as [Array<{ name: string; total: number; idx: number }>];
    await m.end();
    for (const r of myRows) {
      const labels = { target: 'shop', schema: my.name, table: r.name };
      expect(value(body, 'janitor_table_total_bytes', labels), r.name).toBe(Number(r.total));
      expect(value(body, 'janitor_table_index_bytes', labels), r.name).toBe(Number(r.idx));
      expect(value(body, 'janitor_table_dead_rows', labels)).toBeUndefined(); // MySQL has no such statistic
    }

    for (const [target, schema, seeded] of [['main', 'public', PG], ['shop', my.name, MY]] as const) {
      expect(value(body, 'janitor_session_rows', { target, schema, table: 'django_session', state: 'expired' })).toBe(seeded.expired);
      expect(value(body, 'janitor_session_rows', { target, schema, table: 'django_session', state: 'live' })).toBe(seeded.live);
      expect(value(body, 'janitor_target_up', { target })).toBe(1);
    }
    expect(value(body, 'janitor_runs', { target: 'main', status: 'completed' })).toBe(1);
    expect(value(body, 'janitor_runs', { target: 'main', status: 'failed' })).toBe(1);
    expect(value(body, 'janitor_run_deleted_rows_total', { target: 'main' })).toBe(1235);
    expect(body).toContain('# TYPE janitor_schedule_last_success_timestamp_seconds gauge');
  });
});

describe('size history for a signed-in user', () => {
  const DAY = 86_400_000;
  let cookie: string;
  let sessionBytes: number;
  let sampledAt: Date;
  let realSamples: number;

  beforeAll(async () => {
    cookie = await signInCookie(app.baseUrl, app.viewer);
    // Two weeks of hourly history before the real sample: django_session grew 2 % of today's size a day.
    const db = await store();
    const real = await db.sizeSample.findFirst({ where: { target: 'main', table: 'django_session' }, orderBy: { at: 'desc' } });
    sessionBytes = real!.totalBytes;
    sampledAt = real!.at;
    // One, unless a 15-minute boundary fell between the sample and the report.
    realSamples = await db.sizeSample.count({ where: { target: 'main', table: 'django_session' } });
    const data = [];
    for (let t = sampledAt.getTime() - 14 * DAY; t < sampledAt.getTime() - 1800_000; t += 3600_000) {
      data.push({ target: 'main', schema: 'public', table: 'django_session', totalBytes: sessionBytes * (1 - (0.02 * (sampledAt.getTime() - t)) / DAY), at: new Date(t) });
    }
    await db.sizeSample.createMany({ data });
  });

  const get = (path: string) => fetch(`${app.baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });

  it('the report page says how fast django_session grows and where it will be in 30 days', async () => {
    const res = await get('/targets/main?range=30');
    expect(res.status).toBe(200);
    const html = (await res.text()).replace(/<!-- -->/g, '');
    const perWeek = 0.14 * sessionBytes;
    const kb = (n: number) => `${(n / 1024).toFixed(n / 1024 >= 100 ? 0 : 1)} kB`;
    expect(html).toContain(`django_session grows ${kb(perWeek)}/week`);
    // An exact line: the range is narrower than the rounding, and said as ±.
    expect(html).toMatch(/django_session grows [\d.]+ kB\/week; [\d.]+ (kB|MB) in 30 days \(range ±\d+ B\)/);
  });

  it('exports the history of a target or one table as CSV and JSON', async () => {
    const csv = await get('/api/targets/main/history?format=csv&schema=public&table=django_session');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="main-history-public\.django_session-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('target,schema,table,at,resolution,totalBytes,indexBytes,deadRows,rowEstimate,expiredRows,liveRows');
    // The server's sampling timer may add a sample at a 15-minute boundary meanwhile: one more line then.
    const samplesNow = await (await store()).sizeSample.count({ where: { target: 'main', table: 'django_session' } });
    expect(lines.length - 1 - 14 * 24).toBeGreaterThanOrEqual(realSamples);
    expect(lines.length - 1 - 14 * 24).toBeLessThanOrEqual(samplesNow);
    expect(lines.find((l) => l.startsWith(`main,public,django_session,${sampledAt.toISOString()},`))).toMatch(new RegExp(`^main,public,django_session,${sampledAt.toISOString().replace(/\./g, '\\.')},fine,${sessionBytes},\\d+,\\d+,\\d+,${PG.expired},${PG.live}$`));

    const json = await get('/api/targets/main/history?format=json&range=7');
    expect(json.status).toBe(200);
    const body = (await json.json()) as { rangeDays: number; rows: Array<{ table: string; at: string }> };
    expect(body.rangeDays).toBe(7);
    expect(new Set(body.rows.map((r) => r.table))).toEqual(new Set(['customers', 'django_session', 'orders']));
    expect(body.rows.every((r) => Date.parse(r.at) >= Date.now() - 7 * DAY)).toBe(true);

    expect((await get('/api/targets/main/history?range=3')).status).toBe(400);
    expect(await (await get('/api/targets/main/history?table=orders')).json()).toEqual({ error: 'table needs schema too' });
    expect((await get('/api/targets/nope/history')).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/api/targets/main/history`)).status).toBe(401);
  });
});
