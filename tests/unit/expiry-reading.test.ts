import { describe, expect, it } from 'vitest';
import { cutoffInstant } from '@/lib/session-tables/expiry';
import { instantOfWallClock, readingFor, wallClockIn, zoneOffsetMinutes } from '@/lib/session-tables/column-reading';
import { chooseZone, normalizeZone, timestampZoneSchema } from '@/lib/session-tables/timestamp-zone';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';

describe('the cutoff', () => {
  const now = new Date('2026-01-01T12:00:00.000Z');
  it('is now for expire-at columns and now less the TTL for last-activity columns', () => {
    expect(cutoffInstant({ ttlSeconds: null }, now)).toEqual(now);
    expect(cutoffInstant({ ttlSeconds: 86400 }, now)).toEqual(new Date('2025-12-31T12:00:00.000Z'));
  });
});

describe('wall-clock time in a zone', () => {
  it('writes the cutoff as the writer saw it, across daylight saving time', () => {
    const winter = new Date('2026-01-15T20:30:00.250Z');
    const summer = new Date('2026-07-15T20:30:00.250Z');
    expect(wallClockIn(winter, 'UTC')).toBe('2026-01-15 20:30:00.250000');
    expect(wallClockIn(winter, 'America/Los_Angeles')).toBe('2026-01-15 12:30:00.250000');
    expect(wallClockIn(summer, 'America/Los_Angeles')).toBe('2026-07-15 13:30:00.250000');
    expect(wallClockIn(winter, 'Asia/Tokyo')).toBe('2026-01-16 05:30:00.250000');
    expect(wallClockIn(winter, '+09:00')).toBe('2026-01-16 05:30:00.250000');
    expect(wallClockIn(winter, '-03:30')).toBe('2026-01-15 17:00:00.250000');
  });
  it('reads a stored wall clock back as the instant it names', () => {
    for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Europe/Berlin', '+05:45']) {
      for (const iso of ['2026-01-15T20:30:00.250Z', '2026-07-01T00:00:00.000Z', '2026-03-29T01:30:00.000Z']) {
        const at = new Date(iso);
        expect(instantOfWallClock(wallClockIn(at, zone), zone).toISOString()).toBe(iso);
      }
    }
  });
  it('does not depend on the zone of the Janitor process', () => {
    // TZ is read by Intl per call; the arithmetic above never uses local time.
    expect(zoneOffsetMinutes('Asia/Tokyo', new Date('2026-01-01T00:00:00Z'))).toBe(540);
    expect(zoneOffsetMinutes('America/Los_Angeles', new Date('2026-01-01T00:00:00Z'))).toBe(-480);
  });
});

describe('timestamp zones', () => {
  it('accepts utc, server, IANA names and offsets, and says what it wants otherwise', () => {
    expect(normalizeZone('UTC')).toBe('utc');
    expect(normalizeZone('server')).toBe('server');
    expect(normalizeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(normalizeZone('+09:00')).toBe('+09:00');
    expect(normalizeZone('Mars/Olympus')).toBeNull();
    expect(normalizeZone('+25:00')).toBeNull();
    const bad = timestampZoneSchema.safeParse('local');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/^Timestamp zone must be utc, server, an IANA zone/);
    expect(sessionSpecSchema.parse({ table: 'x', timestampZone: 'Asia/Tokyo' }).timestampZone).toBe('Asia/Tokyo');
  });
  it("prefers the operator's zone, then the target's, then the preset's", () => {
    expect(chooseZone({ given: 'Asia/Tokyo', target: 'utc', preset: 'server' })).toBe('Asia/Tokyo');
    expect(chooseZone({ target: 'utc', preset: 'server' })).toBe('utc');
    expect(chooseZone({ preset: 'server' })).toBe('server');
    expect(chooseZone({})).toBeNull();
  });
  it('refuses to guess the zone of a custom naive column, and ignores zones for instants and epochs', async () => {
    const serverZone = async () => 'America/Los_Angeles';
    await expect(readingFor({ storage: 'naive', expiryType: 'timestamp', zone: null, column: 'expires_at', serverZone })).rejects.toThrow(
      /column "expires_at" holds timestamps without a time zone; say in which zone they were written with --timestamp-zone/,
    );
    expect(await readingFor({ storage: 'naive', expiryType: 'timestamp', zone: 'server', column: 'e', serverZone })).toEqual({
      kind: 'wall-clock',
      zone: 'America/Los_Angeles',
      source: 'server',
    });
    expect(await readingFor({ storage: 'instant', expiryType: 'timestamp', zone: null, column: 'e', serverZone })).toEqual({ kind: 'instant' });
    expect(await readingFor({ storage: 'integer', expiryType: 'epoch-ms', zone: null, column: 'e', serverZone })).toEqual({ kind: 'epoch-ms' });
  });
});
