// Applies prisma/migrations/*/migration.sql in order, each once, recording
// them in _janitor_migrations. Prisma's own `migrate deploy` needs a native
// engine that cannot be downloaded offline (and with a dummy one it exits 0
// without doing anything), so the SQL files Prisma generated are applied here.
import { createClient, type Client } from '@libsql/client';
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export function migrationsDir(): string {
  return path.join(process.cwd(), 'prisma', 'migrations');
}

/** Makes sure the directory of a file: URL exists (SQLite creates the file, not its folder). */
export function ensureDbDirectory(databaseUrl: string) {
  const file = databaseUrl.replace(/^file:/, '');
  if (file && file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

export async function migrate(databaseUrl: string, opts: { log?: (m: string) => void } = {}): Promise<string[]> {
  ensureDbDirectory(databaseUrl);
  const client = createClient({ url: databaseUrl });
  try {
    return await applyPending(client, opts.log);
  } finally {
    client.close();
  }
}

async function applyPending(client: Client, log?: (m: string) => void): Promise<string[]> {
  // WAL lets the app and the CLI read while the other writes; busy_timeout makes a
  // concurrent writer wait instead of failing with SQLITE_BUSY.
  await client.execute('PRAGMA busy_timeout = 10000');
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('CREATE TABLE IF NOT EXISTS _janitor_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set((await client.execute('SELECT name FROM _janitor_migrations')).rows.map((r) => String(r.name)));
  const dir = migrationsDir();
  if (!existsSync(dir)) throw new Error(`migrations folder not found at ${dir}; run Janitor from its project folder`);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
  const applied: string[] = [];
  for (const name of names) {
    if (done.has(name)) continue;
    const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
    // One transaction per migration: a failing file leaves no half-made schema.
    const tx = await client.transaction('write');
    try {
      // Two processes starting on a new store (a cron job and the app) both saw it
      // pending; the write transaction serializes them, so look again inside it.
      const again = await tx.execute({ sql: 'SELECT 1 FROM _janitor_migrations WHERE name = ?', args: [name] });
      if (again.rows.length > 0) {
        await tx.rollback();
        continue;
      }
      await tx.executeMultiple(sql);
      await tx.execute({ sql: 'INSERT INTO _janitor_migrations (name, applied_at) VALUES (?, ?)', args: [name, new Date().toISOString()] });
      await tx.commit();
    } catch (e) {
      await tx.rollback();
      throw new Error(`store migration ${name} failed: ${(e as Error).message}`);
    }
    applied.push(name);
    log?.(`store: applied migration ${name}`);
  }
  return applied;
}
