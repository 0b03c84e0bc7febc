// How the schedules and workers pages put times into words: a cron expression
// in words for the common shapes (and nothing, rather than something wrong,
// for the rest), a moment on a zone's wall clock, a heartbeat's age in seconds.
import { describe, expect, it } from 'vitest';
import { cronInWords } from '@/components/schedules/cron-words';
import { formatInZone } from '@/components/schedules/zone-time';
import { formatAgo } from '@/lib/format-time';

describe('cronInWords', () => {
  it.each([
    ['* * * * *', 'every minute'],
    ['*/15 * * * *', 'every 15 min'],
    ['5 * * * *', 'every hour at :05'],
    ['0 3 * * *', 'every day at 03:00'],
    ['30 4 * * 1-5', 'on weekdays at 04:30'],
    ['0 22 * * 0,6', 'on weekends at 22:00'],
    ['0 1 * * 1,3', 'on Monday, Wednesday at 01:00'],
    ['0 1 * * 7', 'on Sunday at 01:00'],
    ['15 2 1 * *', 'on day 1 of each month at 02:15'],
    ['*/15 * * * 1-5', 'every 15 min on weekdays'],
    ['0 * * * 6', 'every hour at :00 on Saturday'],
  ])('%s is "%s"', (cron, words) => expect(cronInWords(cron)).toBe(words));

  it.each(['0 3 * 1 *', '0 3 1 * 1', '*/15 3 * * *', '0 3-5 * * *', '0 3 * * MON', '60 3 * * *', '0 3 * *'])('%s has no words (the raw expression stands alone)', (cron) =>
    expect(cronInWords(cron)).toBeNull(),
  );
});

describe('formatInZone', () => {
  it('shows the wall clock of the zone, across a date line', () => {
    const iso = '2026-11-30T19:30:00.000Z';
    expect(formatInZone(iso, 'Asia/Tokyo')).toBe('Tue 1 Dec 04:30');
    expect(formatInZone(iso, 'America/New_York')).toBe('Mon 30 Nov 14:30');
    expect(formatInZone(iso, 'UTC')).toBe('Mon 30 Nov 19:30');
  });
});

describe('formatAgo with seconds', () => {
  const now = '2026-11-30T12:00:00.000Z';
  it('says "3 s ago" under a minute, and minutes after that', () => {
    expect(formatAgo('2026-11-30T11:59:57.000Z', now, { seconds: true })).toBe('3 s ago');
    expect(formatAgo('2026-11-30T11:59:57.000Z', now)).toBe('just now');
    expect(formatAgo('2026-11-30T11:57:00.000Z', now, { seconds: true })).toBe('3 min ago');
  });
});
