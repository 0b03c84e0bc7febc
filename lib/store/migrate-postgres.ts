// The migration runner for a PostgreSQL store (lib/store/migrate.ts picks it):
// prisma/migrations/*/postgres.sql in order, each once, each in its own
// transaction. Several workers and web instances start at once on one store;
// a transaction-scoped advisory lock lets one of them apply a migration while
// the others wait, then find it recorded and go on.
import { listMigrations, type MigrateOptions } from './migrate';
import { connectPostgres } from './drivers/postgres-connect';
import { redact } from '../redact';

// The two-key form of the advisory lock: its keys never meet the one-key
// (bigint) locks the cleanup and reclaim drivers take, should the store share
// a database with a target.
export const MIGRATION_LOCK_KEYS = [0x4a_4e_54_52, 1]; // "JNTR", migrations

const CREATE_TABLE = 'CREATE TABLE IF NOT EXISTS _janitor_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP(3) NOT NULL)';

export async function migratePostgres(databaseUrl: string, opts: MigrateOptions = {}): Promise<string[]> {
  const migrations = listMigrations('postgres');
  const client = await connectPostgres(databaseUrl);
  const applied: string[] = [];
  try {
    // The usual start: nothing pending, found without taking the lock.
    const present = await client.query<{ t: string | null }>("SELECT to_regclass('_janitor_migrations')::text AS t");
    const done = new Set(present.rows[0]?.t ? (await client.query<{ name: string }>('SELECT name FROM _janitor_migrations')).rows.map((r) => r.name) : []);
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', MIGRATION_LOCK_KEYS);
        // Under the lock: another process may have applied it while this one waited.
        await client.query(CREATE_TABLE);
        const again = await client.query('SELECT 1 FROM _janitor_migrations WHERE name = $1', [m.name]);
        if (again.rowCount) {
          await client.query('ROLLBACK');
          continue;
        }
        await client.query(m.sql());
        await client.query("INSERT INTO _janitor_migrations (name, applied_at) VALUES ($1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", [m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`store migration ${m.name} failed: ${redact((e as Error).message)}`);
      }
      applied.push(m.name);
      opts.log?.(`store: applied migration ${m.name}`);
    }
    return applied;
  } finally {
    await client.end().catch(() => undefined);
  }
}
