// The statements of a MySQL / MariaDB cleanup, as text plus bound values.
// Identifiers pass through quoteIdent; every value is a ? placeholder. Every
// DELETE repeats the expiry predicate: InnoDB's DELETE reads the current
// version of each row, so a session refreshed after the batch was planned is
// kept.
import type { ExpiryBoundValue, KeyValue, TableFacts } from '../../cleanup/driver';
import { quoteIdent, quoteQualified } from '../quote-identifier';
import { expiredSql, keptSql, serverEpochSql } from './expiry-predicate';

export type MysqlStatement = { sql: string; params: unknown[] };

type Names = Pick<TableFacts, 'schema' | 'table' | 'expiryColumn' | 'primaryKey' | 'reading'>;

const q = (name: string) => quoteIdent('mysql', name);
const rel = (t: Names) => quoteQualified('mysql', t.schema, t.table);

/** Cursor keys are JSON; binary key bytes travel as base64 and are bound as bytes again. */
export function toKeyValue(v: unknown): KeyValue {
  if (Buffer.isBuffer(v)) return { base64: v.toString('base64') };
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  throw new Error(`unsupported key value of type ${typeof v}`);
}

export function fromKeyValue(v: KeyValue): unknown {
  return typeof v === 'object' ? Buffer.from(v.base64, 'base64') : v;
}

/**
 * Row order comparison on the key columns, expanded the way pt-archiver does
 * (`a > ? OR (a = ? AND b > ?)`) so the range optimizer turns it into index
 * ranges on MariaDB too.
 */
export function keyCompare(cols: string[], values: KeyValue[], op: '>' | '<='): MysqlStatement {
  const strict = op === '>' ? '>' : '<';
  const build = (i: number): MysqlStatement => {
    const c = q(cols[i]!);
    const v = fromKeyValue(values[i]!);
    if (i === cols.length - 1) return { sql: `${c} ${op} ?`, params: [v] };
    const rest = build(i + 1);
    return { sql: `(${c} ${strict} ? OR (${c} = ? AND ${rest.sql}))`, params: [v, v, ...rest.params] };
  };
  if (cols.length === 0 || cols.length !== values.length) throw new Error('key columns and values differ in length');
  return build(0);
}

function orderByKey(cols: string[]): string {
  return cols.map(q).join(', ');
}

/**
 * The last key of the next range of `n` keys: an index walk of the clustered
 * primary key that stops after n entries (pt-archiver's approach). LIMIT and
 * OFFSET are integers checked here; mysql2 escapes them as numbers.
 */
export function rangeEndSql(t: Names, after: KeyValue[] | null, n: number): MysqlStatement {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('range length must be a positive integer');
  const where = after ? keyCompare(t.primaryKey, after, '>') : null;
  return {
    sql: `SELECT ${orderByKey(t.primaryKey)} FROM ${rel(t)} FORCE INDEX (PRIMARY)${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${orderByKey(t.primaryKey)} LIMIT 1 OFFSET ?`,
    params: [...(where?.params ?? []), n - 1],
  };
}

/** The rows of the range (after, upTo] on `cols` whose expiry is before the bound; either end may be open. */
function expiredInRange(t: Names, cols: string[], after: KeyValue[] | null, upTo: KeyValue[] | null, bound: ExpiryBoundValue): MysqlStatement {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const c of [after && keyCompare(cols, after, '>'), upTo && keyCompare(cols, upTo, '<=')]) {
    if (!c) continue;
    parts.push(c.sql);
    params.push(...c.params);
  }
  parts.push(expiredSql(t.reading, q(t.expiryColumn)));
  params.push(bound);
  return { sql: parts.join(' AND '), params };
}

/** Deletes the expired rows of the key range (after, upTo]; upTo null: to the end of the table. */
export function rangeDeleteSql(t: Names, after: KeyValue[] | null, upTo: KeyValue[] | null, bound: ExpiryBoundValue): MysqlStatement {
  const w = expiredInRange(t, t.primaryKey, after, upTo, bound);
  return { sql: `DELETE FROM ${rel(t)} WHERE ${w.sql}`, params: w.params };
}

/**
 * The expired rows still in the key range (after, upTo]: none once a batch's
 * DELETE of that range committed, all of them when it was rolled back.
 */
export function rangeCountSql(t: Names, after: KeyValue[] | null, upTo: KeyValue[] | null, bound: ExpiryBoundValue): MysqlStatement {
  const w = expiredInRange(t, t.primaryKey, after, upTo, bound);
  return { sql: `SELECT COUNT(*) AS n FROM ${rel(t)} WHERE ${w.sql}`, params: w.params };
}

/** The same for a keyset batch: the expired rows between two (expiry, key) positions of the expiry index. */
export function keysetCountSql(
  t: Names,
  after: { expiry: string | number; row: KeyValue[] } | null,
  upTo: { expiry: string | number; row: KeyValue[] },
  bound: ExpiryBoundValue,
): MysqlStatement {
  const cols = [t.expiryColumn, ...t.primaryKey];
  const w = expiredInRange(t, cols, after && [after.expiry, ...after.row], [upTo.expiry, ...upTo.row], bound);
  return { sql: `SELECT COUNT(*) AS n FROM ${rel(t)} WHERE ${w.sql}`, params: w.params };
}

