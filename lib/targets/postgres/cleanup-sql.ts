// The statements of a PostgreSQL cleanup, as text plus bound values.
// Identifiers pass through quoteIdent; every value is a $n parameter. Every
// DELETE repeats the expiry predicate, so a row refreshed by the application
// after the batch was planned is re-checked by PostgreSQL and kept.
import type { ExpiryBoundValue, KeysetCursor, TableFacts } from '../../cleanup/driver';
import { quoteIdent, quoteQualified } from '../quote-identifier';
import { expiredSql, instantEpochSql, keptSql, readingParams } from './expiry-predicate';

export type PgStatement = { sql: string; params: unknown[] };

type Names = Pick<TableFacts, 'schema' | 'table' | 'expiryColumn' | 'reading'>;

/** The quoted names, and `expired(ph)`: the expiry predicate (expiry-predicate.ts) on placeholder ph. */
function names(t: Names) {
  const col = quoteIdent('postgres', t.expiryColumn);
  return { rel: quoteQualified('postgres', t.schema, t.table), col, expired: (ph: string) => expiredSql(t.reading, col, ph) };
}


export function tid(page: number): string {
  return `(${page},0)`;
}

/** One range of heap pages [fromPage, toPage): a TID Range Scan (PostgreSQL 14+), no index needed. */
export function heapWalkDelete(t: Names, fromPage: number, toPage: number, bound: ExpiryBoundValue): PgStatement {
  const { rel, expired } = names(t);
  return {
    sql: `DELETE FROM ${rel} WHERE ctid >= $1::tid AND ctid < $2::tid AND ${expired('$3')}`,
    params: [tid(fromPage), tid(toPage), bound],
  };
}

/**
 * The page of the (`size`+1)-th expired row in [fromPage, toPage), in heap
 * order; none when the range holds no more than `size`. A range ending there
 * holds at most `size` expired rows. Reads only.
 */
export function heapWalkLimit(t: Names, fromPage: number, toPage: number, size: number, bound: ExpiryBoundValue): PgStatement {
  const { rel, expired } = names(t);
  return {
    sql: `SELECT (ctid::text::point)[0]::float8 AS page FROM ${rel} WHERE ctid >= $1::tid AND ctid < $2::tid AND ${expired('$3')} ORDER BY ctid OFFSET $4 LIMIT 1`,
    params: [tid(fromPage), tid(toPage), bound, size],
  };
}

/**
 * The next `size` expired rows in (expiry, ctid) order along the expiry index,
 * deleted by ctid. Starting at the last expiry value seen (`col >= $3` is an
 * index condition) skips the dead entries earlier batches left in the index, so
 * batches stay flat instead of rescanning them (findings.md). Since
 * PostgreSQL 12 a btree orders equal keys by heap TID, so the incremental sort
 * on ctid is cheap. Returns the count deleted, the count selected and the last
 * (expiry, ctid) for the cursor; only one row comes back to the app.
 */
export function keysetDelete(t: Names, after: KeysetCursor['after'], size: number, bound: ExpiryBoundValue): PgStatement {
  const { rel, col, expired } = names(t);
  const params: unknown[] = [bound, size];
  let resume = '';
  if (after) {
    params.push(String(after.expiry), String(after.row));
    resume = ` AND ${col} >= $3 AND (${col} > $3 OR ctid > $4::tid)`;
  }
  const sql = [
    'WITH batch AS MATERIALIZED (',
    `  SELECT ctid AS row_tid, ${col} AS expiry FROM ${rel}`,
    `  WHERE ${expired('$1')}${resume}`,
    `  ORDER BY ${col}, ctid LIMIT $2`,
    '), del AS (',
    `  DELETE FROM ${rel} WHERE ctid = ANY (ARRAY(SELECT row_tid FROM batch)) AND ${expired('$1')} RETURNING 1`,
    '), last AS (',
    '  SELECT expiry, row_tid FROM batch ORDER BY expiry DESC, row_tid DESC LIMIT 1',
    ')',
    'SELECT (SELECT count(*) FROM del)::int AS deleted, (SELECT count(*) FROM batch)::int AS seen,',
    '  (SELECT expiry::text FROM last) AS last_expiry, (SELECT row_tid::text FROM last) AS last_tid',
  ].join('\n');
  return { sql, params };
}

