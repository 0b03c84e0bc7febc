import { describe, expect, it } from 'vitest';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { readEnv } from '@/lib/env';
import { redact } from '@/lib/redact';

describe('target URLs', () => {
  it('accepts postgres, postgresql, mysql and mariadb URLs and names the dialect', () => {
    expect(parseTargetUrl('MAIN', 'postgresql://u:p@db:5432/app', 'X').dialect).toBe('postgres');
    expect(parseTargetUrl('a', 'postgres://u@db/app', 'X').dialect).toBe('postgres');
    expect(parseTargetUrl('shop', 'mysql://u:p@db:3306/shop', 'X')).toMatchObject({ dialect: 'mysql', database: 'shop', name: 'shop' });
    expect(parseTargetUrl('m', 'mariadb://u@db/x', 'X').dialect).toBe('mysql');
  });

  it('rejects an unsupported scheme with a one-line message that does not echo the URL', () => {
    const run = () => parseTargetUrl('main', 'mongodb://admin:s3cret@db:27017/app', 'JANITOR_TARGET_MAIN');
    expect(run).toThrow(/JANITOR_TARGET_MAIN has unsupported scheme "mongodb"/);
    try {
      run();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('s3cret');
    }
  });

  it('rejects garbage and a MySQL URL without a database', () => {
    expect(() => parseTargetUrl('main', 'not a url', 'JANITOR_TARGET_MAIN')).toThrow(/JANITOR_TARGET_MAIN is not a valid URL/);
    expect(() => parseTargetUrl('shop', 'mysql://u:p@db:3306/', '--url')).toThrow(/--url names no database/);
  });

  it('reads JANITOR_TARGET_<NAME> from the environment, lower-cased and sorted', () => {
    const e = readEnv({ JANITOR_TARGET_SHOP: 'mysql://u@h/shop', JANITOR_TARGET_MAIN: 'postgresql://u@h/app' });
    expect(e.targets.map((t) => [t.name, t.dialect])).toEqual([
      ['main', 'postgres'],
      ['shop', 'mysql'],
    ]);
  });

  it('names the bad variable in a config error', () => {
    expect(() => readEnv({ PORT: 'abc' })).toThrow(/^PORT /);
    expect(() => readEnv({ JANITOR_ADMIN_PASSWORD: 'short' })).toThrow(/JANITOR_ADMIN_PASSWORD must be at least 8 characters/);
  });

  it('redacts connection strings from text', () => {
    expect(redact('failed: postgresql://admin:hunter2@db/app and mysql://r:x@h/d')).toBe('failed: postgresql://[redacted] and mysql://[redacted]');
  });
});
