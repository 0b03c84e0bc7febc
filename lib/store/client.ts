// Janitor's own store: one Prisma client per process, created after the
// migrations have been applied, so no code path sees a store without tables.
// DATABASE_URL picks the store: a SQLite file (file:, the embedded default)
// or a PostgreSQL database (postgresql://); drivers/ holds what differs.
import 'server-only';
// Prisma and the database drivers are imported when the store is first
// opened, not with this module: CLI commands import it, and `--help` or a bad
// flag should not pay for loading them.
import { env } from '../env';
import { storeFacts, storeKind, type StoreKind } from './store-kind';
import type { Store, StoreDriver, StoreStatement, StoreWriter } from './drivers/types';

export type { Store, StoreStatement } from './drivers/types';

const g = globalThis as unknown as { __janitorStore?: Promise<Store>; __janitorWriter?: Promise<StoreWriter> };

const DRIVERS: Record<StoreKind, () => Promise<StoreDriver>> = {
  sqlite: async () => (await import('./drivers/sqlite')).sqliteDriver,
  postgres: async () => (await import('./drivers/postgres')).postgresDriver,
};

function driver(url: string): Promise<StoreDriver> {
  return DRIVERS[storeKind(url)]();
}

async function open(): Promise<Store> {
  const url = env().DATABASE_URL;
  const [{ migrate }, d] = await Promise.all([import('./migrate'), driver(url)]);
  await migrate(url);
  return d.openStore(url);
}

/** The store, migrated. Cached on globalThis so dev reloads don't open more clients. */
export function store(): Promise<Store> {
  g.__janitorStore ??= open().catch((e) => {
    g.__janitorStore = undefined;
    throw e;
  });
  return g.__janitorStore;
}

/**
 * Runs `statements` (with `?` placeholders) in one write transaction on a
 * long-lived connection of the store's own and returns each statement's
 * affected-row count. For writes made once per cleanup batch, where Prisma's
 * `$transaction` costs too much (see drivers/sqlite.ts).
 */
export async function writeAtomically(statements: StoreStatement[]): Promise<number[]> {
  g.__janitorWriter ??= store()
    .then(async () => (await driver(env().DATABASE_URL)).openWriter(env().DATABASE_URL))
    .catch((e) => {
      g.__janitorWriter = undefined;
      throw e;
    });
  return (await g.__janitorWriter).write(statements);
}

/**
 * DateTime as Prisma writes it to the store, for rows written by
 * writeAtomically. SQLite: ISO 8601 with +00:00. PostgreSQL: TIMESTAMP(3)
 * holding UTC wall-clock time, as text without an offset (store-kind.ts).
 */
export function storeDate(d: Date): string {
  return storeFacts(env().DATABASE_URL).dateText(d);
}

export async function closeStore() {
  const s = g.__janitorStore;
  const w = g.__janitorWriter;
  g.__janitorStore = undefined;
  g.__janitorWriter = undefined;
  if (w) await (await w.catch(() => null))?.close();
  if (s) await (await s).$disconnect();
}
