// Expired / live / total rows of one session table, for the space report. The
// cutoff and the predicate come from expiry-predicate.ts, as a cleanup's do;
// the table and column names are checked against the catalog and quoted.
import 'server-only';
import { AppError, isAppError } from '../../errors';
import { cutoffInstant } from '../../session-tables/expiry';
import type { CountSessionsOptions, ExpirySpec, SessionCounts } from '../adapter';
import { quoteIdent, quoteQualified } from '../quote-identifier';
import { pgColumnKind } from './column-kind';
import type { PgSession } from './pg-query';
import { expiredSql, pgReading, storedCutoff, type PgRows } from './expiry-predicate';

/** Exact counts read the whole table; this bounds them if reltuples was stale. */
const EXACT_GUARD = { statementTimeoutMs: 30_000, lockTimeoutMs: 3_000 };
/** Counting only the expired rows through the expiry index, on a table too big to count whole. */
const INDEX_GUARD = { statementTimeoutMs: 10_000, lockTimeoutMs: 3_000 };

/** A statement timeout (not a lock timeout: waiting longer elsewhere would not help). */
function isStatementTimeout(e: unknown): boolean {
  return isAppError(e) && e.kind === 'timeout' && !/lock/i.test(e.message);
}

type CatalogRow = { schema: string; table: string; column: string; typname: string; row_estimate: number };

// A partitioned parent has no rows of its own: its estimate is its leaves'.
const CATALOG_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
  CASE WHEN ty.typtype = 'd' THEN base.typname ELSE ty.typname END AS typname,
  CASE WHEN c.relkind = 'p' THEN
    (SELECT coalesce(sum(greatest(pc.reltuples, 0)), 0) FROM pg_partition_tree(c.oid) pt
     JOIN pg_class pc ON pc.oid = pt.relid WHERE pt.isleaf)
  WHEN c.reltuples >= 0 THEN c.reltuples
  ELSE pg_stat_get_live_tuples(c.oid) END AS row_estimate
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_type base ON base.oid = ty.typbasetype
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
`;

export async function countPgSessions(
  session: PgSession,
  target: string,
  spec: ExpirySpec,
  opts: CountSessionsOptions,
): Promise<SessionCounts> {
  const [cat] = await session.query<CatalogRow>(CATALOG_SQL, [spec.schema, spec.table, spec.expiryColumn]);
  if (!cat) {
    throw new AppError(
      `target "${target}": no table ${spec.schema}.${spec.table} with a column ${spec.expiryColumn}`.slice(0, 300),
      'not-found',
    );
  }
  const kind = pgColumnKind(cat.typname);
  const wanted = spec.expiryType === 'timestamp' ? 'timestamp' : 'integer';
  if (kind !== wanted) {
    throw new AppError(
      `target "${target}": ${cat.table}.${cat.column} is of type ${cat.typname}, expected ${wanted === 'timestamp' ? 'a timestamp' : 'an integer (epoch)'}`,
      'input',
    );
  }

  // The same reading, cutoff and predicate as a cleanup's (expiry-predicate.ts).
  const rows: PgRows = (sql, params) => session.query(sql, params);
  const reading = await pgReading(rows, cat.typname, spec);
  const param = await storedCutoff(rows, reading, cutoffInstant(spec, opts.now));
  const table = quoteQualified('postgres', cat.schema, cat.table);
  const expired = expiredSql(reading, quoteIdent('postgres', cat.column), '$1');
  const estimate = Math.round(Number(cat.row_estimate));

  if (estimate <= opts.exactMaxRows) {
    try {
      const [r] = await session.guarded(EXACT_GUARD, (q) =>
        q<{ total: number; expired: number }>(
          `SELECT count(*) AS total, count(*) FILTER (WHERE ${expired}) AS expired FROM ${table}`,
          [param],
        ),
      );
      return { total: r!.total, expired: r!.expired, live: r!.total - r!.expired, exact: true };
    } catch (e) {
      // The table outgrew its statistics: fall through to the index count.
      if (!isStatementTimeout(e)) throw e;
    }
  }

  const expiredCount = opts.indexCount === false ? await plannerExpired(session, table, expired, param) : await countExpiredViaIndex(session, table, expired, param);
  const total = Math.max(estimate, expiredCount);
  return { total, expired: expiredCount, live: total - expiredCount, exact: false };
}

/**
 * Counts expired rows through the expiry column's index (seq scans are
 * discouraged for this one transaction). When even that runs past its
 * timeout, the planner's own row estimate for the predicate is returned.
 */
async function countExpiredViaIndex(session: PgSession, table: string, predicate: string, param: unknown) {
  try {
    const [r] = await session.guarded(INDEX_GUARD, async (q) => {
      await q("SELECT set_config('enable_seqscan', 'off', true)");
      return q<{ expired: number }>(`SELECT count(*) AS expired FROM ${table} WHERE ${predicate}`, [param]);
    });
    return r!.expired;
  } catch (e) {
    if (!isStatementTimeout(e)) throw e;
  }
  return plannerExpired(session, table, predicate, param);
}

/** The planner's row estimate for the predicate; EXPLAIN reads no rows. */
async function plannerExpired(session: PgSession, table: string, predicate: string, param: unknown): Promise<number> {
  const [plan] = await session.guarded(INDEX_GUARD, (q) =>
    q<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE ${predicate}`,
      [param],
    ),
  );
  return Math.round(plan!['QUERY PLAN'][0]!.Plan['Plan Rows']);
}
