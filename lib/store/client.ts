// Janitor's own store: one Prisma client per process, created after the
// migrations have been applied, so no code path sees a store without tables.
import 'server-only';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaClient } from './generated/client';
import { env } from '../env';
import { migrate } from './migrate';

export type Store = InstanceType<typeof PrismaClient>;

const g = globalThis as unknown as { __janitorStore?: Promise<Store> };

/**
 * How long a write waits for another process's write (the app, the CLI, a
 * second app instance share the file). On every connection the client opens:
 * a PRAGMA reaches only one of them, and Prisma's transactions (a run's batch
 * record) get a connection of their own, which then failed at once with
 * SQLITE_BUSY whenever another process was writing.
 */
const BUSY_TIMEOUT_MS = 10_000;

async function open(): Promise<Store> {
  const url = env().DATABASE_URL;
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

export async function closeStore() {
  const s = g.__janitorStore;
  g.__janitorStore = undefined;
  if (s) await (await s).$disconnect();
}
