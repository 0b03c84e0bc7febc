// Run state changes. Every change a worker makes is guarded by status and
// owner (`status='running' and owner=me`, through work/ownership.ts's
// transition, or in the SQL of the per-batch writes): a worker that lost its
// run (cancelled, taken over after a crash) sees 0 rows updated and stops
// instead of overwriting.
import 'server-only';
import { store, storeDate, writeAtomically } from '../client';
import { isUniqueViolation } from '../unique-violation';
import { AppError } from '../../errors';
import { transition } from '../work/ownership';
import type { CleanupParams } from '../../schemas/cleanup-params';
import { findActiveRun } from './read-runs';
import type { BatchKnobs, RunStatus, ThrottleView } from './run-view';

export type NewRun = {
  kind: 'cleanup' | 'logout-all';
  target: string;
  schema: string;
  table: string;
  preset: string | null;
  expiryColumn: string | null;
  expiryType: string | null;
  ttlSeconds: number | null;
  timestampZone?: string | null;
  cutoff: Date;
  params: CleanupParams;
  strategy: string;
  strategyReason: string;
  startedBy: string;
  owner: string;
  expiredAtStart: number | null;
  cursor: unknown;
};

/** Creates a running run; the partial unique index refuses a second active run on the table. */
export async function createRun(r: NewRun): Promise<string> {
  const db = await store();
  const now = new Date();
  return insertActive(r, () =>
    db.run.create({
      data: {
        ...r,
        params: JSON.stringify(r.params),
        cursor: JSON.stringify(r.cursor),
        status: 'running',
        startedAt: now,
        heartbeatAt: now,
      },
    }),
  );
}

/** Inserts a run the partial unique index may refuse (another run active on the table): the refusal names that run. */
async function insertActive(r: Pick<NewRun, 'target' | 'schema' | 'table'>, create: () => Promise<{ id: string }>): Promise<string> {
  try {
    return (await create()).id;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const active = await findActiveRun(r.target, r.schema, r.table);
    throw alreadyRunning(r.schema, r.table, active?.id ?? null);
  }
}

export type QueuedRun = Omit<NewRun, 'cutoff' | 'strategy' | 'strategyReason' | 'owner' | 'expiredAtStart' | 'cursor'> & {
  scheduleId?: string | null;
  /** what to do after a completed run, e.g. { then: 'vacuum' } */
  after?: Record<string, unknown> | null;
};

/**
 * Stores a run for the fleet to work: queued, no owner, no plan yet (the
 * worker that takes it plans it). The partial unique index refuses it while
 * another run is queued, running or paused on the table.
 */
export async function createQueuedRun(r: QueuedRun): Promise<string> {
  const db = await store();
  const { after, ...rest } = r;
  return insertActive(r, () =>
    db.run.create({ data: { ...rest, params: JSON.stringify(r.params), after: after ? JSON.stringify(after) : null, status: 'queued', detached: true } }),
  );
}

/** A worker's first plan for a queued run it claimed: the cutoff, strategy, counts and starting cursor. */
export async function planClaimedRun(
  runId: string,
  owner: string,
  plan: { cutoff: Date; strategy: string; strategyReason: string; expiredAtStart: number | null; cursor: unknown; timestampZone: string | null },
): Promise<boolean> {
  return transition('run', { id: runId, owner, from: ['running'] }, { ...plan, cursor: JSON.stringify(plan.cursor), startedAt: new Date(), heartbeatAt: new Date() });
}

/** A worker that claimed a run but cannot work it now (the table's lock is held elsewhere) puts it back in the queue. */
export async function requeueRun(runId: string, owner: string, why: string): Promise<boolean> {
  return transition('run', { id: runId, owner, from: ['running'] }, { status: 'queued', owner: null, error: why });
}

