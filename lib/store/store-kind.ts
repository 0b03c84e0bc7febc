// Which database holds Janitor's own store, from DATABASE_URL: a SQLite file
// (file:, the embedded default) or a PostgreSQL database (postgresql://).
// What differs between the two is data here (STORE_FACTS) and code in
// drivers/ and migrate-*.ts, each picked from a table keyed by the kind.
import path from 'node:path';

export type StoreKind = 'sqlite' | 'postgres';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export function storeKind(databaseUrl: string): StoreKind {
  return POSTGRES_URL.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export type StoreFacts = {
  /** The file of each prisma/migrations/NNNN_name/ folder this store applies. */
  migrationFile: string;
  /** DateTime as Prisma writes it to this store, for rows written with raw SQL (writeAtomically). */
  dateText(d: Date): string;
  /** The folder for files Janitor keeps beside its store (the running demo's address, the build log). */
  filesDir(databaseUrl: string): string;
};

export const STORE_FACTS: Record<StoreKind, StoreFacts> = {
  sqlite: {
    migrationFile: 'migration.sql',
    dateText: (d) => d.toISOString().replace('Z', '+00:00'),
    filesDir: (url) => path.dirname(path.resolve(url.replace(/^file:/, ''))),
  },
  postgres: {
    migrationFile: 'postgres.sql',
    // TIMESTAMP(3) holding UTC wall-clock time, as text without an offset: a
    // JS Date bound by node-pg goes as local time with an offset, which a
    // timestamp column drops, keeping the local wall-clock.
    dateText: (d) => d.toISOString().slice(0, 23).replace('T', ' '),
    filesDir: () => path.resolve('data'),
  },
};

export function storeFacts(databaseUrl: string): StoreFacts {
  return STORE_FACTS[storeKind(databaseUrl)];
}

/** Whether DATABASE_URL names a store Janitor can open (lib/env.ts validates with it). */
export function isStoreUrl(databaseUrl: string): boolean {
  if (databaseUrl.startsWith('file:')) return true;
  if (!POSTGRES_URL.test(databaseUrl)) return false;
  try {
    const u = new URL(databaseUrl);
    return u.hostname !== '' && u.pathname.length > 1;
  } catch {
    return false;
  }
}

/** The folder for files Janitor keeps beside its store: the SQLite file's folder, or ./data with a PostgreSQL store. */
export function storeFilesDir(databaseUrl: string): string {
  return storeFacts(databaseUrl).filesDir(databaseUrl);
}