export function countExpiredSql(t: Names, bound: ExpiryBoundValue): PgStatement {
  const { rel, expired } = names(t);
  return { sql: `SELECT count(*)::float8 AS n FROM ${rel} WHERE ${expired('$1')}`, params: [bound] };
}

/** All rows and expired rows in one scan: the exact estimate for a small table. */
export function countRowsSql(t: Names, bound: ExpiryBoundValue): PgStatement {
  const { rel, expired } = names(t);
  return {
    sql: `SELECT count(*)::float8 AS n, (count(*) FILTER (WHERE ${expired('$1')}))::float8 AS expired FROM ${rel}`,
    params: [bound],
  };
}

/** Every row, whatever its expiry: what an instant log-everyone-out removes. */
export function countAllSql(t: Pick<TableFacts, 'schema' | 'table'>): PgStatement {
  return { sql: `SELECT count(*)::float8 AS n FROM ${quoteQualified('postgres', t.schema, t.table)}`, params: [] };
}

/** Log everyone out at once. ONLY: a table that others inherit from keeps their rows. */
export function truncateSql(t: Pick<TableFacts, 'schema' | 'table'>): PgStatement {
  return { sql: `TRUNCATE TABLE ONLY ${quoteQualified('postgres', t.schema, t.table)}`, params: [] };
}

/** Expired share in a block sample: reads about `percent` of the pages, in place of a full count on a huge table. */
export function sampleExpiredSql(t: Names, bound: ExpiryBoundValue, percent: number): PgStatement {
  const { rel, expired } = names(t);
  return {
    sql: `SELECT count(*)::float8 AS n, (count(*) FILTER (WHERE ${expired('$1')}))::float8 AS expired FROM ${rel} TABLESAMPLE SYSTEM ($2) REPEATABLE (42)`,
    params: [bound, percent],
  };
}

/** Current heap length in pages: the walk's end, re-read when it reaches it. */
export function heapPagesSql(t: Names): PgStatement {
  return {
    sql: `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::float8 AS pages`,
    params: [quoteQualified('postgres', t.schema, t.table)],
  };
}

/**
 * The two rows either side of the cutoff: the newest a run would delete and
 * the oldest it keeps, as stored and as instants (epoch seconds). With an
 * index on the expiry column each side is one index probe.
 */
export function boundarySql(t: Names, bound: ExpiryBoundValue): PgStatement {
  const { rel, col, expired } = names(t);
  const kept = keptSql(t.reading, col, '$1');
  const at = instantEpochSql(t.reading, col, '$2');
  const side = (where: string, order: string) =>
    `LEFT JOIN LATERAL (SELECT ${col}::text AS stored, ${at} AS epoch FROM ${rel} WHERE ${where} ORDER BY ${col} ${order} LIMIT 1)`;
  return {
    sql: [
      'SELECT d.stored AS deleted_stored, d.epoch AS deleted_epoch, k.stored AS kept_stored, k.epoch AS kept_epoch',
      'FROM (SELECT 1) one',
      `${side(expired('$1'), 'DESC')} d ON true`,
      `${side(kept, 'ASC')} k ON true`,
    ].join('\n'),
    params: [bound, ...readingParams(t.reading)],
  };
}

/**
 * Reads the pages of a coming heap-walk range into shared buffers (a TID range
 * scan reads through them, not a ring), so the batch that deletes there finds
 * them in memory. Reads only; sets no locks.
 */
export function heapWalkWarm(t: Names, fromPage: number, toPage: number): PgStatement {
  const { rel } = names(t);
  return { sql: `SELECT count(*) FROM ${rel} WHERE ctid >= $1::tid AND ctid < $2::tid`, params: [tid(fromPage), tid(toPage)] };
}
