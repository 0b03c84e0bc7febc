// What each kind of store (drivers/sqlite.ts, drivers/postgres.ts) provides
// to lib/store/client.ts.
import type { PrismaClient } from '../generated/client';

/**
 * The Prisma client. Both stores' generated clients (lib/store/generated and
 * generated-pg, from the one prisma/schema.prisma) have the same model API;
 * the SQLite one's type stands for both.
 */
export type Store = InstanceType<typeof PrismaClient>;

export type StoreValue = string | number | null;
/** A statement for writeAtomically: `?` placeholders, bound values. */
export type StoreStatement = { sql: string; args: StoreValue[] };

export type StoreWriter = {
  /** Runs the statements in one transaction; each one's affected-row count. */
  write(statements: StoreStatement[]): Promise<number[]>;
  close(): Promise<void>;
};

export type StoreDriver = {
  /** The Prisma client on a migrated store. */
  openStore(databaseUrl: string): Promise<Store>;
  openWriter(databaseUrl: string): Promise<StoreWriter>;
};
