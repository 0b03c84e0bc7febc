// Janitor's own store: one Prisma client per process, created after the
// migrations have been applied, so no code path sees a store without tables.
import 'server-only';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaClient } from './generated/client';
import { env } from '../env';
import { migrate } from './migrate';

export type Store = InstanceType<typeof PrismaClient>;

const g = globalThis as unknown as { __janitorStore?: Promise<Store> };

async function open(): Promise<Store> {
  const url = env().DATABASE_URL;
  await migrate(url);
  const client = new PrismaClient({ adapter: new PrismaLibSql({ url }) });
  await client.$queryRawUnsafe('PRAGMA busy_timeout = 10000');
  return client;
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
