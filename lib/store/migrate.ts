// Applies the store's migrations at start, in order, each once, recording them
// in _janitor_migrations. Prisma's own `migrate deploy` needs a native engine
// that cannot be downloaded offline (and with a dummy one it exits 0 without
// doing anything), so the SQL files are applied by our own runners.
//
// Every prisma/migrations/NNNN_name/ folder holds the same change twice:
// migration.sql for a SQLite store and postgres.sql for a PostgreSQL one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STORE_FACTS, storeKind, type StoreKind } from './store-kind';

export function migrationsDir(): string {
  return path.join(process.cwd(), 'prisma', 'migrations');
}

export type Migration = { name: string; sql: () => string };

/**
 * The migrations for a kind of store, in order. A folder without that kind's
 * file is an error, not a skip: a store that silently missed a migration
 * would fail later on a column it lacks.
 */
export function listMigrations(kind: StoreKind): Migration[] {
  const dir = migrationsDir();
  const files = Object.values(STORE_FACTS).map((f) => f.migrationFile);
  if (!existsSync(dir)) throw new Error(`migrations folder not found at ${dir}; run Janitor from its project folder`);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && files.some((f) => existsSync(path.join(dir, d.name, f))))
    .map((d) => d.name)
    .sort();
  return names.map((name) => {
    const file = path.join(dir, name, STORE_FACTS[kind].migrationFile);
    if (!existsSync(file)) throw new Error(`store migration ${name} has no ${STORE_FACTS[kind].migrationFile} (each migration folder needs ${files.join(' and ')})`);
    return { name, sql: () => readFileSync(file, 'utf8') };
  });
}

export type MigrateOptions = { log?: (m: string) => void };

type Runner = (databaseUrl: string, opts: MigrateOptions) => Promise<string[]>;

// Each runner loads its driver only when a store of its kind is opened.
const RUNNERS: Record<StoreKind, () => Promise<Runner>> = {
  sqlite: async () => (await import('./migrate-sqlite')).migrateSqlite,
  postgres: async () => (await import('./migrate-postgres')).migratePostgres,
};

/** Applies the pending migrations to the store at `databaseUrl`; returns the names applied. */
export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<string[]> {
  return (await RUNNERS[storeKind(databaseUrl)]())(databaseUrl, opts);
}
