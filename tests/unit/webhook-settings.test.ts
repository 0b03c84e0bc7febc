// What an operator types into the webhook form: each mistake gets one clear
// message, thresholds are stored in bytes, and the URL is only ever shown masked.
import { describe, expect, it } from 'vitest';
import { webhookFormSchema } from '@/lib/schemas/webhook';
import { maskUrl, scrubUrl } from '@/lib/alerts/mask-url';
import { backoffAfter } from '@/lib/alerts/attempt-delivery';
import { readEnv } from '@/lib/env';

const ok = { name: 'ops', url: 'https://hooks.slack.com/services/T0/B0/secret', format: 'slack', events: ['run.failed'] };
const firstError = (v: Record<string, unknown>) => {
  const r = webhookFormSchema.safeParse(v);
  return r.success ? null : `${String(r.error.issues[0]!.path[0])}: ${r.error.issues[0]!.message}`;
};

describe('webhook settings', () => {
  it('takes a Slack hook with events, and thresholds typed in GB and MB/day as bytes', () => {
    const r = webhookFormSchema.parse({ ...ok, expiredRowsAbove: '1000000', tableSizeGb: '5', growthMbPerDay: '100', forecastGb: '20', forecastDays: '30' });
    expect(r).toEqual({
      name: 'ops',
      url: ok.url,
      format: 'slack',
      events: ['run.failed'],
      thresholds: { expiredRowsAbove: 1_000_000, tableBytesAbove: 5 * 1024 ** 3, growthBytesPerDayAbove: 100 * 1024 ** 2, forecast: { bytes: 20 * 1024 ** 3, withinDays: 30 } },
    });
  });

  it('refuses what cannot receive alerts, each with one line', () => {
    expect(firstError({ ...ok, url: 'ftp://example.com/x' })).toBe('url: Only http:// and https:// URLs can receive alerts.');
    expect(firstError({ ...ok, url: 'javascript:alert(1)' })).toBe('url: Only http:// and https:// URLs can receive alerts.');
    expect(firstError({ ...ok, url: 'hooks.slack.com/services/x' })).toBe('url: Give a full URL, e.g. https://hooks.slack.com/services/…');
    expect(firstError({ ...ok, url: 'https://user:pw@example.com/hook' })).toBe('url: Put no user name or password in the URL.');
    expect(firstError({ ...ok, url: '' })).toBe('url: Give the webhook URL.');
    expect(firstError({ ...ok, name: ' ' })).toBe('name: Give the webhook a name.');
    expect(firstError({ ...ok, format: 'xml' })).toBe('format: Choose generic JSON or Slack.');
    expect(firstError({ ...ok, events: ['run.exploded'] })).toBe('events: Unknown event.');
    expect(firstError({ ...ok, events: [] })).toBe('events: Choose at least one event or threshold.');
    expect(firstError({ ...ok, expiredRowsAbove: '0x10' })).toBe('expiredRowsAbove: Expired sessions: a whole number, 0 or more.');
    expect(firstError({ ...ok, tableSizeGb: '-1' })).toBe('tableSizeGb: Table size: a number of GB, above 0.');
    expect(firstError({ ...ok, forecastGb: '10' })).toBe('forecastGb: Give both the forecast size and the days, or neither.');
    expect(firstError({ ...ok, forecastGb: '10', forecastDays: '1.5' })).toBe('forecastDays: Forecast days: a whole number from 1 to 3650.');
  });

  it('a threshold alone is enough', () => {
    expect(webhookFormSchema.parse({ ...ok, events: [], tableSizeGb: '1' }).thresholds).toEqual({ tableBytesAbove: 1024 ** 3 });
  });

  it('shows only scheme and host of a URL, and takes it out of any text', () => {
    expect(maskUrl(ok.url)).toBe('https://hooks.slack.com/…');
    expect(maskUrl('https://example.com')).toBe('https://example.com');
    expect(maskUrl('http://127.0.0.1:8080/?token=abc')).toBe('http://127.0.0.1:8080/…');
    expect(scrubUrl(`POST ${ok.url} failed; path /services/T0/B0/secret`, ok.url)).toBe('POST [webhook URL] failed; path [webhook URL]');
  });

  it('backs off exponentially: the pause doubles after each failed attempt, capped at an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffAfter(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(backoffAfter(30, 10_000)).toBe(3_600_000);
  });

  it('links alerts under JANITOR_PUBLIC_URL (this server on localhost by default); a bad value names the variable, not its value', () => {
    expect(readEnv({}).publicUrl).toBe('http://localhost:3000');
    expect(readEnv({ PORT: '3111' }).publicUrl).toBe('http://localhost:3111');
    expect(readEnv({ JANITOR_PUBLIC_URL: 'https://janitor.example.com/' }).publicUrl).toBe('https://janitor.example.com');
    expect(() => readEnv({ JANITOR_PUBLIC_URL: 'ftp://files.example.com' })).toThrow('JANITOR_PUBLIC_URL must be an http(s) URL, e.g. https://janitor.example.com');
    expect(() => readEnv({ JANITOR_ALERT_ATTEMPTS: '0' })).toThrow('JANITOR_ALERT_ATTEMPTS must be at least 1');
  });
});
