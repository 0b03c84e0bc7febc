// What keeps the SQLite and PostgreSQL stores in step without a database:
// every migration comes in both dialects, the PostgreSQL client is generated
// from the one schema, and the store's helpers read both stores' shapes.
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '@/lib/store/migrate';
import { toPositional } from '@/lib/store/positional-params';
import { isUniqueViolation } from '@/lib/store/unique-violation';
import { STORE_FACTS, storeFilesDir, storeKind } from '@/lib/store/store-kind';
import { readEnv } from '@/lib/env';
// @ts-expect-error a plain .mjs script without types
import { derivePostgresSchema } from '../../scripts/prisma-generate.mjs';

const dir = path.join(process.cwd(), 'prisma', 'migrations');

describe('store migrations', () => {
  it('every migration folder holds migration.sql (SQLite) and postgres.sql (PostgreSQL)', () => {
    const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.length).toBeGreaterThan(0);
    for (const f of folders) {
      for (const file of Object.values(STORE_FACTS).map((f) => f.migrationFile)) expect(existsSync(path.join(dir, f.name, file)), `${f.name}/${file}`).toBe(true);
      expect(f.name, 'NNNN_name').toMatch(/^\d{4}_[a-z0-9_]+$/);
    }
  });

  it('both stores apply the same migrations in the same order', () => {
    const names = (kind: 'sqlite' | 'postgres') => listMigrations(kind).map((m) => m.name);
    expect(names('postgres')).toEqual(names('sqlite'));
    expect(names('sqlite')).toEqual([...names('sqlite')].sort());
  });

  it('postgres.sql uses PostgreSQL types, never SQLite ones', () => {
    for (const m of listMigrations('postgres')) {
      const sql = m.sql().replace(/--.*$/gm, '');
      expect(sql, m.name).not.toMatch(/\bDATETIME\b|\bAUTOINCREMENT\b|\bREAL\b/);
    }
  });
});

describe('the PostgreSQL client schema', () => {
  it('is prisma/schema.prisma with the provider and the output swapped, and nothing else', () => {
    const source = readFileSync('prisma/schema.prisma', 'utf8');
    const derived: string = derivePostgresSchema(source);
    expect(derived).toMatch(/provider = "postgresql"/);
    expect(derived).toMatch(/output\s+= "\.\.\/\.\.\/lib\/store\/generated-pg"/);
    const strip = (s: string) => s.replace(/^\/\/ GENERATED.*\n/, '').replace('"postgresql"', '"sqlite"').replace('"../../lib/store/generated-pg"', '"../lib/store/generated"');
    expect(strip(derived)).toBe(source);
  });

  it('refuses a schema whose provider it cannot find, rather than generating a SQLite client twice', () => {
    expect(() => derivePostgresSchema('datasource db {\n  provider = "mysql"\n}\n')).toThrow(/datasource provider/);
  });
});

describe('store statements', () => {
  it('turns ? placeholders into $n, leaving quoted identifiers and strings alone', () => {
    expect(toPositional(`UPDATE "Run" SET "a" = ?, "b?" = 'x?''?' WHERE "id" = ? AND "status" = 'running'`)).toBe(
      `UPDATE "Run" SET "a" = $1, "b?" = 'x?''?' WHERE "id" = $2 AND "status" = 'running'`,
    );
    expect(() => toPositional(`SELECT 'open`)).toThrow(/unterminated/);
  });

  it('knows a unique violation from either store and either path', () => {
    expect(isUniqueViolation({ code: 'P2002', message: 'Unique constraint failed on the fields: (`target`,`schema`,`table`)' })).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('duplicate key value violates unique constraint "Run_one_active_per_table"'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(new Error('SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: Run.target, Run.schema, Run.table'))).toBe(true);
    expect(isUniqueViolation(new Error('wrapped', { cause: { code: '23505' } }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('null value in column "owner"'), { code: '23502' }))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe('DATABASE_URL', () => {
  it('takes a file: URL or a postgresql:// URL and says which store it is', () => {
    for (const url of ['file:./data/janitor.db', 'postgresql://janitor:pw@db.internal:5432/janitor', 'postgres://u@127.0.0.1/j']) expect(readEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    expect(storeKind('file:./data/janitor.db')).toBe('sqlite');
    expect(storeKind('postgres://u@127.0.0.1/j')).toBe('postgres');
    expect(storeFilesDir('postgresql://u:pw@h/j')).toBe(path.resolve('data'));
    expect(storeFilesDir('file:/tmp/x/janitor.db')).toBe('/tmp/x');
  });

  it('refuses anything else with one line that names the variable, not the value', () => {
    for (const url of ['mysql://u:Zq9secret@h/j', 'postgresql://u:Zq9secret@/', 'http://Zq9secret', 'postgresql://u:Zq9secret@h']) {
      let message = '';
      try {
        readEnv({ DATABASE_URL: url });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, url).toMatch(/^DATABASE_URL must be a file: URL \(SQLite\).*or a postgresql:\/\//);
      expect(message).not.toContain('Zq9');
    }
  });
});
