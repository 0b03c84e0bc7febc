import 'server-only';
import { AppError } from '../../errors';
import { cutoffInstant } from '../../session-tables/expiry';
import type { ExpiryBoundValue } from '../../cleanup/driver';
import { expiredSql, mysqlReading, storedCutoff, type MysqlRows } from './expiry-predicate';
import type { CountSessionsOptions, ExpirySpec, SessionCounts } from '../adapter';
import { quoteIdent, quoteQualified } from '../quote-identifier';
import { columnKind } from './column-kind';
import { toNumber, type MysqlFlavor, type MysqlSource } from './source';
import { withStatementTimeout } from './statement-timeout';

/** An exact count reads the whole expiry index (or table); past this it becomes an estimate. */
const EXACT_TIMEOUT_MS = 60_000;
/** Counting expired rows of a huge table through the expiry index; past this EXPLAIN's estimate is used. */
const INDEX_COUNT_TIMEOUT_MS = 5_000;

type CatalogRow = { tableName: string; columnName: string; dataType: string; rowEstimate: unknown };

/**
 * Expired / live / total rows of a session table, by the predicate and the
 * cutoff a cleanup uses (expiry-predicate.ts).
 *
 * Up to `exactMaxRows` estimated rows: one exact pass. Above it: the total is
 * the statistics' estimate, and expired rows are counted through the expiry
 * index under a time limit, falling back to the optimizer's estimate.
 */
export async function countSessions(
  src: MysqlSource,
  spec: ExpirySpec,
  opts: CountSessionsOptions,
): Promise<SessionCounts> {
  const found = await findColumn(src, spec);
  const wanted = spec.expiryType === 'timestamp' ? 'timestamp' : 'integer';
  if (columnKind(found.dataType) !== wanted) {
    throw new AppError(
      `${spec.table}.${spec.expiryColumn} is ${found.dataType}, which cannot hold ${spec.expiryType === 'timestamp' ? 'a timestamp' : 'epoch seconds'}`,
      'input',
    );
  }
  const table = quoteQualified('mysql', src.databaseName, found.tableName);
  const col = quoteIdent('mysql', found.columnName);
  // The same reading, cutoff and predicate as a cleanup's (expiry-predicate.ts).
  const rows: MysqlRows = (sql, params) => src.query(sql, params);
  const reading = await mysqlReading(rows, found.dataType, spec);
  const bound = await storedCutoff(rows, reading, cutoffInstant(spec, opts.now));
  const expired = expiredSql(reading, col);
  const rowEstimate = toNumber(found.rowEstimate) ?? 0;
  const flavor = await src.flavor();

  if (rowEstimate <= opts.exactMaxRows) {
    // One pass; InnoDB reads the narrowest index that holds the column (the expiry index when there is one).
    const q = withStatementTimeout(flavor, `SELECT COUNT(*) AS total, COALESCE(SUM(${expired}), 0) AS expired FROM ${table}`, EXACT_TIMEOUT_MS);
    try {
      const [r] = await src.query<{ total: unknown; expired: unknown }>(q.sql, [...q.params, bound]);
      const total = toNumber(r?.total) ?? 0;
      const expired = toNumber(r?.expired) ?? 0;
      return { expired, live: total - expired, total, exact: true };
    } catch (e) {
      if (!(e instanceof AppError && e.kind === 'timeout')) throw e;
    }
  }

  const expiredCount = opts.indexCount === false ? await explainExpired(src, flavor, table, expired, bound) : await countExpiredBounded(src, flavor, table, expired, bound);
  const total = Math.max(rowEstimate, expiredCount);
  return { expired: expiredCount, live: total - expiredCount, total, exact: false };
}

async function findColumn(src: MysqlSource, spec: ExpirySpec): Promise<CatalogRow> {
  const missing = new AppError(`session table ${spec.schema}.${spec.table} with column ${spec.expiryColumn} was not found`, 'not-found');
  // A target is one database; other schemas the login can see are not part of it.
  if (spec.schema !== src.databaseName) throw missing;
  const rows = await src.catalogQuery<CatalogRow>(
    `SELECT c.TABLE_NAME AS tableName, c.COLUMN_NAME AS columnName, c.DATA_TYPE AS dataType, t.TABLE_ROWS AS rowEstimate
       FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.COLUMN_NAME = ?
        AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')`,
    [src.databaseName, spec.table, spec.expiryColumn],
  );
  // information_schema compares names case-insensitively; prefer the exact spelling when both exist.
  const row = rows.find((r) => r.tableName === spec.table && r.columnName === spec.expiryColumn) ?? (rows.length === 1 ? rows[0] : undefined);
  if (!row) throw missing;
  return row;
}

/** Expired rows through the expiry index under a time limit; on timeout, the optimizer's range estimate. */
async function countExpiredBounded(
  src: MysqlSource,
  flavor: MysqlFlavor,
  table: string,
  expired: string,
  bound: ExpiryBoundValue,
): Promise<number> {
  const q = withStatementTimeout(flavor, `SELECT COUNT(*) AS n FROM ${table} WHERE ${expired}`, INDEX_COUNT_TIMEOUT_MS);
  try {
    const [r] = await src.query<{ n: unknown }>(q.sql, [...q.params, bound]);
    return toNumber(r?.n) ?? 0;
  } catch (e) {
    if (!(e instanceof AppError && e.kind === 'timeout')) throw e;
  }
  return explainExpired(src, flavor, table, expired, bound);
}

/**
 * The optimizer's estimate of expired rows; EXPLAIN does not run the query.
 * With an index on the column, `rows` is what the range would read (index
 * dives: close to exact); without one it is the whole table and `filtered`
 * (MariaDB shows it with EXTENDED) the guessed share that matches.
 * Takes a quoted table and the expiry predicate (expiredSql).
 */
export async function explainExpired(
  src: MysqlSource,
  flavor: MysqlFlavor,
  table: string,
  expired: string,
  bound: ExpiryBoundValue,
): Promise<number> {
  const explain = flavor === 'mariadb' ? 'EXPLAIN EXTENDED' : 'EXPLAIN';
  const plan = await src.query<{ rows: unknown; filtered: unknown }>(`${explain} SELECT COUNT(*) FROM ${table} WHERE ${expired}`, [bound]);
  const p = plan[0];
  const rows = toNumber(p?.rows) ?? 0;
  const filtered = toNumber(p?.filtered) ?? 100;
  return Math.round((rows * filtered) / 100);
}
