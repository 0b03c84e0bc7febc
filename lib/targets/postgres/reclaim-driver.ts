// PostgreSQL side of the reclaim engine. The operation runs on one dedicated
// connection (./dedicated-connection.ts): it carries the lock and statement timeouts and the
// per-table advisory lock (the same one cleanup runs take, so a reclaim and a
// cleanup of one table never overlap, whichever process starts them). Progress
// is read from a second connection (the pool), because the first one is busy
// running the VACUUM.
import 'server-only';
import type pg from 'pg';
import type {
  AttemptOutcome,
  AttemptProgress,
  AttemptRequest,
  Blocker,
  LockDescription,
  LockResult,
  ReclaimDriver,
  ReclaimMode,
  ReclaimTable,
} from '../../reclaim/driver';
import { AppError } from '../../errors';
import { DIALECT_FACTS } from '../dialect-facts';
import { quoteQualified } from '../quote-identifier';
import { PgDedicatedConnection, pgLockKey } from './dedicated-connection';
import { startPolling } from '../../reclaim/poll';
import { inspectPgReclaimTable, type PgReclaimTable, type PgRows } from './reclaim-inspect';
import { pgBlockers } from './reclaim-blockers';
import { pgEstimateSeconds, pgLockFor } from './reclaim-plan';

/** Catalog reads and size functions: they open the table (ACCESS SHARE), so they must not queue long. */
const READ_STATEMENT_TIMEOUT = '30s';
const READ_LOCK_TIMEOUT = '2s';

const STATEMENT: Record<string, string> = { full: 'VACUUM (FULL, ANALYZE)', vacuum: 'VACUUM (ANALYZE)', analyze: 'ANALYZE' };
const LABEL: Record<string, string> = { full: 'VACUUM FULL', vacuum: 'VACUUM', analyze: 'ANALYZE' };
const INTACT: Record<string, string> = {
  full: 'PostgreSQL discards an unfinished VACUUM FULL, so the table is as it was',
  vacuum: 'an interrupted VACUUM keeps what it did and loses no rows',
  analyze: 'the table is untouched',
};

type ProgressRow = {
  wait_event_type: string | null;
  state: string | null;
  blocked_by: number[] | null;
  c_phase: string | null;
  c_blks_total: number | null;
  c_blks_scanned: number | null;
  c_tuples_scanned: number | null;
  c_tuples_written: number | null;
  c_index_rebuild_count: number | null;
  v_phase: string | null;
  v_blks_total: number | null;
  v_blks_scanned: number | null;
  v_blks_vacuumed: number | null;
  a_phase: string | null;
  a_blks_total: number | null;
  a_blks_scanned: number | null;
};

// pg_blocking_pids only while the attempt waits for a lock: it is not free.
const PROGRESS_SQL = `
SELECT a.wait_event_type, a.state,
  CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by,
  c.phase AS c_phase, c.heap_blks_total AS c_blks_total, c.heap_blks_scanned AS c_blks_scanned,
  c.heap_tuples_scanned AS c_tuples_scanned, c.heap_tuples_written AS c_tuples_written, c.index_rebuild_count AS c_index_rebuild_count,
  v.phase AS v_phase, v.heap_blks_total AS v_blks_total, v.heap_blks_scanned AS v_blks_scanned, v.heap_blks_vacuumed AS v_blks_vacuumed,
  z.phase AS a_phase, z.sample_blks_total AS a_blks_total, z.sample_blks_scanned AS a_blks_scanned
FROM pg_stat_activity a
LEFT JOIN pg_stat_progress_cluster c ON c.pid = a.pid
LEFT JOIN pg_stat_progress_vacuum v ON v.pid = a.pid
LEFT JOIN pg_stat_progress_analyze z ON z.pid = a.pid
WHERE a.pid = $1`;

