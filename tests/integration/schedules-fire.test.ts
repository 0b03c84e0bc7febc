// Schedule occurrences as the workers' sweep fires them (lib/schedules/fire-due.ts),
// on both stores and a real PostgreSQL target: due ones queue a run once however
// often they are looked at, late ones are recorded as missed, a busy table as
// skipped, and --until becomes the run's stop time in the schedule's zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { useStoreOfKind, STORE_KINDS } from '../helpers/temp-store';
import { seedDjangoSessions } from '../helpers/session-tables';

for (const kind of STORE_KINDS) {
  describe(`schedules on a ${kind} store`, () => {
    const s = useStoreOfKind(kind);
    let target: TestDb;
    beforeAll(async () => {
      target = await createPgDatabase('jt_sched');
      await seedDjangoSessions('postgres', target.url, 500);
      process.env.JANITOR_TARGET_MAIN = target.url;
      const { resetEnvCache } = await import('@/lib/env');
      resetEnvCache();
    });
    afterAll(async () => {
      delete process.env.JANITOR_TARGET_MAIN;
      // The next block's "main" is another database: no pool of this one may stay.
      const { closeAllTargets } = await import('@/lib/targets/registry');
      await closeAllTargets();
      await target?.drop();
    });

    it('fires an occurrence once, records the ones nobody could start in time as missed, and skips a busy table', async () => {
      expect(s.url).toBeTruthy();
      const { createSchedule } = await import('@/lib/schedules/create-schedule');
      const { fireDueSchedules } = await import('@/lib/schedules/fire-due');
      const { getSchedule } = await import('@/lib/schedules/schedule-view');
      const { store } = await import('@/lib/store/client');
      const created = await createSchedule({
        schedule: { target: 'main', cron: '0 * * * *', tz: 'Asia/Tokyo' },
        spec: { table: 'django_session', preset: 'django' },
        params: { sleepSeconds: '0' },
        createdBy: 'test',
      });
      const db = await store();
      // As if everything had been down since 05:10 UTC; the sweep runs at 08:05.
      await db.schedule.update({ where: { id: created.id }, data: { checkedTo: new Date('2026-11-30T05:10:00Z') } });
      const now = new Date('2026-11-30T08:05:00Z');
      // Two workers sweeping at the same moment.
      const fired = await Promise.all([fireDueSchedules({ now }), fireDueSchedules({ now })]);
      expect(fired[0]! + fired[1]!).toBe(1);
      const view = (await getSchedule(created.id))!;
      expect(view.last.map((o) => [o.dueAt, o.status])).toEqual([
        ['2026-11-30T08:00:00.000Z', 'started'],
        ['2026-11-30T07:00:00.000Z', 'missed'],
        ['2026-11-30T06:00:00.000Z', 'missed'],
      ]);
      expect(view.last[1]!.reason).toMatch(/not started late/);
      const run = (await db.run.findUnique({ where: { id: view.last[0]!.runId! } }))!;
      expect(run).toMatchObject({ status: 'queued', scheduleId: created.id, detached: true, startedBy: `schedule:${created.id}` });
      expect(JSON.parse(run.params).stopAt).toBeNull();

      // The next occurrence finds that run still queued: skipped, naming it.
      await fireDueSchedules({ now: new Date('2026-11-30T09:01:00Z') });
      const again = (await getSchedule(created.id))!;
      expect(again.last[0]).toMatchObject({ dueAt: '2026-11-30T09:00:00.000Z', status: 'skipped', runId: run.id });
      expect(again.last[0]!.reason).toMatch(/already running/);
      expect(await db.run.count()).toBe(1);
    });

    it('--until becomes the run\'s stop time in the schedule\'s zone; an occurrence may start late within its window', async () => {
      const { createSchedule } = await import('@/lib/schedules/create-schedule');
      const { fireDueSchedules } = await import('@/lib/schedules/fire-due');
      const { store } = await import('@/lib/store/client');
      const db = await store();
      await db.run.deleteMany({});
      await db.schedule.deleteMany({});
      const created = await createSchedule({ schedule: { target: 'main', cron: '0 22 * * *', tz: 'Asia/Tokyo', until: '06:00' }, spec: { table: 'django_session', preset: 'django' }, params: {}, createdBy: 'test' });
      // 22:00 JST is 13:00 UTC; the sweep comes 3 hours late, still inside the window.
      await db.schedule.update({ where: { id: created.id }, data: { checkedTo: new Date('2026-11-30T12:00:00Z') } });
      expect(await fireDueSchedules({ now: new Date('2026-11-30T16:00:00Z') })).toBe(1);
      const run = (await db.run.findFirst({ where: { scheduleId: created.id } }))!;
      // 06:00 the next morning in Tokyo: 21:00 UTC.
      expect(JSON.parse(run.params).stopAt).toBe('2026-11-30T21:00:00.000Z');
    });

    it('refuses a schedule the target cannot run, with one line, and stores nothing', async () => {
      const { createSchedule } = await import('@/lib/schedules/create-schedule');
      const { store } = await import('@/lib/store/client');
      const before = await (await store()).schedule.count();
      await expect(createSchedule({ schedule: { target: 'main', cron: '0 3 * * *', tz: 'UTC' }, spec: { table: 'no_such_table', preset: 'django' }, params: {}, createdBy: 'test' })).rejects.toThrow(/no_such_table/);
      await expect(createSchedule({ schedule: { target: 'nope', cron: '0 3 * * *', tz: 'UTC' }, spec: { table: 'django_session' }, params: {}, createdBy: 'test' })).rejects.toThrow(/unknown target "nope"/);
      expect(await (await store()).schedule.count()).toBe(before);
    });
  });
}
