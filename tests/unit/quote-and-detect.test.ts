import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteQualified } from '@/lib/targets/quote-identifier';
import { detectSessionTables } from '@/lib/session-tables/detect';
import type { CatalogTable, ColumnInfo } from '@/lib/targets/adapter';

const col = (name: string, kind: ColumnInfo['kind']): ColumnInfo => ({ name, kind, dataType: kind, nullable: false });
const t = (table: string, cols: ColumnInfo[]): CatalogTable => ({ schema: 'public', table, columns: cols, rowEstimate: 0 });

describe('identifier quoting', () => {
  it('keeps a hostile name one identifier on both dialects', () => {
    expect(quoteIdent('postgres', 'x"; DROP TABLE users; --')).toBe('"x""; DROP TABLE users; --"');
    expect(quoteIdent('mysql', 'x`; DROP TABLE users; --')).toBe('`x``; DROP TABLE users; --`');
    expect(quoteQualified('postgres', 'public', 'django_session')).toBe('"public"."django_session"');
  });
  it('refuses empty, NUL-containing and overlong names', () => {
    expect(() => quoteIdent('postgres', '')).toThrow();
    expect(() => quoteIdent('mysql', 'a\u0000b')).toThrow();
    expect(() => quoteIdent('postgres', 'x'.repeat(129))).toThrow();
  });
});

describe('session table detection', () => {
  it('proposes each preset by its shape and tells the `sessions` tables apart', () => {
    const found = detectSessionTables([
      t('django_session', [col('session_key', 'text'), col('session_data', 'text'), col('expire_date', 'timestamp')]),
      t('sessions', [col('id', 'text'), col('payload', 'text'), col('last_activity', 'integer'), col('user_id', 'integer')]),
      t('session', [col('sid', 'text'), col('sess', 'other'), col('expire', 'timestamp')]),
    ]);
    expect(found.map((f) => [f.table, f.preset, f.expiryColumn, f.expiryType, f.ttlSeconds])).toEqual([
      ['django_session', 'django', 'expire_date', 'timestamp', null],
      ['sessions', 'laravel', 'last_activity', 'epoch-s', 7200],
      ['session', 'connect-pg-simple', 'expire', 'timestamp', null],
    ]);
    const rails = detectSessionTables([t('sessions', [col('session_id', 'text'), col('data', 'text'), col('updated_at', 'timestamp')])]);
    expect(rails[0]).toMatchObject({ preset: 'rails', ttlSeconds: 30 * 86400 });
    const express = detectSessionTables([t('sessions', [col('session_id', 'text'), col('data', 'text'), col('expires', 'integer')])]);
    expect(express[0]).toMatchObject({ preset: 'express-mysql-session', expiryType: 'epoch-s' });
  });
  it("reads naive timestamps in the preset's zone unless the target says otherwise", () => {
    const tables = [
      t('django_session', [col('session_key', 'text'), col('session_data', 'text'), col('expire_date', 'timestamp')]),
      t('session', [col('sid', 'text'), col('sess', 'other'), col('expire', 'timestamp')]),
    ];
    expect(detectSessionTables(tables).map((f) => f.timestampZone)).toEqual(['utc', 'server']);
    expect(detectSessionTables(tables, { targetZone: 'America/New_York' }).map((f) => f.timestampZone)).toEqual(['America/New_York', 'America/New_York']);
  });

  it('does not propose a table whose expiry column has the wrong type or misses signature columns', () => {
    expect(detectSessionTables([t('django_session', [col('session_key', 'text'), col('session_data', 'text'), col('expire_date', 'text')])])).toEqual([]);
    expect(detectSessionTables([t('sessions', [col('id', 'integer'), col('name', 'text')])])).toEqual([]);
  });
});
