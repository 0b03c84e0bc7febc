// How the PostgreSQL stats modules talk to a target: `query` for plain catalog
// reads, `guarded` for statements that may wait on a lock or run long. Every
// error leaves here as a one-line AppError (describeDbError).
import 'server-only';
import type pg from 'pg';
import { describeDbError } from '../describe-error';

export type PgQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

export type GuardOptions = {
  /** cancels the statement after this long (SQLSTATE 57014 → AppError 'timeout') */
  statementTimeoutMs: number;
  /** gives up waiting for a table lock after this long (55P03 → AppError 'timeout') */
  lockTimeoutMs: number;
};

export type PgSession = {
  query: PgQuery;
  /** Runs `fn` in one read-only transaction with local statement and lock timeouts. */
  guarded<T>(opts: GuardOptions, fn: (q: PgQuery) => Promise<T>): Promise<T>;
};

export function createPgSession(pool: pg.Pool, target: string): PgSession {
  const serial = serialIfPglite(pool, target);

  const query: PgQuery = (sql, params = []) =>
    serial(async () => {
      try {
        return (await pool.query(sql, params)).rows;
      } catch (e) {
        throw describeDbError(e, target);
      }
    });

  const guarded = <T>(opts: GuardOptions, fn: (q: PgQuery) => Promise<T>): Promise<T> =>
    serial(() => inTransaction(pool, target, opts, fn));

  return { query, guarded };
}

/**
 * PGlite (the embedded demo) is one backend behind a socket server that
 * interleaves the Parse/Bind/Execute messages of concurrent connections, so
 * two parameterized queries in flight at once clobber each other's unnamed
 * statement. Against PGlite this session runs one statement (or transaction)
 * at a time; against a real server it adds nothing.
 */
function serialIfPglite(pool: pg.Pool, target: string) {
  let detected: Promise<boolean> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  const isPglite = () => {
    detected ??= pool.query<{ v: string }>('SELECT version() AS v').then(
      (r) => /PGlite/i.test(r.rows[0]?.v ?? ''),
      (e) => {
        detected = undefined; // unreachable now: ask again next time
        throw describeDbError(e, target);
      },
    );
    return detected;
  };
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (!(await isPglite())) return work();
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  };
}

async function inTransaction<T>(
  pool: pg.Pool,
  target: string,
  opts: GuardOptions,
  fn: (q: PgQuery) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw describeDbError(e, target);
  }
  const q: PgQuery = async (sql, params = []) => {
    try {
      return (await client.query(sql, params)).rows;
    } catch (e) {
      throw describeDbError(e, target);
    }
  };
  let broken: Error | undefined;
  try {
    // SET LOCAL semantics (set_config(..., true)): the settings end with the
    // transaction, so a pooled connection never keeps them. Values are bound.
    // JIT off: the catalog queries' cost estimates (size functions, CASE
    // subplans) are high enough to trigger it, and compiling took ~1 s of a
    // 2,000-table report that runs in ~0.2 s without it.
    await q('BEGIN READ ONLY');
    await q("SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true), set_config('jit', 'off', true)", [
      `${Math.max(1, Math.round(opts.statementTimeoutMs))}ms`,
      `${Math.max(1, Math.round(opts.lockTimeoutMs))}ms`,
    ]);
    const result = await fn(q);
    await q('COMMIT');
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is gone or unusable: drop it from the pool instead of reusing it.
      broken = rollbackError as Error;
    }
    throw e;
  } finally {
    client.release(broken);
  }
}
