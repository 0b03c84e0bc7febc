// Janitor's own store: one Prisma client per process, created after the
// migrations have been applied, so no code path sees a store without tables.
import 'server-only';
// Prisma and libsql are imported when the store is first opened, not with
// this module: CLI commands import it, and `--help` or a bad flag should not
// pay for loading them.
import type { Client, InStatement } from '@libsql/client';
import type { PrismaClient } from './generated/client';
import { env } from '../env';
import { BUSY_TIMEOUT_MS } from './migrate';

export type Store = InstanceType<typeof PrismaClient>;

const g = globalThis as unknown as { __janitorStore?: Promise<Store>; __janitorWriter?: Promise<Client> };

// BUSY_TIMEOUT_MS goes to every connection the clients open: a PRAGMA reaches
// only one of them, and Prisma's transactions (a run's batch record) get a
// connection of their own, which then failed at once with SQLITE_BUSY
// whenever another process was writing.

async function open(): Promise<Store> {
  const url = env().DATABASE_URL;
  const [{ migrate }, { PrismaLibSql }, { PrismaClient }] = await Promise.all([import('./migrate'), import('@prisma/adapter-libsql'), import('./generated/client')]);
  await migrate(url);
  return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: BUSY_TIMEOUT_MS }) });
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
 * Runs `statements` in one write transaction on one long-lived connection and
 * returns each statement's affected-row count.
 *
 * For writes made once per cleanup batch. Prisma's `$transaction` (and its
 * `upsert`, which it runs as one) over the libsql adapter opens a new SQLite
 * connection per transaction and leaves it for the garbage collector to
 * close; the JS side of one is tiny, so the collector seldom runs while each
 * holds ~200 KB of native memory, and a 2M-row cleanup grew by 60 MB.
 * libsql's `batch` runs BEGIN … COMMIT on the client's own connection.
 */
export async function writeAtomically(statements: InStatement[]): Promise<number[]> {
  g.__janitorWriter ??= store().then(async () => {
    const { createClient } = await import('@libsql/client');
    const c = createClient({ url: env().DATABASE_URL, timeout: BUSY_TIMEOUT_MS });
    // FULL: a batch's record survives the host losing power, not only the
    // process dying. NORMAL would skip the fsync (about 4 ms here, while the
    // batch's row locks are held on the target), but a power loss could then
    // lose records of batches that committed, and the run's total with them.
    await c.execute('PRAGMA synchronous = FULL');
    return c;
  });
  const client = await g.__janitorWriter;
  const results = await client.batch(statements, 'write');
  return results.map((r) => r.rowsAffected);
}

/** DateTime as Prisma writes it to SQLite, for rows written by writeAtomically. */
export function storeDate(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

export async function closeStore() {
  const s = g.__janitorStore;
  const w = g.__janitorWriter;
  g.__janitorStore = undefined;
  g.__janitorWriter = undefined;
  if (w) (await w.catch(() => null))?.close();
  if (s) await (await s).$disconnect();
}
