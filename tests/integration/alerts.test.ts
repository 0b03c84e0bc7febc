// Alerts Janitor sends itself, against a real local HTTP receiver: each alert
// kind arrives with the right body (generic JSON and Slack), a 500 is retried
// with back-off, a receiver that keeps failing ends as "failed", two delivery
// loops never send one alert twice, and neither the webhook's secret URL nor
// a connection string shows up in bodies, the store's records, the audit log
// or the logs. Runs and a reclaim go through the real CLI against PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createClient } from '@libsql/client';
import { useTempStore } from '../helpers/temp-store';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { seedDjangoSessions } from '../helpers/session-tables';
import { janitor } from '../helpers/cli';

const storeUrl = useTempStore();
process.env.JANITOR_PUBLIC_URL = 'https://janitor.example.test/';

const { addWebhook, changeWebhook } = await import('@/lib/alerts/manage-webhooks');
const { webhookFormSchema } = await import('@/lib/schemas/webhook');
const { notifyRunEnded } = await import('@/lib/alerts/notify-run-ended');
const { notifyScheduleSkipped } = await import('@/lib/alerts/notify-schedule-skipped');
const { checkThresholds } = await import('@/lib/alerts/check-thresholds');
const { startAlertDelivery, workDueDeliveries } = await import('@/lib/alerts/delivery-loop');
const { claimDue, enqueueDeliveries, pruneDeliveries } = await import('@/lib/store/alerts/deliveries');
const { renderBody } = await import('@/lib/alerts/render-body');
const { interruptAbandoned } = await import('@/lib/store/work/ownership');
const { store } = await import('@/lib/store/client');

// ---- a receiver that records what it got and answers as told ----
type Received = { path: string; contentType: string | undefined; body: string; json: Record<string, unknown> };
const received: Received[] = [];
let answer: (req: Received, n: number) => number | 'hang' = () => 200;
let receiver: http.Server;
let base = '';

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        /* recorded as text */
      }
      const r: Received = { path: req.url ?? '', contentType: req.headers['content-type'], body, json };
      received.push(r);
      const status = answer(r, received.filter((x) => x.path === r.path).length);
      if (status === 'hang') return; // never answers: the sender's timeout must end it
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});
afterEach(() => {
  answer = () => 200;
});

// Logs of this process, to check for secrets.
const logged: string[] = [];
for (const m of ['log', 'error', 'warn'] as const) {
  const orig = console[m].bind(console);
  vi.spyOn(console, m).mockImplementation((...a: unknown[]) => {
    logged.push(a.map(String).join(' '));
    orig(...a);
  });
}

const fast = { maxAttempts: 3, backoffMs: 50, timeoutMs: 2_000 };
const SECRET = 'T0SECRET/B0SECRET/xoxSecretToken123';
let n = 0;
/** A webhook at its own secret path on the receiver. */
async function hook(o: { format: 'json' | 'slack'; events?: string[]; thresholds?: Record<string, string> }) {
  const name = `hook-${++n}`;
  const path = `/services/${n}/${SECRET}`;
  const input = webhookFormSchema.parse({ name, url: `${base}${path}`, format: o.format, events: o.events ?? [], ...o.thresholds });
  const w = await addWebhook(input, 'olivia');
  return { ...w, path, got: () => received.filter((r) => r.path === path) };
}

const waitFor = async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function deliveryRows(webhookId: string) {
  const db = await store();
  return db.alertDelivery.findMany({ where: { webhookId }, orderBy: { id: 'asc' } });
}

