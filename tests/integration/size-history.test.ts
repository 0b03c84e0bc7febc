// Size history on a schedule: a sampling timer with a short interval takes
// samples of real PostgreSQL and MariaDB targets whose figures are the
// databases' own; two timers at once take one sample per target per interval;
// a target that is down is recorded as down; session tables get their counts
// from the sample itself; a report taken in an interval adds its session
// counts; old samples are rolled up to one a day.
import { useTempStore } from '../helpers/temp-store';
useTempStore();

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { freePort } from '../helpers/app-server';
import { resetEnvCache } from '@/lib/env';
import { closeAllTargets } from '@/lib/targets/registry';
import { closeStore, store } from '@/lib/store/client';
import { startHistorySampling } from '@/lib/history/start-history-sampling';
import { recordSizeSamples } from '@/lib/stats/record-size-samples';
import { downsample } from '@/lib/history/downsample';
import { historyRows } from '@/lib/history/read-history';
import { latestSessionCounts, targetsUp } from '@/lib/history/latest-samples';
import { seedDjangoSessions } from '../helpers/session-tables';

let pgDb: TestDb;
let myDb: TestDb;
let pgc: pg.Client;
let myc: mysql.Connection;
let seeded: { expired: number; live: number };

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([createPgDatabase('jt_hist'), createMysqlDatabase('jt_hist')]);
  pgc = await pgClient(pgDb.url);
  await pgc.query(`CREATE TABLE events (id bigserial PRIMARY KEY, body text NOT NULL);
    INSERT INTO events (body) SELECT repeat('e', 300) FROM generate_series(1, 5000);
    DELETE FROM events WHERE id % 5 = 0; ANALYZE events;`);
  myc = await mysqlConn(myDb.url);
  await myc.query(`CREATE TABLE products (id int PRIMARY KEY AUTO_INCREMENT, name varchar(200) NOT NULL, KEY name_idx (name)) ENGINE=InnoDB;
    INSERT INTO products (name) SELECT CONCAT('product ', seq) FROM seq_1_to_3000; ANALYZE TABLE products;`);
  // A Django session table in each: the scheduled sample counts its sessions.
  [seeded] = await Promise.all([seedDjangoSessions('postgres', pgDb.url, 2_000), seedDjangoSessions('mysql', myDb.url, 2_000)]);
  process.env.JANITOR_TARGET_PGH = pgDb.url;
  process.env.JANITOR_TARGET_MYH = myDb.url;
  process.env.JANITOR_TARGET_GONE = `postgresql://nobody:not-a-secret@127.0.0.1:${await freePort()}/gone`;
  resetEnvCache();
});