function toProgress(r: ProgressRow): AttemptProgress {
  const n = (v: number | null) => (v === null ? null : Number(v));
  const waiting = r.wait_event_type === 'Lock';
  const blockedBy = (r.blocked_by ?? []).map(Number);
  if (r.c_phase) {
    const phase = r.c_phase;
    const [done, total] =
      phase === 'seq scanning heap'
        ? [n(r.c_blks_scanned), n(r.c_blks_total)]
        : phase === 'writing new heap' || phase === 'sorting tuples'
          ? [n(r.c_tuples_written), n(r.c_tuples_scanned)]
          : [null, null];
    return {
      phase,
      waitingForLock: waiting,
      blockedBy,
      done,
      total,
      detail: {
        heapBlocksTotal: n(r.c_blks_total),
        heapBlocksScanned: n(r.c_blks_scanned),
        tuplesScanned: n(r.c_tuples_scanned),
        tuplesWritten: n(r.c_tuples_written),
        indexesRebuilt: n(r.c_index_rebuild_count),
      },
    };
  }
  if (r.v_phase) {
    const vacuuming = r.v_phase === 'vacuuming heap';
    return {
      phase: r.v_phase,
      waitingForLock: waiting,
      blockedBy,
      done: vacuuming ? n(r.v_blks_vacuumed) : n(r.v_blks_scanned),
      total: n(r.v_blks_total),
      detail: { heapBlocksTotal: n(r.v_blks_total), heapBlocksScanned: n(r.v_blks_scanned), heapBlocksVacuumed: n(r.v_blks_vacuumed) },
    };
  }
  if (r.a_phase) {
    return {
      phase: r.a_phase,
      waitingForLock: waiting,
      blockedBy,
      done: n(r.a_blks_scanned),
      total: n(r.a_blks_total),
      detail: { sampleBlocksTotal: n(r.a_blks_total), sampleBlocksScanned: n(r.a_blks_scanned) },
    };
  }
  return { phase: waiting ? 'waiting for lock' : 'starting', waitingForLock: waiting, blockedBy, done: null, total: null, detail: {} };
}

export class PgReclaimDriver implements ReclaimDriver {
  readonly dialect = 'postgres' as const;
  readonly modes: readonly ReclaimMode[] = DIALECT_FACTS.postgres.reclaim.modes;
  readonly defaultSchema = 'public';
  private pid: number | null = null;
  private readonly conn: PgDedicatedConnection;

  constructor(
    private readonly pool: pg.Pool,
    target: string,
  ) {
    this.conn = new PgDedicatedConnection({
      pool,
      target,
      lostLock: 'give-up',
      // Session-level: this connection serves only this operation and is
      // destroyed, not returned to the pool, when it ends.
      setup: async (c) => {
        const { rows } = await c.query<{ pid: number }>(
          `SELECT pg_backend_pid() AS pid, set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false),
                  set_config('application_name', 'janitor reclaim', false)`,
          [READ_STATEMENT_TIMEOUT, READ_LOCK_TIMEOUT],
        );
        this.pid = rows[0]!.pid;
      },
    });
  }

  private rows: PgRows = (sql, params) => this.conn.rows(sql, params);

  private asPg(table: ReclaimTable): PgReclaimTable {
    const t = table as PgReclaimTable;
    if (typeof t.oid !== 'number') throw new AppError('reclaim table facts did not come from the PostgreSQL driver', 'internal');
    return t;
  }

  inspect(ref: { schema: string; table: string }): Promise<ReclaimTable> {
    return inspectPgReclaimTable(this.rows, ref);
  }

  lockFor(table: ReclaimTable, mode: ReclaimMode): LockDescription {
    return pgLockFor(table, mode);
  }

  estimateSeconds(mode: ReclaimMode, sizes: { beforeBytes: number; afterBytes: number; tableBytes: number }): number {
    return pgEstimateSeconds(mode, sizes);
  }

  blockers(table: ReclaimTable, opts: { mode: ReclaimMode; longerThanSeconds: number; pids?: number[] }): Promise<Blocker[]> {
    return pgBlockers(this.rows, this.asPg(table).oid, opts);
  }

  tryLock(table: Pick<ReclaimTable, 'schema' | 'table'>): Promise<LockResult> {
    return this.conn.tryLock(pgLockKey(table.schema, table.table));
  }

  unlock(): Promise<void> {
    return this.conn.unlock();
  }

