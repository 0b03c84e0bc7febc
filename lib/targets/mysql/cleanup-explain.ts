// What a MySQL / MariaDB cleanup batch would run, and the server's plan for it
// (EXPLAIN plans a DELETE without running it), for the preview's "show SQL".
import 'server-only';
import type { DeleteBatchRequest, ExplainResult, KeyValue, PkRangeCursor } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { rangeLength } from '../../cleanup/range-size';
import { keysDeleteSql, keysetSelectSql, rangeDeleteSql, rangeEndSql, toKeyValue, type MysqlStatement } from './cleanup-sql';

type Rows = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

/** The last key of the next primary-key range of about the batch's size; null when fewer keys are left. */
export async function mysqlRangeEnd(
  rows: Rows,
  req: Omit<DeleteBatchRequest, 'rollback'> & { cursor: PkRangeCursor },
): Promise<{ n: number; end: KeyValue[] | null }> {
  const n = rangeLength(req.size, req.cursor.expiredPerKey, 1);
  const stmt = rangeEndSql(req.table, req.cursor.after, n);
  const [row] = await rows<Record<string, unknown>>(stmt.sql, stmt.params);
  return { n, end: row ? req.table.primaryKey.map((k) => toKeyValue(row[k])) : null };
}

export async function mysqlExplain(rows: Rows, req: Omit<DeleteBatchRequest, 'rollback'>): Promise<ExplainResult> {
  const { cursor, table } = req;
  const sql: string[] = [];
  const params: unknown[][] = [];
  let del: MysqlStatement;
  if (cursor.strategy === 'pk-range') {
    const n = rangeLength(req.size, cursor.expiredPerKey, 1);
    const end = rangeEndSql(table, cursor.after, n);
    sql.push(end.sql);
    params.push(end.params);
    const { end: upTo } = await mysqlRangeEnd(rows, { ...req, cursor });
    del = rangeDeleteSql(table, cursor.after, upTo, req.bound);
  } else if (cursor.strategy === 'keyset' && table.expiryIndex) {
    const after = cursor.after && Array.isArray(cursor.after.row) ? { expiry: cursor.after.expiry, row: cursor.after.row } : null;
    const sel = keysetSelectSql({ ...table, expiryIndex: table.expiryIndex }, after, req.size, req.bound);
    sql.push(sel.sql);
    params.push(sel.params);
    // The DELETE names the keys the SELECT returned; plan it with the first of them.
    const [first] = await rows<Record<string, unknown>>(sel.sql, sel.params);
    const key = first ? table.primaryKey.map((k) => toKeyValue(first[k])) : table.primaryKey.map(() => 0 as KeyValue);
    del = keysDeleteSql(table, [key], req.bound);
    sql.push(`${del.sql}  -- with every key the SELECT returned`);
    params.push(del.params);
    const plan = await rows<Record<string, unknown>>(`EXPLAIN ${sel.sql}`, sel.params);
    const delPlan = await rows<Record<string, unknown>>(`EXPLAIN ${del.sql}`, del.params);
    return { sql, params, plan: `${formatPlan(plan)}\n${formatPlan(delPlan)}` };
  } else {
    throw new AppError(`strategy ${cursor.strategy} cannot run on ${table.schema}.${table.table}`, 'input');
  }
  sql.push(del.sql);
  params.push(del.params);
  // EXPLAIN DELETE plans the statement without running it.
  const plan = await rows<Record<string, unknown>>(`EXPLAIN ${del.sql}`, del.params);
  return { sql, params, plan: formatPlan(plan) };
}

function formatPlan(rows: Array<Record<string, unknown>>): string {
  return rows
    .map((r) =>
      Object.entries(r)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' '),
    )
    .join('\n');
}