describe('alerts reach a local receiver', () => {
  let db: TestDb;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    db = await createPgDatabase('jalert');
    await seedDjangoSessions('postgres', db.url, 3_000);
    stop = startAlertDelivery({ pollMs: 50, policy: fast });
  });
  afterAll(async () => {
    await stop?.();
    await db?.drop();
  });

  it('a cleanup run that completes through the CLI sends run.completed as generic JSON, naming target and table and linking to the run', async () => {
    const w = await hook({ format: 'json', events: ['run.completed', 'run.failed'] });
    const r = janitor(['cleanup', '--url', db.url, '--table', 'django_session', '--sleep-seconds', '0', '--json'], { env: { DATABASE_URL: storeUrl } });
    expect(r.status, r.stderr).toBe(0);
    const runId = (r.stdout.trim().split('\n').map((l) => JSON.parse(l)) as { type: string; runId?: string }[]).find((l) => l.type === 'start')!.runId!;
    const [got] = await waitFor('the alert', () => w.got().length > 0 && w.got());
    expect(got!.contentType).toBe('application/json');
    expect(got!.json).toMatchObject({
      source: 'janitor',
      event: 'run.completed',
      severity: 'info',
      schema: 'public',
      table: 'django_session',
      url: `https://janitor.example.test/runs/${runId}`,
      details: { runId, status: 'completed', kind: 'cleanup' },
    });
    expect(String(got!.json.target)).toMatch(/^url:127\.0\.0\.1:5432\//);
    expect(String(got!.json.title)).toContain('Cleanup of public.django_session');
    expect(String(got!.json.text)).toMatch(/rows deleted in \d+ batches/);
    await waitFor('delivered status', async () => (await deliveryRows(w.id))[0]?.status === 'delivered');
    const [row] = await deliveryRows(w.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, event: 'run.completed', table: 'django_session' });
  });

  it('a reclaim through the CLI sends reclaim.completed in Slack shape: one "text" with the table and a link', async () => {
    const w = await hook({ format: 'slack', events: ['reclaim.completed'] });
    const r = janitor(['reclaim', '--url', db.url, '--table', 'django_session', '--mode', 'analyze', '--json'], { env: { DATABASE_URL: storeUrl } });
    expect(r.status, r.stderr).toBe(0);
    const [got] = await waitFor('the alert', () => w.got().length > 0 && w.got());
    expect(Object.keys(got!.json)).toEqual(['text']);
    const text = String(got!.json.text);
    expect(text).toMatch(/^:white_check_mark: \*Reclaim \(analyze\) of public\.django_session on url:127\.0\.0\.1:5432\/\S+ completed\*/);
    expect(text).toContain('table `public.django_session`');
    expect(text).toMatch(/<https:\/\/janitor\.example\.test\/operations\/\w+\|Open in Janitor>$/);
  });

  it('a run whose process died is marked interrupted once, and run.interrupted goes out once', async () => {
    const w = await hook({ format: 'json', events: ['run.interrupted'] });
    const s = await store();
    const run = await s.run.create({
      data: { target: 'prod', schema: 'public', table: 'django_session', params: '{}', status: 'running', startedBy: 'olivia', owner: 'nohost-anywhere:1:dead', heartbeatAt: new Date(Date.now() - 10 * 60_000), totalDeleted: 1200, batchCount: 3 },
    });
    expect(await interruptAbandoned('run', { id: run.id })).toBe(1);
    expect(await interruptAbandoned('run', { id: run.id })).toBe(0);
    const [got] = await waitFor('the alert', () => w.got().length > 0 && w.got());
    expect(got!.json).toMatchObject({ event: 'run.interrupted', severity: 'warning', target: 'prod', table: 'django_session', url: `https://janitor.example.test/runs/${run.id}` });
    expect(String(got!.json.text)).toContain('1,200 rows deleted in 3 batches');
    await waitFor('settled', async () => (await deliveryRows(w.id)).every((d) => d.status === 'delivered'));
    expect(w.got()).toHaveLength(1);
  });

  it('a failed log-everyone-out run sends run.failed with its error, and a connection string in that error never leaves', async () => {
    const w = await hook({ format: 'slack', events: ['run.failed'] });
    const s = await store();
    const run = await s.run.create({
      data: { kind: 'logout-all', target: 'prod', schema: 'public', table: 'sessions', params: '{}', status: 'failed', startedBy: 'olivia', error: `could not connect to ${db.url}`, finishedAt: new Date() },
    });
    await notifyRunEnded(run.id);
    const [got] = await waitFor('the alert', () => w.got().length > 0 && w.got());
    const text = String(got!.json.text);
    expect(text).toMatch(/^:x: \*Log-everyone-out of public\.sessions on prod failed\*/);
    expect(text).toContain('Error: could not connect to postgresql://[redacted]');
    expect(got!.body).not.toContain('janitor_test:janitor_test');
  });

  it('a skipped schedule sends schedule.skipped with the reason and a link to the target', async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    const noise = await hook({ format: 'json', events: ['run.completed'] });
    await notifyScheduleSkipped({ scheduleId: 'nightly-django', target: 'prod', table: 'public.django_session', reason: 'a cleanup of public.django_session is still running', at: new Date('2026-11-30T03:00:00Z') });
    const [got] = await waitFor('the alert', () => w.got().length > 0 && w.got());
    expect(got!.json).toMatchObject({
      event: 'schedule.skipped',
      target: 'prod',
      schema: 'public',
      table: 'django_session',
      url: 'https://janitor.example.test/targets/prod',
      at: '2026-11-30T03:00:00.000Z',
      details: { scheduleId: 'nightly-django', reason: 'a cleanup of public.django_session is still running' },
    });
    expect(noise.got()).toHaveLength(0);
  });

  it('each threshold fires once while it holds, stays quiet, and fires again after it cleared', async () => {
    const w = await hook({ format: 'json', thresholds: { expiredRowsAbove: '1000', tableSizeGb: '1', growthMbPerDay: '100', forecastGb: '10', forecastDays: '30' } });
    const GB = 1024 ** 3;
    const MB = 1024 ** 2;
    const big = { target: 'prod', schema: 'public', table: 'django_session', totalBytes: 7 * GB, expiredRows: 5_000_000, growthBytesPerDay: 310 * MB, forecast: { bytesNow: 7 * GB, bytesPerDay: 0.2 * GB } };
    const small = { target: 'prod', schema: 'public', table: 'auth_user', totalBytes: 10 * MB, expiredRows: null, growthBytesPerDay: 1 * MB, forecast: { bytesNow: 10 * MB, bytesPerDay: 1 * MB } };

    const first = await checkThresholds([big, small]);
    expect(first.map((f) => `${f.rule}:${f.table}`).sort()).toEqual(['expired-rows:django_session', 'forecast:django_session', 'growth:django_session', 'table-size:django_session']);
    const got = await waitFor('four alerts', () => w.got().length >= 4 && w.got());
    const byEvent = Object.fromEntries(got.map((g) => [g.json.event, g.json]));
    expect(byEvent['threshold.expired-rows']).toMatchObject({ title: 'public.django_session on prod holds 5,000,000 expired sessions', url: 'https://janitor.example.test/targets/prod', details: { expiredRows: 5_000_000, limit: 1000 } });
    expect(byEvent['threshold.table-size']).toMatchObject({ title: 'public.django_session on prod is 7.0 GB', details: { limit: GB } });
    expect(byEvent['threshold.growth']).toMatchObject({ title: 'public.django_session on prod grows 310 MB per day' });
    // (10 GB - 7 GB) / 0.2 GB a day = 15 days, within the 30 asked for.
    expect(byEvent['threshold.forecast']).toMatchObject({ title: 'public.django_session on prod will reach 10.0 GB in about 15 days', details: { daysToReach: 15, withinDays: 30 } });

    // Still above: nothing new. An unknown figure (no forecast, expired rows not counted) neither fires nor clears.
    expect(await checkThresholds([big, small])).toEqual([]);
    expect(await checkThresholds([{ ...big, expiredRows: null, forecast: null }])).toEqual([]);
    // The table was cleaned up: expired rows, size and forecast (10 GB is 47 days away now) clear…
    expect(await checkThresholds([{ ...big, totalBytes: 0.5 * GB, expiredRows: 10, forecast: { bytesNow: 0.5 * GB, bytesPerDay: 0.2 * GB } }])).toEqual([]);
    // …and fire again when it is back; growth (310 MB/day all along) never cleared, so it stays quiet.
    const again = await checkThresholds([big]);
    expect(again.map((f) => f.rule).sort()).toEqual(['expired-rows', 'forecast', 'table-size']);
    await waitFor('seven alerts', () => w.got().length >= 7);
    expect(await checkThresholds([big])).toEqual([]);
    await waitFor('all settled', async () => (await deliveryRows(w.id)).every((d) => d.status === 'delivered'));
    expect(w.got()).toHaveLength(7);
  });

  it("the scheduler's skipped and missed occurrences alert, missed ones once per schedule and sweep", async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    const { insertSchedule } = await import('@/lib/store/schedules/schedule-rows');
    const { fireDueSchedules } = await import('@/lib/schedules/fire-due');
    const s = await store();
    const base = { target: 'nowhere', schema: 'public', table: 'django_session', spec: '{"table":"django_session","preset":"django"}', params: '{}', tz: 'UTC', then: null, until: null, createdBy: 'olivia' };
    // Down for three days: four nightly occurrences passed unrun.
    const nightly = await insertSchedule({ ...base, cron: '0 3 * * *' });
    await s.schedule.update({ where: { id: nightly.id }, data: { checkedTo: new Date('2026-11-27T00:00:00Z') } });
    // Due 30 s ago, on a target that is not configured: it cannot start.
    const minutely = await insertSchedule({ ...base, cron: '* * * * *' });
    await s.schedule.update({ where: { id: minutely.id }, data: { checkedTo: new Date('2026-11-30T04:59:30Z') } });
    await fireDueSchedules({ now: new Date('2026-11-30T05:00:30Z') });
    await s.schedule.deleteMany({ where: { id: { in: [nightly.id, minutely.id] } } });

    const got = await waitFor('two alerts', () => w.got().length >= 2 && w.got());
    const by = Object.fromEntries(got.map((g) => [(g.json.details as { scheduleId: string }).scheduleId, g.json]));
    expect(by[nightly.id]).toMatchObject({ event: 'schedule.skipped', target: 'nowhere', schema: 'public', table: 'django_session', at: '2026-11-30T03:00:00.000Z' });
    expect(String((by[nightly.id]!.details as { reason: string }).reason)).toMatch(/^4 occurrences missed, the last at 2026-11-30T03:00:00\.000Z: nothing was running/);
    expect(by[minutely.id]).toMatchObject({ at: '2026-11-30T05:00:00.000Z' });
    expect(String((by[minutely.id]!.details as { reason: string }).reason)).toMatch(/^could not start: .*nowhere/);
    await waitFor('settled', async () => (await deliveryRows(w.id)).every((d) => d.status === 'delivered'));
    expect(w.got()).toHaveLength(2);
  });

  it('a disabled webhook gets nothing', async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    await changeWebhook({ id: w.id, change: 'disable' }, 'olivia');
    await notifyScheduleSkipped({ scheduleId: 's', target: 'prod', reason: 'busy' });
    expect(await deliveryRows(w.id)).toHaveLength(0);
    await changeWebhook({ id: w.id, change: 'enable' }, 'olivia');
    await notifyScheduleSkipped({ scheduleId: 's2', target: 'prod', reason: 'busy' });
    const [got] = await waitFor('the alert once enabled', () => w.got().length > 0 && w.got());
    expect(got!.json).toMatchObject({ details: { scheduleId: 's2' } });
  });
});