afterAll(async () => {
  await closeAllTargets();
  await closeStore();
  await pgc?.end();
  await myc?.end();
  await Promise.allSettled([pgDb?.drop(), myDb?.drop()]);
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('size history sampling', () => {
  it('two timers sample every target once per interval, with the databases own figures, and record a down target as down', async () => {
    const intervalMs = 1_000;
    const stops = [startHistorySampling({ intervalMs, log: () => {} }), startHistorySampling({ intervalMs, log: () => {} })];
    const db = await store();
    try {
      // Three finished intervals per target (on a busy machine a tick may slip: wait, do not sleep).
      await waitFor('three sampled intervals of each target', async () => {
        const slots = await db.sizeSampleSlot.groupBy({ by: ['target'], where: { status: { in: ['up', 'down'] } }, _count: { _all: true } });
        const n = (t: string) => slots.find((s) => s.target === t)?._count._all ?? 0;
        return n('pgh') >= 3 && n('myh') >= 3 && n('gone') >= 3 ? true : undefined;
      });
    } finally {
      await Promise.all(stops.map((s) => s()));
    }

    // Exactly once: every sample moment of a target lies in its own interval.
    for (const target of ['pgh', 'myh']) {
      const moments = await db.sizeSample.groupBy({ by: ['at'], where: { target } });
      const buckets = moments.map((m) => Math.floor(m.at.getTime() / intervalMs));
      expect(new Set(buckets).size, `${target}: two samples in one interval`).toBe(buckets.length);
      const slotsUp = await db.sizeSampleSlot.count({ where: { target, status: 'up' } });
      expect(moments.length).toBe(slotsUp);
      // One row per table per sample, never two.
      const perTable = await db.sizeSample.groupBy({ by: ['at', 'table'], where: { target }, _count: { _all: true } });
      expect(perTable.every((g) => g._count._all === 1)).toBe(true);
    }
    expect(await db.sizeSample.count({ where: { target: 'gone' } })).toBe(0);
    const down = await db.sizeSampleSlot.findFirst({ where: { target: 'gone', status: 'down' } });
    expect(down?.error).toMatch(/gone|refused|reach/i);
    expect(down?.error).not.toContain('not-a-secret');
    expect(await targetsUp(['pgh', 'myh', 'gone'])).toEqual([
      expect.objectContaining({ target: 'pgh', up: true }),
      expect.objectContaining({ target: 'myh', up: true }),
      expect.objectContaining({ target: 'gone', up: false }),
    ]);

    // The figures are the databases' own (nothing was written since, so the last sample still holds).
    const [pgRow] = await historyRows({ target: 'pgh', schema: 'public', table: 'events', days: 1 }).then((r) => r.slice(-1));
    const { rows: [pgTruth] } = await pgc.query(
      `SELECT pg_total_relation_size('events')::float8 AS total, pg_indexes_size('events')::float8 AS idx, n_dead_tup::float8 AS dead FROM pg_stat_user_tables WHERE relname = 'events'`,
    );
    expect(pgRow).toMatchObject({ totalBytes: pgTruth.total, indexBytes: pgTruth.idx, deadRows: pgTruth.dead, resolution: 'fine' });
    expect(pgRow!.totalBytes).toBeGreaterThan(1_000_000);
    const [myRow] = await historyRows({ target: 'myh', schema: myDb.name, table: 'products', days: 1 }).then((r) => r.slice(-1));
    const [[myTruth]] = (await myc.query(
      'SELECT DATA_LENGTH + INDEX_LENGTH AS total, INDEX_LENGTH AS idx FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      ['products'],
    )) as unknown as [Array<{ total: number; idx: number }>];
    expect(myRow).toMatchObject({ totalBytes: Number(myTruth!.total), indexBytes: Number(myTruth!.idx), deadRows: null });

    // With no report taken, the samples alone carry each session table's counts (exact at this size),
    // which is what the expired-sessions alert and janitor_session_rows read.
    const counts = (await latestSessionCounts()).filter((c) => c.target === 'pgh' || c.target === 'myh');
    expect(counts).toEqual(
      expect.arrayContaining([
        { target: 'pgh', schema: 'public', table: 'django_session', expired: seeded.expired, live: seeded.live },
        { target: 'myh', schema: myDb.name, table: 'django_session', expired: seeded.expired, live: seeded.live },
      ]),
    );
    expect(counts).toHaveLength(2);
  });

  it('a report in an interval the schedule sampled adds its session counts; in a fresh interval it is the sample', async () => {
    const intervalMs = 60_000;
    const t = Date.parse('2026-02-01T10:00:00Z');
    const tables = [{ schema: 'public', name: 'django_session', totalBytes: 1000, indexBytes: 400, deadRows: 3, rowEstimate: 10 }] as never;
    const sessionTables = [{ schema: 'public', table: 'django_session', expired: 7, live: 3 }] as never;
    // Fresh interval: the report's figures become the sample, with counts.
    expect(await recordSizeSamples({ target: 'rep', intervalMs, report: { tables, sessionTables, takenAt: new Date(t + 1000).toISOString() } })).toBe(true);
    // Same interval again (a reload): no second sample, newer counts on the first.
    const later = [{ schema: 'public', table: 'django_session', expired: 9, live: 4 }] as never;
    expect(await recordSizeSamples({ target: 'rep', intervalMs, report: { tables, sessionTables: later, takenAt: new Date(t + 30_000).toISOString() } })).toBe(false);
    const rows = await historyRows({ target: 'rep', days: 400, now: new Date(t + 60_000) });
    expect(rows).toEqual([expect.objectContaining({ at: new Date(t + 1000).toISOString(), totalBytes: 1000, expiredRows: 9, liveRows: 4 })]);
  });

  it('downsampling keeps 7 days of fine samples, one a day for a year, and is idempotent', async () => {
    const db = await store();
    const DAY = 86_400_000;
    const now = new Date('2027-06-15T12:00:00Z');
    const start = now.getTime() - 400 * DAY;
    const data: Array<{ target: string; schema: string; table: string; totalBytes: number; at: Date }> = [];
    // Every 6 hours for 400 days, two tables; size = hours since start.
    for (let t = start; t <= now.getTime(); t += 6 * 3_600_000) {
      for (const table of ['a', 'b']) data.push({ target: 'ds', schema: 's', table, totalBytes: (t - start) / 3_600_000, at: new Date(t) });
    }
    await db.sizeSample.createMany({ data });
    const first = await downsample({ now });
    const second = await downsample({ now });
    expect(second).toEqual({ daysRolledUp: 0, fineDeleted: 0, dailyDeleted: 0, slotsDeleted: 0 });
    expect(first.daysRolledUp).toBeGreaterThan(350);

    const rows = await db.sizeSample.findMany({ where: { target: 'ds', table: 'a' }, orderBy: { at: 'asc' } });
    const fineCutoff = Math.floor((now.getTime() - 7 * DAY) / DAY) * DAY;
    const fine = rows.filter((r) => r.resolution === 'fine');
    const daily = rows.filter((r) => r.resolution === 'day');
    // Fine: everything from the cutoff day on, untouched.
    expect(fine.every((r) => r.at.getTime() >= fineCutoff)).toBe(true);
    expect(fine.length).toBe(data.filter((d) => d.table === 'a' && d.at.getTime() >= fineCutoff).length);
    // Daily: one per UTC day, the day's last reading (18:00), none older than a year.
    const days = daily.map((r) => Math.floor(r.at.getTime() / DAY));
    expect(new Set(days).size).toBe(days.length);
    expect(daily.every((r) => r.at.getTime() >= now.getTime() - 365 * DAY && r.at.getTime() < fineCutoff)).toBe(true);
    expect(daily.every((r) => r.at.getUTCHours() === 18 && r.totalBytes === (r.at.getTime() - start) / 3_600_000)).toBe(true);
    expect(daily.length).toBeGreaterThanOrEqual(357);
    expect(daily.length).toBeLessThanOrEqual(359);
    // Both tables of a day share one moment, so the database's total still sums per moment.
    const b = await db.sizeSample.findMany({ where: { target: 'ds', table: 'b', resolution: 'day' }, select: { at: true } });
    expect(b.map((r) => r.at.getTime())).toEqual(daily.map((r) => r.at.getTime()));
  });
});
