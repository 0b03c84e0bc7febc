import { describe, expect, it } from 'vitest';
import { latestStart, nextOccurrences, occurrencesBetween, windowEnd } from '@/lib/schedules/occurrences';
import { scheduleFieldsSchema } from '@/lib/schemas/schedule';

describe('when a schedule fires', () => {
  it('"0 3 * * *" in Europe/Berlin is 02:00 UTC in winter and 01:00 UTC in summer', () => {
    expect(nextOccurrences('0 3 * * *', 'Europe/Berlin', new Date('2026-12-01T00:00:00Z'), 1)[0]!.toISOString()).toBe('2026-12-01T02:00:00.000Z');
    expect(nextOccurrences('0 3 * * *', 'Europe/Berlin', new Date('2026-07-01T00:00:00Z'), 1)[0]!.toISOString()).toBe('2026-07-01T01:00:00.000Z');
  });

  it('lists each occurrence between two instants once, oldest first, excluding the start', () => {
    const got = occurrencesBetween('* * * * *', 'UTC', new Date('2026-11-30T10:00:00Z'), new Date('2026-11-30T10:03:00Z')).map((d) => d.toISOString());
    expect(got).toEqual(['2026-11-30T10:01:00.000Z', '2026-11-30T10:02:00.000Z', '2026-11-30T10:03:00.000Z']);
  });

  it('a window "until 06:00" ends at the next 06:00 in the zone, the next day when the run starts after midnight before it', () => {
    expect(windowEnd('06:00', 'America/Los_Angeles', new Date('2026-11-30T11:00:00Z')).toISOString()).toBe('2026-11-30T14:00:00.000Z'); // 03:00 PST → 06:00 PST
    expect(windowEnd('06:00', 'Asia/Tokyo', new Date('2026-11-30T22:00:00Z')).toISOString()).toBe('2026-12-01T21:00:00.000Z'); // 07:00 JST → the next day's 06:00 JST
  });

  it('an occurrence may start late until its window ends, or 10 minutes without one', () => {
    const due = new Date('2026-11-30T02:00:00Z');
    expect(latestStart(due, null, 'UTC').toISOString()).toBe('2026-11-30T02:10:00.000Z');
    expect(latestStart(due, '05:00', 'UTC').toISOString()).toBe('2026-11-30T05:00:00.000Z');
  });
});

describe('schedule fields', () => {
  const ok = { target: 'prod', cron: '0 3 * * *', tz: 'Europe/Berlin' };
  it.each([
    [{ ...ok, cron: '0 3 * *' }, 'five fields'],
    [{ ...ok, cron: '0 25 * * *' }, 'not a valid cron'],
    [{ ...ok, tz: 'Mars/Olympus' }, 'IANA zone'],
    [{ ...ok, until: '6am' }, 'HH:MM'],
    [{ ...ok, then: 'shrink' }, 'Then must be one of'],
  ])('refuses %j with one line that says what is wrong', (input, message) => {
    const r = scheduleFieldsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
  it('takes a valid one, UTC when no zone is given', () => {
    expect(scheduleFieldsSchema.parse({ target: 'prod', cron: '*/5 * * * *' })).toMatchObject({ tz: 'UTC' });
  });
});