describe('delivery: retries, giving up, one sender', () => {
  it('a 500 is retried after a pause and then delivered; each attempt is audit-logged', async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    answer = (r, k) => (r.path === w.path && k === 1 ? 500 : 200);
    const stop = startAlertDelivery({ pollMs: 50, policy: { ...fast, backoffMs: 300 } });
    try {
      await notifyScheduleSkipped({ scheduleId: 'retry-me', target: 'prod', reason: 'busy' });
      await waitFor('delivered', async () => (await deliveryRows(w.id))[0]?.status === 'delivered');
    } finally {
      await stop();
    }
    const [row] = await deliveryRows(w.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200, lastError: null });
    const got = w.got();
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(got[0]!.body);
    const audits = await auditRows(`webhook:${w.name}`);
    expect(audits.map((a) => a.action)).toEqual(['alert.webhook.add', 'alert.retry', 'alert.delivered']);
    expect(JSON.parse(audits[1]!.detail!)).toMatchObject({ deliveryId: row!.id, attempt: 1, httpStatus: 500, error: 'HTTP 500: receiver says no' });
  });

  it('a receiver that keeps failing gets exactly N attempts, with growing pauses, and the delivery shows failed', async () => {
    const w = await hook({ format: 'slack', events: ['schedule.skipped'] });
    const times: number[] = [];
    answer = (r) => {
      if (r.path === w.path) times.push(Date.now());
      return r.path === w.path ? 503 : 200;
    };
    const stop = startAlertDelivery({ pollMs: 20, policy: { maxAttempts: 4, backoffMs: 200, timeoutMs: 2_000 } });
    try {
      await notifyScheduleSkipped({ scheduleId: 'doomed', target: 'prod', reason: 'busy' });
      await waitFor('failed', async () => (await deliveryRows(w.id))[0]?.status === 'failed');
    } finally {
      await stop();
    }
    const [row] = await deliveryRows(w.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 503 });
    expect(row!.lastError).toBe('HTTP 503: receiver says no (gave up after 4 attempts)');
    expect(times).toHaveLength(4);
    // 200, 400, 800 ms at least between attempts (a busy machine only makes them longer).
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    expect(gaps[2]).toBeGreaterThanOrEqual(790);
    const audits = await auditRows(`webhook:${w.name}`);
    expect(audits.map((a) => a.action)).toEqual(['alert.webhook.add', 'alert.retry', 'alert.retry', 'alert.retry', 'alert.failed']);
  });

  it('a receiver that never answers is cut off by the timeout and retried', async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    answer = (r, k) => (r.path === w.path && k === 1 ? 'hang' : 200);
    const stop = startAlertDelivery({ pollMs: 20, policy: { maxAttempts: 3, backoffMs: 50, timeoutMs: 500 } });
    try {
      await notifyScheduleSkipped({ scheduleId: 'slow', target: 'prod', reason: 'busy' });
      await waitFor('delivered', async () => (await deliveryRows(w.id))[0]?.status === 'delivered');
    } finally {
      await stop();
    }
    const audits = await auditRows(`webhook:${w.name}`);
    expect(JSON.parse(audits.find((a) => a.action === 'alert.retry')!.detail!)).toMatchObject({ httpStatus: null, error: 'no answer within 0.5 s' });
  });

  it('a 404 (a revoked hook) is not retried', async () => {
    const w = await hook({ format: 'slack', events: ['schedule.skipped'] });
    answer = (r) => (r.path === w.path ? 404 : 200);
    await notifyScheduleSkipped({ scheduleId: 'gone', target: 'prod', reason: 'busy' });
    await workDueDeliveries({ owner: 'test:1:x', policy: fast });
    const [row] = await deliveryRows(w.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 404, lastError: 'HTTP 404: receiver says no' });
  });

  it('two delivery loops on one store send each alert exactly once', async () => {
    const w = await hook({ format: 'json', events: ['schedule.skipped'] });
    const a = startAlertDelivery({ pollMs: 10, policy: fast });
    const b = startAlertDelivery({ pollMs: 10, policy: fast });
    try {
      for (let i = 0; i < 40; i++) await notifyScheduleSkipped({ scheduleId: `s-${i}`, target: 'prod', reason: 'busy' });
      await waitFor('all delivered', async () => {
        const rows = await deliveryRows(w.id);
        return rows.length === 40 && rows.every((r) => r.status === 'delivered');
      });
    } finally {
      await Promise.all([a(), b()]);
    }
    const ids = w.got().map((g) => (g.json.details as { scheduleId: string }).scheduleId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect((await deliveryRows(w.id)).every((r) => r.attempts === 1)).toBe(true);
  });

  it('two separate processes working one store send each of 40 alerts exactly once', async () => {
    const w = await hook({ format: 'json', events: ['run.completed'] });
    const procs = [0, 1].map(() => spawn(process.execPath, ['tests/helpers/alert-loop-process.mjs'], { env: { ...process.env, DATABASE_URL: storeUrl }, stdio: ['ignore', 'pipe', 'inherit'] }));
    try {
      await Promise.all(procs.map((p) => new Promise<void>((resolve, reject) => {
        p.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        p.once('exit', (code) => reject(new Error(`delivery process exited with ${code}`)));
      })));
      // A process that quit early would leave its share undelivered: say so rather than time out.
      const quit = procs.map((p) => new Promise<never>((_, reject) => p.once('exit', (code) => reject(new Error(`a delivery process exited early (${code})`)))));
      quit.forEach((q) => q.catch(() => undefined));
      const allDelivered = waitFor('all delivered', async () => {
        const rows = await deliveryRows(w.id);
        return rows.length === 40 && rows.every((r) => r.status === 'delivered');
      });
      allDelivered.catch(() => undefined); // awaited in the race below
      const s = await store();
      for (let i = 0; i < 40; i++) {
        const run = await s.run.create({ data: { target: 'prod', schema: 'public', table: `t${i}`, params: '{}', status: 'completed', startedBy: 'olivia', finishedAt: new Date() } });
        await notifyRunEnded(run.id);
      }
      await Promise.race([allDelivered, ...quit]);
    } finally {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.once('exit', r)))));
    }
    const tables = w.got().map((g) => String(g.json.table));
    expect(tables).toHaveLength(40);
    expect(new Set(tables).size).toBe(40);
  });

  it('two processes claiming the same due deliveries at once get disjoint sets that cover them all', async () => {
    const w = await hook({ format: 'json', events: [] as string[], thresholds: { tableSizeGb: '1' } });
    const ids = await enqueueDeliveries(Array.from({ length: 30 }, (_, i) => ({ webhookId: w.id, event: 'test' as const, target: null, schema: null, table: null, title: `t${i}`, body: '{}' })));
    const [x, y] = await Promise.all([claimDue({ owner: 'a:1:a', limit: 100, leaseMs: 60_000 }), claimDue({ owner: 'b:2:b', limit: 100, leaseMs: 60_000 })]);
    const mine = (c: { id: number }[]) => c.map((d) => d.id).filter((id) => ids.includes(id));
    const all = [...mine(x), ...mine(y)];
    expect(all.sort((p, q) => p - q)).toEqual(ids);
    expect(new Set(all).size).toBe(30);
  });
});

