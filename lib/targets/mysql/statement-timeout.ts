import type { MysqlFlavor } from './source';

/**
 * A SELECT with a server-side time limit, so a count on a huge table gives up
 * instead of holding a connection (and InnoDB read views) for minutes.
 * MariaDB: `SET STATEMENT max_statement_time = <seconds> FOR SELECT …` (the
 * seconds are a bound value). MySQL: the MAX_EXECUTION_TIME optimizer hint,
 * which lives in a comment and so cannot be bound: the milliseconds are
 * checked to be a plain integer before they become SQL text.
 *
 * @param select a statement starting with SELECT
 * @returns the SQL and the parameters to bind before the SELECT's own
 */
export function withStatementTimeout(flavor: MysqlFlavor, select: string, ms: number): { sql: string; params: unknown[] } {
  if (!/^\s*SELECT\b/i.test(select)) throw new Error('withStatementTimeout expects a SELECT');
  const limit = Math.max(1, Math.round(ms));
  if (!Number.isSafeInteger(limit)) throw new Error('invalid statement timeout');
  if (flavor === 'mariadb') {
    return { sql: `SET STATEMENT max_statement_time = ? FOR ${select.trimStart()}`, params: [limit / 1000] };
  }
  return { sql: select.trimStart().replace(/^SELECT\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${limit}) */`), params: [] };
}
