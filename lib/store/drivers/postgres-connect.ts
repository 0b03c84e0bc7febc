// Connections to a PostgreSQL store, with errors that never carry the
// connection string (it holds the password).
import type { Client, Pool, PoolConfig } from 'pg';
import { AppError } from '../../errors';
import { redact } from '../../redact';

/** How long opening a connection to the store may take before it counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

export function poolConfig(databaseUrl: string, extra: PoolConfig = {}): PoolConfig {
  return { connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'janitor-store', ...extra };
}

export function storeUnreachable(e: unknown): AppError {
  const code = (e as { code?: string }).code;
  const why = redact(String((e as Error)?.message ?? e).split('\n')[0]!);
  return new AppError(`the store's PostgreSQL database (DATABASE_URL) could not be opened: ${why}${code && !why.includes(code) ? ` (${code})` : ''}`, 'unreachable');
}

/** One connection, for the migration runner. */
export async function connectPostgres(databaseUrl: string): Promise<Client> {
  const { default: pg } = await import('pg');
  const client = new pg.Client(poolConfig(databaseUrl));
  // A connection lost while idle surfaces on the next query; without a
  // listener, node-pg's 'error' event would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw storeUnreachable(e);
  }
  return client;
}

/** A pool for the store's writes; idle connections that break are dropped and replaced. */
export async function postgresPool(databaseUrl: string, extra: PoolConfig = {}): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool(poolConfig(databaseUrl, extra));
  pool.on('error', () => undefined);
  return pool;
}