/** Hands a paused / interrupted / failed / cancelled run to the fleet: it is queued and a worker continues it. */
export async function queueForResume(runId: string, from: RunStatus[]): Promise<boolean> {
  try {
    return await transition('run', { id: runId, from }, { status: 'queued', detached: true, owner: null, control: null, error: null, finishedAt: null });
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

export function alreadyRunning(schema: string, table: string, runId: string | null): AppError {
  return new AppError(`a cleanup of ${schema}.${table} is already running${runId ? ` (run ${runId})` : ''}`, 'conflict', { runId });
}

/** Takes a paused / interrupted run back to running under a new owner. */
export async function claimRun(id: string, owner: string, from: RunStatus[]): Promise<boolean> {
  try {
    return await transition('run', { id, from }, { status: 'running', owner, control: null, heartbeatAt: new Date(), error: null, finishedAt: null });
  } catch (e) {
    // another run became active on the table meanwhile (partial unique index)
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/**
 * What recordBatch writes: the Batch row plus the run's totals, cursor and
 * throttle after it (the engine hands over a BatchRecord; execute-run.ts
 * turns it into this).
 */
export type BatchWrite = {
  n: number;
  deleted: number;
  totalDeleted: number;
  ms: number;
  size: number;
  cursor: unknown;
  /**
   * The batch is stored before its COMMIT on the target; this is how to learn
   * afterwards whether that COMMIT happened, and where the batch started (see
   * undoLastBatch). null for a batch that deleted nothing.
   */
  check: LastBatchCheck | null;
  throttle: ThrottleView;
  activeSeconds: number;
  /** the settings from this batch on, when they differ from the batch before's (see BatchKnobs) */
  knobs?: BatchKnobs | null;
};

export type LastBatchCheck = { n: number; deleted: number; check: unknown; prevCursor: unknown };

/** Stores a batch and the run's totals in one transaction; false when the worker no longer owns the run. */
export async function recordBatch(runId: string, owner: string, b: BatchWrite): Promise<boolean> {
  const cursor = JSON.stringify(b.cursor);
  const now = storeDate(new Date());
  // Once per batch, so through writeAtomically (see there why not Prisma).
  const [, updated] = await writeAtomically([
    {
      sql: `INSERT INTO "Batch" ("runId", "n", "deleted", "ms", "size", "cursor", "knobs", "at") VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT ("runId", "n") DO UPDATE SET "deleted" = excluded."deleted", "ms" = excluded."ms", "size" = excluded."size", "cursor" = excluded."cursor", "knobs" = excluded."knobs"`,
      args: [runId, b.n, b.deleted, b.ms, b.size, cursor, b.knobs ? JSON.stringify(b.knobs) : null, now],
    },
    {
      sql: `UPDATE "Run" SET "totalDeleted" = ?, "batchCount" = ?, "cursor" = ?, "throttle" = ?, "heartbeatAt" = ?, "activeSeconds" = ?, "lastBatchCheck" = ?
            WHERE "id" = ? AND "owner" = ? AND "status" = 'running'`,
      args: [b.totalDeleted, b.n, cursor, JSON.stringify(b.throttle), now, b.activeSeconds, b.check ? JSON.stringify(b.check) : null, runId, owner],
    },
  ]);
  return updated === 1;
}

/**
 * Batch `n` committed, but the target lost it in a crash (an acknowledged
 * COMMIT not yet on disk): its rows are back and will be deleted and counted
 * again, so they leave the run's total and the batch shows 0 deleted.
 */
export async function discountBatch(runId: string, owner: string, n: number, deleted: number): Promise<boolean> {
  const [, updated] = await writeAtomically([
    { sql: `UPDATE "Batch" SET "deleted" = 0 WHERE "runId" = ? AND "n" = ?`, args: [runId, n] },
    { sql: `UPDATE "Run" SET "totalDeleted" = "totalDeleted" - ? WHERE "id" = ? AND "owner" = ? AND "status" = 'running'`, args: [deleted, runId, owner] },
  ]);
  return updated === 1;
}

/** The run's last stored batch and how to check it, if it deleted anything. */
export async function readLastBatchCheck(runId: string): Promise<LastBatchCheck | null> {
  const db = await store();
  const r = await db.run.findUnique({ where: { id: runId }, select: { lastBatchCheck: true, batchCount: true } });
  if (!r?.lastBatchCheck) return null;
  const c = JSON.parse(r.lastBatchCheck) as LastBatchCheck;
  // Only the run's last batch can be in doubt.
  return c.n === r.batchCount ? c : null;
}

/**
 * Takes batch `n`, stored just before a COMMIT that did not happen (the
 * process died or the connection dropped first), back out of the run: totals,
 * cursor and its batch row, so the run goes on from where that batch started.
 * Guarded like every worker write; false when this owner no longer runs it.
 */
export async function undoLastBatch(runId: string, owner: string, n: number): Promise<boolean> {
  const db = await store();
  return db.$transaction(async (tx) => {
    const r = await tx.run.findFirst({ where: { id: runId, owner, status: 'running' }, select: { lastBatchCheck: true, batchCount: true, totalDeleted: true } });
    if (!r) return false;
    const c = r.lastBatchCheck ? (JSON.parse(r.lastBatchCheck) as LastBatchCheck) : null;
    if (!c || c.n !== n || r.batchCount !== n) return true; // already undone, or not the last batch
    await tx.batch.deleteMany({ where: { runId, n } });
    const u = await tx.run.updateMany({
      where: { id: runId, owner, status: 'running' },
      data: { totalDeleted: r.totalDeleted - c.deleted, batchCount: n - 1, cursor: JSON.stringify(c.prevCursor), lastBatchCheck: null },
    });
    return u.count === 1;
  });
}

export async function heartbeat(runId: string, owner: string, throttle?: ThrottleView): Promise<boolean> {
  return transition('run', { id: runId, owner, from: ['running'] }, { heartbeatAt: new Date(), ...(throttle !== undefined ? { throttle: JSON.stringify(throttle) } : {}) });
}

/** The worker's last word: running → completed / cancelled / paused / failed. */
export async function finishRun(
  runId: string,
  owner: string,
  to: Exclude<RunStatus, 'queued' | 'running' | 'interrupted'>,
  data: { error?: string | null; cursor?: unknown; activeSeconds?: number; totalDeleted?: number; batchCount?: number },
): Promise<boolean> {
  return transition('run', { id: runId, owner, from: ['running'] }, {
    status: to,
    control: null,
    error: data.error ?? null,
    ...(data.cursor !== undefined ? { cursor: JSON.stringify(data.cursor) } : {}),
    ...(data.activeSeconds !== undefined ? { activeSeconds: data.activeSeconds } : {}),
    ...(data.totalDeleted !== undefined ? { totalDeleted: data.totalDeleted } : {}),
    ...(data.batchCount !== undefined ? { batchCount: data.batchCount } : {}),
    finishedAt: to === 'paused' ? null : new Date(),
    heartbeatAt: new Date(),
  });
}

/** An operator's request to a running run; the worker acts on it between batches. */
export async function requestControl(runId: string, control: 'pause' | 'cancel'): Promise<boolean> {
  return transition('run', { id: runId, from: ['running'] }, { control });
}

/** Cancels a run no worker is executing (paused or interrupted). */
export async function cancelIdleRun(runId: string): Promise<boolean> {
  return transition('run', { id: runId, from: ['paused', 'interrupted', 'queued'] }, { status: 'cancelled', control: null, finishedAt: new Date() });
}

export async function updateRunParams(runId: string, params: CleanupParams): Promise<boolean> {
  return transition('run', { id: runId, from: ['running', 'paused', 'interrupted', 'queued'] }, { params: JSON.stringify(params) });
}

/** What the worker polls between batches: pending control and current knobs. */
export async function readControl(runId: string): Promise<{ status: string; control: string | null; params: string; owner: string | null } | null> {
  const db = await store();
  return db.run.findUnique({ where: { id: runId }, select: { status: true, control: true, params: true, owner: true } });
}

export async function readCursor(runId: string): Promise<unknown> {
  const db = await store();
  const r = await db.run.findUnique({ where: { id: runId }, select: { cursor: true } });
  return r?.cursor ? JSON.parse(r.cursor) : null;
}
