// Bad input (RELIABILITY.md): identifier quoting against the real servers.
// For arbitrary names, CREATE TABLE with the quoted name must create exactly
// one table whose catalog name is exactly that name (and a column likewise),
// or be refused; never a different name, never a second statement. A canary
// table checks that nothing broke out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { quoteIdent } from '@/lib/targets/quote-identifier';
import { hostileText } from '../helpers/hostile';

const RUNS = { numRuns: 150 };

/** Names worth trying: hostile fragments, any unicode, and lengths around the servers' limits (63 bytes, 64 characters). */
const names = fc.oneof(
  hostileText({ long: false }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }),
  fc.string({ unit: 'grapheme', minLength: 15, maxLength: 40 }),
  // Basic Multilingual Plane only, the most MySQL identifiers can hold.
  fc.string({ unit: fc.integer({ min: 1, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '_', '1', '"', '`', "'", ';', ' ', '-', 'é', 'ß', '€'), minLength: 1, maxLength: 40 }),
  fc.tuple(fc.integer({ min: 55, max: 70 }), fc.constantFrom('a', 'é', '"', '`', '€', '😀')).map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
);

function tryQuote(dialect: 'postgres' | 'mysql', name: string): string | null {
  try {
    return quoteIdent(dialect, name);
  } catch {
    return null;
  }
}

describe('PostgreSQL', () => {
  let db: TestDb;
  let c: pg.Client;
  beforeAll(async () => {
    db = await createPgDatabase('jt_quote');
    c = await pgClient(db.url);
    await c.query(`CREATE SCHEMA qt; CREATE TABLE public.canary (id int PRIMARY KEY); INSERT INTO public.canary SELECT generate_series(1, 100);`);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  it('CREATE TABLE with any quoted name makes exactly that table and column in the catalog', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const q = tryQuote('postgres', name);
        if (q === null) {
          // Refused only what PostgreSQL cannot hold as given: NUL, or more than 63 bytes (it would truncate to another name).
          expect(name.length === 0 || name.includes('\u0000') || Buffer.byteLength(name) > 63, JSON.stringify(name)).toBe(true);
          return;
        }
        tried++;
        await c.query(`CREATE TABLE qt.${q} (${q} int)`);
        try {
          const t = await c.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relnamespace = 'qt'::regnamespace AND relkind = 'r'`);
          expect(t.rows.map((r) => r.relname)).toEqual([name]);
          const cols = await c.query<{ attname: string }>(`SELECT attname FROM pg_attribute WHERE attrelid = ('qt.' || $1)::regclass AND attnum > 0`, [q]);
          expect(cols.rows.map((r) => r.attname)).toEqual([name]);
        } finally {
          await c.query(`DROP TABLE qt.${q}`);
        }
      }),
      RUNS,
    );
    expect(tried).toBeGreaterThan(50);
    const canary = await c.query('SELECT count(*)::int AS n FROM public.canary');
    expect(canary.rows[0].n).toBe(100);
    const all = await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace IN ('qt'::regnamespace, 'public'::regnamespace) AND relkind = 'r'`);
    expect(all.rows[0].n).toBe(1);
  });
});

describe('MariaDB', () => {
  let db: TestDb;
  let c: mysql.Connection;
  beforeAll(async () => {
    db = await createMysqlDatabase('jt_quote');
    c = await mysqlConn(db.url);
    await c.query(`CREATE TABLE canary (id int PRIMARY KEY); INSERT INTO canary SELECT seq FROM seq_1_to_100;`);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  const tables = async () => ((await c.query(`SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`))[0] as { n: string }[]).map((r) => r.n);

  it('CREATE TABLE with any quoted name makes exactly that table and column, or is refused by the server', async () => {
    let created = 0;
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const q = tryQuote('mysql', name);
        if (q === null) {
          expect(name.length === 0 || name.length > 64 || name.includes('\u0000'), JSON.stringify(name)).toBe(true);
          return;
        }
        try {
          await c.query(`CREATE TABLE ${q} (${q} int)`);
        } catch (e) {
          // The server refuses some names (a trailing space, characters outside the BMP): an error, and no table.
          expect(await tables(), `${JSON.stringify(name)}: ${(e as Error).message}`).toEqual(['canary']);
          // It must accept every name inside its rules: no trailing white space, no characters outside the BMP, and a
          // file name (table names are file names, each character but [A-Za-z0-9_] written as @xxxx) within 255 bytes.
          const fileName = [...name].reduce((n, ch) => n + (/[A-Za-z0-9_]/.test(ch) ? 1 : 5), 0);
          const inRules = !/[ \t\n\v\f\r]$/.test(name) && ![...name].some((ch) => ch.codePointAt(0)! > 0xffff) && fileName <= 250;
          expect(inRules, `${JSON.stringify(name)} refused: ${(e as Error).message}`).toBe(false);
          return;
        }
        created++;
        try {
          expect((await tables()).sort()).toEqual(['canary', name].sort());
          const [cols] = await c.query(`SELECT COLUMN_NAME AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`, [name]);
          expect((cols as { n: string }[]).map((r) => r.n)).toEqual([name]);
        } finally {
          await c.query(`DROP TABLE ${q}`);
        }
      }),
      RUNS,
    );
    expect(created).toBeGreaterThan(40);
    const [rows] = await c.query('SELECT COUNT(*) AS n FROM canary');
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(100);
  });
});
