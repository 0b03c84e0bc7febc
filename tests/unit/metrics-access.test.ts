// Who may read /api/metrics, and the token's configuration.
import { afterEach, describe, expect, it } from 'vitest';
import { readEnv, resetEnvCache } from '@/lib/env';
import { metricsAccess } from '@/lib/metrics/check-token';

const saved = process.env.JANITOR_METRICS_TOKEN;
afterEach(() => {
  if (saved === undefined) delete process.env.JANITOR_METRICS_TOKEN;
  else process.env.JANITOR_METRICS_TOKEN = saved;
  resetEnvCache();
});

describe('metrics access', () => {
  it('is off (404) without a configured token, whatever is sent', () => {
    delete process.env.JANITOR_METRICS_TOKEN;
    resetEnvCache();
    expect(metricsAccess(null)).toBe('off');
    expect(metricsAccess('Bearer anything-at-all-here')).toBe('off');
    process.env.JANITOR_METRICS_TOKEN = '';
    resetEnvCache();
    expect(metricsAccess('Bearer ')).toBe('off');
  });

  it('allows exactly the configured bearer token', () => {
    process.env.JANITOR_METRICS_TOKEN = 'a-long-enough-token-123';
    resetEnvCache();
    expect(metricsAccess('Bearer a-long-enough-token-123')).toBe('allowed');
    expect(metricsAccess('bearer a-long-enough-token-123')).toBe('allowed');
    expect(metricsAccess('Bearer a-long-enough-token-12')).toBe('denied');
    expect(metricsAccess('Bearer a-long-enough-token-1234')).toBe('denied');
    expect(metricsAccess('a-long-enough-token-123')).toBe('denied');
    expect(metricsAccess(null)).toBe('denied');
  });

  it('rejects a short or spaced token and a bad history interval with a one-line message naming the variable', () => {
    expect(() => readEnv({ JANITOR_METRICS_TOKEN: 'short' })).toThrow('JANITOR_METRICS_TOKEN must be at least 16 characters');
    expect(() => readEnv({ JANITOR_METRICS_TOKEN: 'has a space in the middle' })).toThrow('JANITOR_METRICS_TOKEN must be printable ASCII without spaces');
    expect(() => readEnv({ JANITOR_HISTORY_INTERVAL_MINUTES: '0' })).toThrow('JANITOR_HISTORY_INTERVAL_MINUTES must be at least 1');
    expect(() => readEnv({ JANITOR_HISTORY_INTERVAL_MINUTES: 'soon' })).toThrow('JANITOR_HISTORY_INTERVAL_MINUTES must be a whole number of minutes');
    expect(readEnv({}).JANITOR_HISTORY_INTERVAL_MINUTES).toBe(15);
  });
});