/**
 * The next `size` expired rows along the expiry index, from where the last
 * batch stopped. InnoDB secondary index entries carry the primary key, so
 * (expiry, pk) is index order and the read is index-only. The expiry comes
 * back as text so the cursor keeps its full precision (DATETIME(6)).
 */
export function keysetSelectSql(
  t: Names & { expiryIndex: string },
  after: { expiry: string | number; row: KeyValue[] } | null,
  size: number,
  bound: ExpiryBoundValue,
): MysqlStatement {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error('batch size must be a positive integer');
  const col = q(t.expiryColumn);
  const params: unknown[] = [bound];
  const expired = expiredSql(t.reading, col);
  let resume = '';
  if (after) {
    const key = keyCompare(t.primaryKey, after.row, '>');
    resume = ` AND ${col} >= ? AND (${col} > ? OR (${col} = ? AND ${key.sql}))`;
    params.push(after.expiry, after.expiry, after.expiry, ...key.params);
  }
  params.push(size);
  return {
    sql: `SELECT CAST(${col} AS CHAR) AS janitor_expiry, ${orderByKey(t.primaryKey)} FROM ${rel(t)} FORCE INDEX (${q(t.expiryIndex)}) WHERE ${expired}${resume} ORDER BY ${col}, ${orderByKey(t.primaryKey)} LIMIT ?`,
    params,
  };
}

/** Deletes the given keys, still only if expired. */
export function keysDeleteSql(t: Names, keys: KeyValue[][], bound: ExpiryBoundValue): MysqlStatement {
  if (keys.length === 0) throw new Error('no keys to delete');
  const one = t.primaryKey.length === 1;
  const tuple = one ? '?' : `(${t.primaryKey.map(() => '?').join(', ')})`;
  const lhs = one ? q(t.primaryKey[0]!) : `(${orderByKey(t.primaryKey)})`;
  return {
    sql: `DELETE FROM ${rel(t)} WHERE ${lhs} IN (${keys.map(() => tuple).join(', ')}) AND ${expiredSql(t.reading, q(t.expiryColumn))}`,
    params: [...keys.flatMap((k) => k.map(fromKeyValue)), bound],
  };
}

export function countExpiredSql(t: Names, bound: ExpiryBoundValue): MysqlStatement {
  return { sql: `SELECT COUNT(*) AS n FROM ${rel(t)} WHERE ${expiredSql(t.reading, q(t.expiryColumn))}`, params: [bound] };
}

/**
 * Up to `limit` expired rows, read through the expiry index: after a walk,
 * whether anything is left, without reading the whole table again.
 */
export function probeExpiredSql(t: Names & { expiryIndex: string }, bound: ExpiryBoundValue, limit: number): MysqlStatement {
  return {
    sql: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${rel(t)} FORCE INDEX (${q(t.expiryIndex)}) WHERE ${expiredSql(t.reading, q(t.expiryColumn))} LIMIT ?) AS probe`,
    params: [bound, limit],
  };
}

/** Every row, whatever its expiry: what an instant log-everyone-out removes. */
export function countAllSql(t: Pick<TableFacts, 'schema' | 'table'>): MysqlStatement {
  return { sql: `SELECT COUNT(*) AS n FROM ${quoteQualified('mysql', t.schema, t.table)}`, params: [] };
}

/** Log everyone out at once: InnoDB drops and recreates the table (DDL, commits on its own). */
export function truncateSql(t: Pick<TableFacts, 'schema' | 'table'>): MysqlStatement {
  return { sql: `TRUNCATE TABLE ${quoteQualified('mysql', t.schema, t.table)}`, params: [] };
}

/** All rows and expired rows in one scan: the exact estimate for a small table. */
export function countRowsSql(t: Names, bound: ExpiryBoundValue): MysqlStatement {
  return {
    sql: `SELECT COUNT(*) AS n, COALESCE(SUM(${expiredSql(t.reading, q(t.expiryColumn))}), 0) AS expired FROM ${rel(t)}`,
    params: [bound],
  };
}

/**
 * The two rows either side of the cutoff: the newest a run would delete and
 * the oldest it keeps, as stored text (and as epoch seconds where the server
 * must convert). With an index on the expiry column each side is one probe.
 */
export function boundarySql(t: Names, bound: ExpiryBoundValue): MysqlStatement {
  const col = q(t.expiryColumn);
  const epoch = serverEpochSql(t.reading, col) ?? 'NULL';
  const side = (where: string, order: string) => `SELECT CAST(${col} AS CHAR) AS stored, ${epoch} AS epoch FROM ${rel(t)} WHERE ${where} ORDER BY ${col} ${order} LIMIT 1`;
  return {
    sql: `SELECT 'deleted' AS side, x.* FROM (${side(expiredSql(t.reading, col), 'DESC')}) x UNION ALL SELECT 'kept', y.* FROM (${side(keptSql(t.reading, col), 'ASC')}) y`,
    params: [bound, bound],
  };
}