describe('bodies and upkeep', () => {
  it("escapes Slack's control characters in names and messages, and keeps the generic body's text as it is", () => {
    const m = { event: 'run.failed' as const, severity: 'error' as const, title: 'Cleanup of a<b>&c failed', lines: ['Error: x < y && z > 0'], target: 'prod', schema: 'public', table: 'a<b>&c', path: '/runs/1', at: new Date(0), details: {} };
    const slack = JSON.parse(renderBody(m, 'slack')) as { text: string };
    expect(slack.text).toBe(':x: *Cleanup of a&lt;b&gt;&amp;c failed*\ntarget *prod*, table `public.a&lt;b&gt;&amp;c`\nError: x &lt; y &amp;&amp; z &gt; 0\n<https://janitor.example.test/runs/1|Open in Janitor>');
    const json = JSON.parse(renderBody(m, 'json')) as Record<string, unknown>;
    expect(json).toMatchObject({ title: 'Cleanup of a<b>&c failed', table: 'a<b>&c', text: 'Error: x < y && z > 0' });
  });

  it('prunes settled deliveries after 30 days and keeps pending ones', async () => {
    const w = await hook({ format: 'json', events: ['run.failed'] });
    const s = await store();
    const old = new Date(Date.now() - 40 * 86_400_000);
    const row = (status: string, createdAt: Date) => ({ webhookId: w.id, event: 'test', title: status, body: '{}', status, createdAt });
    await s.alertDelivery.createMany({ data: [row('delivered', old), row('failed', old), row('pending', old), row('delivered', new Date())] });
    expect(await pruneDeliveries(30)).toBe(2);
    expect((await deliveryRows(w.id)).map((d) => d.title).sort()).toEqual(['delivered', 'pending']);
    await s.alertDelivery.deleteMany({ where: { webhookId: w.id } });
  });
});

