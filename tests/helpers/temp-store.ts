// Fresh stores for tests: a SQLite file (the embedded default) or a PostgreSQL
// database on the local test server (janitor_store_<random>, dropped after).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { createPgDatabase, pgClient } from './databases';

export type StoreKind = 'sqlite' | 'postgres';
/** Every kind of store Janitor runs on, for tests that run once per store. */
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

/**
 * A PostgreSQL store's database runs in a zone other than UTC, so a write that
 * leans on the session's TimeZone (CURRENT_TIMESTAMP into a TIMESTAMP column,
 * a Date bound by node-pg) stores the wrong time and a test sees it.
 */
const PG_STORE_TIMEZONE = 'America/New_York';

/** Points the store at a fresh SQLite file for this test file. Call before anything imports lib/store (env and the client are cached per process). */
export function useTempStore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'janitor-store-'));
  const url = `file:${path.join(dir, 'janitor.db')}`;
  process.env.DATABASE_URL = url;
  return url;
}

export type TempStore = { kind: StoreKind; url: string; drop: () => Promise<void> };

/** A new, empty store of `kind` (not migrated: opening it does that). */
export async function createTempStore(kind: StoreKind): Promise<TempStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'janitor-store-'));
    return { kind, url: `file:${path.join(dir, 'janitor.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await createPgDatabase('janitor_store');
  const admin = await pgClient(db.url);
  try {
    await admin.query(`ALTER DATABASE ${db.name} SET timezone TO '${PG_STORE_TIMEZONE}'`);
  } finally {
    await admin.end();
  }
  return { kind, url: db.url, drop: db.drop };
}

/**
 * Makes this process's lib/store use `url` from now on: closes the store it
 * had open and forgets the cached environment.
 */
export async function pointStoreAt(url: string) {
  process.env.DATABASE_URL = url;
  const [{ resetEnvCache }, { closeStore }] = await Promise.all([import('@/lib/env'), import('@/lib/store/client')]);
  resetEnvCache();
  await closeStore();
}

/**
 * For a describe block run once per store kind: a fresh store of `kind` for
 * the block, this process pointed at it, dropped after. Read `.url` in tests.
 */
export function useStoreOfKind(kind: StoreKind): { readonly url: string; readonly kind: StoreKind } {
  let s: TempStore | undefined;
  beforeAll(async () => {
    s = await createTempStore(kind);
    await pointStoreAt(s.url);
  });
  afterAll(async () => {
    const { closeStore } = await import('@/lib/store/client');
    await closeStore();
    await s?.drop();
  });
  return {
    kind,
    get url() {
      if (!s) throw new Error('the store is created in beforeAll');
      return s.url;
    },
  };
}

/** Rows of a query on a store, read directly (not through lib/store). Quote identifiers ("User"): PostgreSQL folds unquoted ones. */
export async function queryStore(url: string, sql: string, args: (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
  if (url.startsWith('file:')) {
    const c = createClient({ url });
    try {
      return (await c.execute({ sql, args })).rows.map((r) => ({ ...r }));
    } finally {
      c.close();
    }
  }
  let n = 0;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql.replace(/\?/g, () => `$${++n}`), args)).rows;
  } finally {
    await c.end();
  }
}