  async totalBytes(table: ReclaimTable, opts: { fresh: boolean; lockTimeoutMs: number }): Promise<number> {
    const oid = this.asPg(table).oid;
    // pg_total_relation_size reads the files' sizes: always current. It opens
    // the table, so it waits at most the operation's lock timeout.
    await this.rows("SELECT set_config('lock_timeout', $1, false)", [`${Math.max(1, Math.round(opts.lockTimeoutMs))}ms`]);
    let r: { bytes: number | null } | undefined;
    try {
      [r] = await this.rows<{ bytes: number | null }>('SELECT pg_total_relation_size($1::oid) AS bytes', [oid]);
    } finally {
      if (!this.conn.broken) await this.rows("SELECT set_config('lock_timeout', $1, false)", [READ_LOCK_TIMEOUT]).catch(() => undefined);
    }
    if (r?.bytes === null || r?.bytes === undefined) throw new AppError(`table ${table.schema}.${table.table} no longer exists`, 'not-found');
    return Number(r.bytes);
  }

  async attempt(req: AttemptRequest): Promise<AttemptOutcome> {
    const { table, mode } = req;
    if (!this.modes.includes(mode)) throw new AppError(`mode ${mode} does not exist on PostgreSQL`, 'input');
    const c = await this.conn.connection();
    const pid = this.pid!;
    const sql = `${STATEMENT[mode]} ${quoteQualified('postgres', table.schema, table.table)}`;
    const lockS = req.lockTimeoutMs / 1000;
    const blockedBy = new Set<number>();
    let cancelled = false;
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;

    await this.rows("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
      `${Math.max(1, Math.round(req.lockTimeoutMs))}ms`,
      `${Math.max(1, Math.round(req.statementTimeoutMs))}ms`,
    ]);
    const onAbort = () => {
      cancelled = true;
      this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    };
    if (req.signal?.aborted) return { ok: false, reason: 'cancelled', message: 'cancelled before it started', seconds: 0, blockedBy: [] };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    // The embedded demo (PGlite) serves one statement at a time: a progress query would wait for the VACUUM.
    const poller = (table as PgReclaimTable).pglite
      ? null
      : startPolling(async () => {
          const { rows } = await this.pool.query<ProgressRow>(PROGRESS_SQL, [pid]);
          if (!rows[0]) return;
          const p = toProgress(rows[0]);
          for (const b of p.blockedBy) blockedBy.add(b);
          req.onProgress?.(p);
        }, req.pollMs ?? 500);

    try {
      await c.query(sql);
      return { ok: true, seconds: seconds(), messages: [] };
    } catch (e) {
      const code = (e as { code?: string }).code;
      const what = `${LABEL[mode]} of ${table.schema}.${table.table}`;
      const base = { ok: false as const, seconds: seconds(), blockedBy: [...blockedBy] };
      if (code === '55P03') {
        return { ...base, reason: 'lock-timeout', message: `${what} could not get its ${pgLockFor(table, mode).mode} lock within ${lockS} s; nothing was changed` };
      }
      if (code === '57014') {
        return cancelled
          ? { ...base, reason: 'cancelled', message: `${what} was cancelled; ${INTACT[mode]}` }
          : { ...base, reason: 'statement-timeout', message: `${what} hit the statement timeout (${req.statementTimeoutMs / 1000} s); ${INTACT[mode]}` };
      }
      if (this.conn.noteLost(e)) {
        const d = this.conn.fail(e);
        return { ...base, reason: 'connection-lost', message: `lost the connection during the ${what} (${d.message}); ${INTACT[mode]}` };
      }
      return { ...base, reason: 'error', message: this.conn.fail(e).message };
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      await poller?.stop();
      if (!this.conn.broken) {
        await this.rows("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
          READ_LOCK_TIMEOUT,
          READ_STATEMENT_TIMEOUT,
        ]).catch(() => undefined);
      }
    }
  }

  close(): Promise<void> {
    // Destroying the connection ends its session on the server, which releases the advisory lock.
    return this.conn.close({ unlockFirst: false });
  }
}
