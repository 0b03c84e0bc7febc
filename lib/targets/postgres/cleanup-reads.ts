// The PostgreSQL cleanup driver's reads besides its batches: how many rows are
// expired (exact, sampled or counted), the rows either side of the cutoff,
// whether a stored batch committed, and the signals the throttle watches.
// They run on the driver's dedicated connection, handed in as functions.
import 'server-only';
import type { BatchCheck, ExpiredEstimate, ExpiryBoundary, ExpiryBoundValue, TableFacts, ThrottleSignals } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { boundarySql, countExpiredSql, countRowsSql, heapPagesSql, sampleExpiredSql, type PgStatement } from './cleanup-sql';

/** Counts and samples are reads that may scan a big table: allowed longer than a batch. */
export const READ_TIMEOUT_MS = 10 * 60_000;
/** Pages a sample reads to estimate the expired share of a big table. */
const SAMPLE_PAGES = 2_000;
const DEFAULT_EXACT_MAX_ROWS = 1_000_000;
/** Finding the rows either side of the cutoff: two index probes, or scans that are not worth waiting for. */
const BOUNDARY_TIMEOUT_MS = 3_000;

type Rows = <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;
/** A statement in its own read-only transaction with its own statement timeout. */
export type PgReadOnly = <R extends Record<string, unknown>>(stmt: PgStatement, timeoutMs: number) => Promise<R[]>;

export async function pgBoundary(read: PgReadOnly, table: TableFacts, bound: ExpiryBoundValue): Promise<ExpiryBoundary> {
  type Row = { deleted_stored: string | null; deleted_epoch: number | null; kept_stored: string | null; kept_epoch: number | null };
  try {
    const rows = await read<Row>(boundarySql(table, bound), BOUNDARY_TIMEOUT_MS);
    const r = rows[0]!;
    const side = (stored: string | null, epoch: number | null) => (stored === null || epoch === null ? null : { stored, at: new Date(epoch * 1000) });
    return { newestDeleted: side(r.deleted_stored, r.deleted_epoch), oldestKept: side(r.kept_stored, r.kept_epoch), complete: true };
  } catch (e) {
    // Without an expiry index both sides are a scan: the preview goes on without them.
    if (e instanceof AppError && e.kind === 'timeout') return { newestDeleted: null, oldestKept: null, complete: false };
    throw e;
  }
}

export async function pgEstimateExpired(
  read: PgReadOnly,
  rows: Rows,
  table: TableFacts,
  bound: ExpiryBoundValue,
  opts: { exactMaxRows?: number },
): Promise<ExpiredEstimate> {
  const exactMax = opts.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS;
  const small = table.rowEstimate >= 0 ? table.rowEstimate <= exactMax : table.tableBytes <= 256 * 1024 * 1024;
  if (small) {
    const [r] = await read<{ n: number; expired: number }>(countRowsSql(table, bound), READ_TIMEOUT_MS);
    const { n, expired } = r!;
    return { expired, total: n, fraction: n > 0 ? expired / n : 0, method: 'exact' };
  }
  const pages = await pgHeapPages(rows, table);
  const percent = Math.min(100, Math.max(0.0001, (100 * SAMPLE_PAGES) / Math.max(pages, 1)));
  const [r] = await read<{ n: number; expired: number }>(sampleExpiredSql(table, bound, percent), READ_TIMEOUT_MS);
  const { n, expired } = r!;
  const fraction = n > 0 ? expired / n : 0;
  const total = table.rowEstimate > 0 ? table.rowEstimate : Math.round((n * 100) / percent);
  return { expired: Math.round(fraction * total), total, fraction, method: 'sample' };
}

export async function pgCountExpired(read: PgReadOnly, table: TableFacts, bound: ExpiryBoundValue): Promise<number> {
  const [r] = await read<{ n: number }>(countExpiredSql(table, bound), READ_TIMEOUT_MS);
  return r!.n;
}

export async function pgHeapPages(rows: Rows, table: TableFacts): Promise<number> {
  const stmt = heapPagesSql(table);
  const [r] = await rows<{ pages: number }>(stmt.sql, stmt.params);
  return r!.pages;
}

/** txid_status: whether the batch's transaction committed, from any connection, long after the one that ran it is gone. */
export async function pgBatchCommitted(rows: Rows, check: BatchCheck): Promise<boolean> {
  const xid = typeof check.xid === 'string' && /^\d+$/.test(check.xid) ? check.xid : null;
  if (!xid) throw new AppError('a PostgreSQL batch check needs a transaction id', 'internal');
  let r: { status: string | null } | undefined;
  try {
    [r] = await rows<{ status: string | null }>('SELECT txid_status($1::bigint) AS status', [xid]);
  } catch (e) {
    // After a crash the server hands out transaction ids again from the last
    // one it had logged: an id "in the future" never reached the WAL, so its
    // transaction cannot have committed.
    if (/is in the future/.test(String((e as Error)?.message))) return false;
    throw e;
  }
  // Still open: the connection that ran it has not ended yet; retried like a lock wait.
  if (r?.status === 'in progress') throw new AppError(`the last batch (transaction ${xid}) is still open on the server`, 'timeout');
  // NULL: too old for the server to remember, so long settled: a worker that got that far committed it.
  return r?.status !== 'aborted';
}

export async function pgThrottleSignals(rows: Rows): Promise<ThrottleSignals> {
  // replay/flush/write lag are NULL while a replica has nothing to replay: that counts as no lag.
  const [r] = await rows<{ replicas: number; lag: number | null; active: number }>(
    `SELECT (SELECT count(*) FROM pg_stat_replication)::int AS replicas,
            (SELECT max(EXTRACT(EPOCH FROM GREATEST(write_lag, flush_lag, replay_lag))) FROM pg_stat_replication)::float8 AS lag,
            (SELECT count(*) FROM pg_stat_activity
              WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid())::int AS active`,
  );
  return { replicaLagSeconds: r!.replicas > 0 ? (r!.lag ?? 0) : null, activeConnections: r!.active };
}
