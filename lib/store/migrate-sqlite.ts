// The migration runner for a SQLite store (lib/store/migrate.ts picks it).
import type { Client } from '@libsql/client';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { listMigrations, type MigrateOptions } from './migrate';

/** Makes sure the directory of a file: URL exists (SQLite creates the file, not its folder). */
export function ensureDbDirectory(databaseUrl: string) {
  const file = databaseUrl.replace(/^file:/, '');
  if (file && file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/**
 * How long a statement waits for another process's write lock (the app, the
 * CLI, cron jobs and a second app instance share the file). Set when each
 * connection opens, so it holds from the first statement on.
 */
export const BUSY_TIMEOUT_MS = 10_000;
/** How long opening the store keeps retrying a SQLITE_BUSY that SQLite returns without waiting. */
const OPEN_RETRY_MS = 60_000;

export async function migrateSqlite(databaseUrl: string, opts: MigrateOptions = {}): Promise<string[]> {
  ensureDbDirectory(databaseUrl);
  // Imported here: lib/store/drivers/sqlite.ts imports this module for BUSY_TIMEOUT_MS, and must not load libsql before a store is opened.
  const { createClient } = await import('@libsql/client');
  const applied: string[] = [];
  // SQLite answers SQLITE_BUSY at once, without its busy timeout, when waiting
  // could deadlock: a connection that holds a read lock and needs the write
  // lock another holds. Switching a new store to WAL is such a step, so several
  // processes opening a new store at once (the app and a cron job) failed
  // there. Every step below is safe to repeat, so the whole open is retried.
  for (let attempt = 0, t0 = Date.now(); ; attempt++) {
    let client: Client | undefined;
    try {
      client = createClient({ url: databaseUrl, timeout: BUSY_TIMEOUT_MS });
      await applyPending(client, applied, opts.log);
      return applied;
    } catch (e) {
      if (!isBusy(e) || Date.now() - t0 > OPEN_RETRY_MS) throw e;
    } finally {
      client?.close();
    }
    // Jittered so that processes which collided once do not collide again.
    await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

function isBusy(e: unknown): boolean {
  return /SQLITE_BUSY|database is locked/.test(String((e as Error)?.message ?? e));
}

async function applyPending(client: Client, applied: string[], log?: (m: string) => void): Promise<void> {
  // WAL lets the app and the CLI read while the other writes.
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('CREATE TABLE IF NOT EXISTS _janitor_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set((await client.execute('SELECT name FROM _janitor_migrations')).rows.map((r) => String(r.name)));
  for (const m of listMigrations('sqlite')) {
    if (done.has(m.name)) continue;
    // One transaction per migration: a failing file leaves no half-made schema.
    const tx = await client.transaction('write');
    try {
      // Two processes starting on a new store (a cron job and the app) both saw it
      // pending; the write transaction serializes them, so look again inside it.
      const again = await tx.execute({ sql: 'SELECT 1 FROM _janitor_migrations WHERE name = ?', args: [m.name] });
      if (again.rows.length > 0) {
        await tx.rollback();
        continue;
      }
      await tx.executeMultiple(m.sql());
      await tx.execute({ sql: 'INSERT INTO _janitor_migrations (name, applied_at) VALUES (?, ?)', args: [m.name, new Date().toISOString()] });
      await tx.commit();
    } catch (e) {
      await tx.rollback();
      throw new Error(`store migration ${m.name} failed: ${(e as Error).message}`);
    }
    applied.push(m.name);
    log?.(`store: applied migration ${m.name}`);
  }
}
