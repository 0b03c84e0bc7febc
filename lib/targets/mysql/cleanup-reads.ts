// The MySQL / MariaDB cleanup driver's reads besides its batches: how many rows
// are expired (exact, the optimizer's estimate, or a bounded probe after a
// walk), the rows either side of the cutoff, whether a stored batch committed,
// and the replicas' lag the throttle watches. They run on the driver's dedicated connection, handed in as functions.
import 'server-only';
import type mysql from 'mysql2/promise';
import type { BatchCheck, ExpiredEstimate, ExpiryBoundary, ExpiryBoundValue, KeyValue, TableFacts } from '../../cleanup/driver';
import { AppError, isAppError } from '../../errors';
import { describeMysqlError } from './describe-mysql-error';
import { instantOf } from './expiry-predicate';
import { withStatementTimeout } from './statement-timeout';
import type { MysqlFlavor } from './source';
import { boundarySql, countExpiredSql, countRowsSql, keysetCountSql, probeExpiredSql, rangeCountSql, type MysqlStatement } from './cleanup-sql';

/**
 * Up to this many rows a run's plan counts the expired rows exactly; above,
 * the optimizer's estimate through the expiry index serves (a count of 1M
 * rows is a quarter of a second before the first batch; the plan only needs
 * the share).
 */
const DEFAULT_EXACT_MAX_ROWS = 250_000;
/** The check after a walk: rows it reads at most, and how long it may take before the run counts instead. */
const PROBE_ROWS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;
/** Finding the rows either side of the cutoff: two index probes, or scans that are not worth waiting for. */
const BOUNDARY_TIMEOUT_MS = 3_000;

type Rows = <R>(sql: string, params?: unknown[]) => Promise<R[]>;
/** A read with the long time limit in place of the connection's batch limit. */
export type MysqlLongRead = <R>(stmt: MysqlStatement) => Promise<R[]>;

export async function mysqlBoundary(rows: Rows, flavor: MysqlFlavor, table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary> {
  const stmt = boundarySql(table, bound);
  const t = withStatementTimeout(flavor, stmt.sql, BOUNDARY_TIMEOUT_MS);
  let found: Array<{ side: string; stored: string | null; epoch: unknown }>;
  try {
    found = await rows(t.sql, [...t.params, ...stmt.params]);
  } catch (e) {
    // Without an expiry index both sides are a scan: the preview goes on without them.
    if (e instanceof AppError && e.kind === 'timeout') return { newestDeleted: null, oldestKept: null, complete: false };
    throw e;
  }
  const side = (name: string) => {
    const r = found.find((x) => x.side === name);
    if (!r || r.stored === null) return null;
    const at = r.epoch !== null && r.epoch !== undefined ? new Date(Number(r.epoch) * 1000) : instantOf(table.reading, String(r.stored));
    return at ? { stored: String(r.stored), at } : null;
  };
  return { newestDeleted: side('deleted'), oldestKept: side('kept'), complete: true };
}

export async function mysqlEstimateExpired(
  rows: Rows,
  longRead: MysqlLongRead,
  table: TableFacts,
  bound: ExpiryBoundValue,
  opts: { exactMaxRows?: number },
): Promise<ExpiredEstimate> {
  const exactMax = opts.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS;
  if (table.rowEstimate >= 0 && table.rowEstimate <= exactMax) {
    const [r] = await longRead<{ n: number; expired: number }>(countRowsSql(table, bound));
    const n = Number(r!.n);
    const expired = Number(r!.expired);
    return { expired, total: n, fraction: n > 0 ? expired / n : 0, method: 'exact' };
  }
  const total = Math.max(0, table.rowEstimate);
  if (!table.expiryIndex) {
    // Without an index only the primary-key walk can run; it learns the density as it goes.
    return { expired: Math.round(total / 2), total, fraction: 0.5, method: 'optimizer' };
  }
  // The optimizer's row estimate for the index range (index dives): cheap and close.
  const s = countExpiredSql(table, bound);
  const plan = await rows<{ rows: number | null }>(`EXPLAIN ${s.sql}`, s.params);
  const expired = Math.min(total, Number(plan[0]?.rows ?? 0));
  return { expired, total, fraction: total > 0 ? expired / total : 0, method: 'optimizer' };
}

export async function mysqlCountExpired(longRead: MysqlLongRead, table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
  const [r] = await longRead<{ n: number }>(countExpiredSql(table, bound));
  return Number(r!.n);
}

export async function mysqlProbeExpired(rows: Rows, flavor: MysqlFlavor, table: TableFacts, bound: ExpiryBoundValue): Promise<number | null> {
  if (!table.expiryIndex) return null;
  const probe = probeExpiredSql({ ...table, expiryIndex: table.expiryIndex }, bound, PROBE_ROWS);
  const t = withStatementTimeout(flavor, probe.sql, PROBE_TIMEOUT_MS);
  try {
    const [r] = await rows<{ n: number }>(t.sql, [...t.params, ...probe.params]);
    return Number(r!.n);
  } catch (e) {
    // Out of time (an index still full of entries the purge has not removed): the caller counts instead.
    if (isAppError(e) && e.kind === 'timeout') return null;
    throw e;
  }
}

/**
 * MySQL cannot be asked whether a transaction committed; the range can: its
 * expired rows are gone if the batch's DELETE committed and all there if it
 * was rolled back. (Wrong only if the application meanwhile set a session in
 * that range back into the past, or deleted every row the batch had.)
 */
export async function mysqlBatchCommitted(rows: Rows, table: TableFacts, check: BatchCheck, bound: ExpiryBoundValue): Promise<boolean> {
  type Pos = { expiry: string | number; row: KeyValue[] };
  const c = check as { after?: KeyValue[] | null; upTo?: KeyValue[] | null; keyset?: { after: Pos | null; upTo: Pos } };
  const stmt = c.keyset ? keysetCountSql(table, c.keyset.after, c.keyset.upTo, bound) : rangeCountSql(table, c.after ?? null, c.upTo ?? null, bound);
  const [r] = await rows<{ n: number }>(stmt.sql, stmt.params);
  return Number(r!.n) === 0;
}

/** Worst Seconds_Behind_Master over the configured replicas; Infinity when one is not replicating. */
export async function mysqlReplicaLag(pools: mysql.Pool[], target: string): Promise<number> {
  let worst = 0;
  for (const p of pools) {
    let rows: Array<Record<string, unknown>>;
    try {
      [rows] = (await p.query('SHOW REPLICA STATUS')) as unknown as [Array<Record<string, unknown>>];
    } catch {
      try {
        [rows] = (await p.query('SHOW SLAVE STATUS')) as unknown as [Array<Record<string, unknown>>];
      } catch (e) {
        throw describeMysqlError(e, `${target} replica`);
      }
    }
    for (const row of rows) {
      const lag = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
      worst = Math.max(worst, lag === null || lag === undefined ? Infinity : Number(lag));
    }
  }
  return worst;
}
