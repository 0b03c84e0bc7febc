import { createRequire } from 'node:module';
import type pg from 'pg';

let driver: typeof pg | null = null;

/**
 * The driver, loaded with the first pool rather than with this module: CLI
 * commands import it, and `--help` or a bad flag should not pay for loading it.
 */
function loadPg(): typeof pg {
  if (driver) return driver;
  const loaded = createRequire(import.meta.url)('pg') as typeof pg;
  // bigint (int8) and numeric come back as strings by default; sizes and counts
  // fit in a double, and every caller wants numbers.
  loaded.types.setTypeParser(20, (v) => Number(v));
  loaded.types.setTypeParser(1700, (v) => Number(v));
  driver = loaded;
  return loaded;
}

export function createPgPool(url: string, opts: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: opts.max ?? 4,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'janitor',
    // A report must not hang on a locked catalog; risky statements set their own timeouts.
    statement_timeout: 60_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}