async function auditRows(target: string) {
  const c = createClient({ url: storeUrl });
  try {
    const r = await c.execute({ sql: 'SELECT action, detail FROM AuditLog WHERE target = ? ORDER BY id', args: [target] });
    return r.rows.map((row) => ({ action: String(row.action), detail: row.detail === null ? null : String(row.detail) }));
  } finally {
    c.close();
  }
}

describe('secrets', () => {
  it('the webhook URL and connection strings appear in no body, stored record, audit entry or log line', async () => {
    const c = createClient({ url: storeUrl });
    try {
      const deliveries = await c.execute('SELECT body, lastError, title FROM AlertDelivery');
      const audit = await c.execute('SELECT target, detail FROM AuditLog');
      const texts = [
        ...received.map((r) => r.body),
        ...deliveries.rows.flatMap((r) => [String(r.body), String(r.lastError ?? ''), String(r.title)]),
        ...audit.rows.flatMap((r) => [String(r.target ?? ''), String(r.detail ?? '')]),
        ...logged,
      ];
      expect(received.length).toBeGreaterThan(50);
      for (const t of texts) {
        expect(t).not.toContain('xoxSecretToken123');
        expect(t).not.toContain('janitor_test:janitor_test');
        expect(t).not.toMatch(/postgres(ql)?:\/\/(?!\[redacted\])/);
      }
      // The audit log shows which webhook, with its URL masked.
      const added = audit.rows.filter((r) => String(r.detail ?? '').includes('"url"'));
      expect(added.length).toBeGreaterThan(0);
      for (const a of added) expect(JSON.parse(String(a.detail)).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…$/);
    } finally {
      c.close();
    }
  });
});
