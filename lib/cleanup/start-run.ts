// Starting and resuming a durable cleanup run: the one entry point the web
// action and the CLI share. Order matters: the target's advisory lock is taken
// before the run row is created, and the store's partial unique index refuses a
// second active run, so two starts at the same moment (two tabs, two app
// processes, the CLI and the web) yield exactly one run.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { cleanupParamsSchema, type CleanupParams, type CleanupParamsInput } from '../schemas/cleanup-params';
import { sessionSpecSchema, type SessionSpecInput } from '../schemas/session-spec';
import { resolveSessionSpec, type ResolvedSpec } from '../session-tables/resolve-spec';
import { logoutAllCutoff } from '../session-tables/expiry';
import { forLogoutAll } from '../session-tables/logout-all-table';
import { chooseZone } from '../session-tables/timestamp-zone';
import { presetByName } from '../session-tables/presets';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import type { TargetAdapter } from '../targets/adapter';
import { findActiveRun, getRun } from '../store/runs/read-runs';
import { alreadyRunning, claimRun, createRun, readCursor, readLastBatchCheck, undoLastBatch } from '../store/runs/write-runs';
import { ownerId } from '../store/work/ownership';
import { RESUMABLE_STATUSES, type RunView } from '../store/runs/run-view';
import type { BatchCheck, CleanupCursor, CleanupDriver } from './driver';
import { firstCursor, prepareCleanup, type PreparedCleanup } from './prepare';
import { executeRun, type RunEvent, type RunOutcome } from './execute-run';
import { runCleanup, type DryRunReport } from './engine';

export type TargetSelection = { url?: string; target?: string };

export type StartedRun = {
  runId: string;
  prepared: PreparedCleanup;
  /** settles when the run stops (completed, paused, cancelled, failed) */
  done: Promise<RunOutcome>;
  /** ask the worker to stop after the current batch (the CLI's SIGINT) */
  stop: (reason: 'cancel' | 'pause') => void;
};

export function parseOrThrow<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError(r.error.issues[0]!.message, 'input');
  return r.data;
}

/**
 * How long a start that finds the table's lock taken waits for the holder's
 * run to show up in the store. A start takes the lock first and stores its run
 * only once it has prepared (the exact count of expired rows takes a second or
 * two on a million rows): the loser of two simultaneous starts waits to point
 * at the winner's run rather than say only that someone holds the lock.
 */
const HOLDER_RUN_WAIT_MS = 10_000;
const HOLDER_RUN_POLL_MS = 100;

/** Opens a driver and takes the table's advisory lock, or explains who holds it (the run, when there is one). */
export async function lockTable(adapter: TargetAdapter, key: string, spec: ResolvedSpec): Promise<CleanupDriver> {
  const driver = adapter.cleanupDriver();
  const deadline = Date.now() + HOLDER_RUN_WAIT_MS;
  try {
    for (;;) {
      const lock = await driver.tryLock({ schema: spec.schema, table: spec.table });
      if (lock.acquired) return driver;
      const active = await findActiveRun(key, spec.schema, spec.table);
      if (active || Date.now() >= deadline) {
        const e = alreadyRunning(spec.schema, spec.table, active?.id ?? null);
        if (!active && lock.holder) e.message += ` (lock held by ${lock.holder})`;
        throw e;
      }
      // The holder is still preparing (or gave up: then the next tryLock succeeds).
      await new Promise((r) => setTimeout(r, HOLDER_RUN_POLL_MS));
    }
  } catch (e) {
    await driver.close().catch(() => {});
    throw e;
  }
}

export type StartInput = {
  target: TargetSelection;
  /** validated here (sessionSpecSchema): form fields and flags arrive as they were typed */
  spec: SessionSpecInput | Record<string, unknown>;
  /** validated here (cleanupParamsSchema) */
  params: CleanupParamsInput | Record<string, unknown>;
  startedBy: string;
  kind?: 'cleanup' | 'logout-all';
  onEvent?: (e: RunEvent) => void;
};

/** Validates, locks, plans and starts a run; returns once its row exists. */
export async function startCleanupRun(input: StartInput): Promise<StartedRun> {
  const params = parseOrThrow<CleanupParams>(cleanupParamsSchema, input.params);
  const fields = parseOrThrow(sessionSpecSchema, input.spec);
  if (params.dryRun) throw new AppError('use dryRunCleanup for a dry run', 'internal');
  const adapter = resolveTarget(input.target);
  const key = targetKey(input.target);
  const spec = forKind(await resolveSessionSpec(adapter, fields, defaultSchemaOf(input.target)), input.kind);
  const active = await findActiveRun(key, spec.schema, spec.table);
  if (active) throw alreadyRunning(spec.schema, spec.table, active.id);

  const driver = await lockTable(adapter, key, spec);
  try {
    const prepared = await prepareCleanup({ driver, spec, cutoff: cutoffFor(spec, input.kind), params, everySession: input.kind === 'logout-all' });
    const cursor = await firstCursor(driver, prepared);
    const owner = ownerId(randomBytes(4).toString('hex'));
    const runId = await createRun({
      kind: input.kind ?? 'cleanup',
      target: key,
      schema: spec.schema,
      table: spec.table,
      preset: spec.preset,
      expiryColumn: spec.expiryColumn,
      expiryType: spec.expiryType,
      ttlSeconds: spec.ttlSeconds,
      timestampZone: prepared.table.reading.kind === 'wall-clock' ? (spec.timestampZone ?? null) : null,
      cutoff: prepared.cutoff,
      params,
      strategy: prepared.plan.strategy,
      strategyReason: prepared.plan.reason,
      startedBy: input.startedBy,
      owner,
      expiredAtStart: prepared.estimate.method === 'exact' ? prepared.estimate.expired : Math.round(prepared.estimate.expired),
      cursor,
    });
    await audit({
      actor: input.startedBy,
      action: input.kind === 'logout-all' ? 'logout-all.start' : 'cleanup.start',
      target: `${key}:${spec.schema}.${spec.table}`,
      detail: { runId, strategy: prepared.plan.strategy, expired: prepared.estimate.expired, params },
      outcome: 'ok',
    });
    const worker = executeRun({ runId, target: key, owner, driver, prepared, strategy: prepared.plan.strategy, cursor, resume: { batches: 0, totalDeleted: 0, activeSeconds: 0 }, actor: input.startedBy, onEvent: input.onEvent });
    return { runId, prepared, done: worker.done, stop: worker.stop };
  } catch (e) {
    await driver.close().catch(() => {});
    throw e;
  }
}

/** Continues a paused, interrupted, failed or cancelled run from its stored cursor, with its original cutoff. */
export async function resumeCleanupRun(input: { runId: string; target?: TargetSelection; startedBy: string; onEvent?: (e: RunEvent) => void }): Promise<StartedRun> {
  const run = await getRun(input.runId);
  if (!run) throw new AppError(`no run ${input.runId.slice(0, 64)}`, 'not-found');
  if (run.status === 'running' || run.status === 'queued') throw alreadyRunning(run.schema, run.table, run.id);
  if (!RESUMABLE_STATUSES.includes(run.status)) throw new AppError(`run ${run.id} is ${run.status}; only paused, interrupted, failed or cancelled runs can be resumed`, 'conflict');
  // Another run on the table (its unique index allows one active run) is named instead of refusing the claim blindly.
  const other = await findActiveRun(run.target, run.schema, run.table);
  if (other && other.id !== run.id) throw alreadyRunning(run.schema, run.table, other.id);
  const sel = selectionFor(run, input.target);
  const adapter = resolveTarget(sel);
  const spec = specOfRun(run, adapter);
  const driver = await lockTable(adapter, run.target, spec);
  try {
    const prepared = await prepareCleanup({ driver, spec, cutoff: new Date(run.cutoff!), params: run.params, everySession: run.kind === 'logout-all' });
    const last = await lastBatchInDoubt(run.id, driver, prepared);
    const owner = ownerId(randomBytes(4).toString('hex'));
    if (!(await claimRun(run.id, owner, RESUMABLE_STATUSES))) throw alreadyRunning(run.schema, run.table, run.id);
    if (last && !last.committed && !(await undoLastBatch(run.id, owner, last.n))) throw alreadyRunning(run.schema, run.table, run.id);
    const lastCommitted = !last || last.committed;
    const current = (await getRun(run.id))!;
    await audit({
      actor: input.startedBy,
      action: `${run.kind}.resume`,
      target: `${run.target}:${run.schema}.${run.table}`,
      detail: { runId: run.id, fromBatch: current.batchCount, ...(lastCommitted ? {} : { lastBatchNotCommitted: last!.n }) },
      outcome: 'ok',
    });
    const cursor = (await readCursor(run.id)) as CleanupCursor;
    const worker = executeRun({
      runId: run.id,
      target: run.target,
      owner,
      driver,
      prepared,
      strategy: run.strategy as PreparedCleanup['plan']['strategy'],
      cursor,
      resume: { batches: current.batchCount, totalDeleted: current.totalDeleted, activeSeconds: current.activeSeconds },
      actor: input.startedBy,
      onEvent: input.onEvent,
    });
    return { runId: run.id, prepared, done: worker.done, stop: worker.stop };
  } catch (e) {
    await driver.close().catch(() => {});
    throw e;
  }
}

/** The spec a stored run was started with, so a resume or a takeover compares exactly as its start did. */
export function specOfRun(run: RunView, adapter: TargetAdapter): ResolvedSpec {
  return {
    schema: run.schema,
    table: run.table,
    expiryColumn: run.expiryColumn!,
    expiryType: run.expiryType as ResolvedSpec['expiryType'],
    ttlSeconds: run.ttlSeconds,
    // The zone the run started with; runs stored before zones were kept read as their preset says.
    timestampZone: run.timestampZone ?? chooseZone({ target: adapter.timestampZone, preset: presetByName(run.preset ?? '')?.zone }),
    preset: run.preset,
  };
}

/**
 * The run's last stored batch, and whether the target committed it. It was
 * stored just before its COMMIT: if the process died in between, the target
 * rolled it back, and the run must not count it. null when nothing is in doubt.
 */
export async function lastBatchInDoubt(runId: string, driver: CleanupDriver, prepared: PreparedCleanup): Promise<{ n: number; committed: boolean } | null> {
  const last = await readLastBatchCheck(runId);
  if (!last) return null;
  const committed = driver.batchCommitted ? await driver.batchCommitted(prepared.table, last.check as BatchCheck, prepared.bound) : true;
  return { n: last.n, committed };
}

/** Log-everyone-out deletes every session: no TTL, and a cutoff beyond every expiry value. */
export function forKind(spec: ResolvedSpec, kind: StartInput['kind']): ResolvedSpec {
  return kind === 'logout-all' ? forLogoutAll(spec) : spec;
}

export function cutoffFor(spec: ResolvedSpec, kind: StartInput['kind']): Date {
  return kind === 'logout-all' ? logoutAllCutoff(spec.expiryType) : new Date();
}

/** A run on a configured target resumes by name; an ad-hoc --url run needs the same URL again. */
export function selectionFor(run: RunView, given?: TargetSelection): TargetSelection {
  if (!run.target.startsWith('url:')) return { target: run.target };
  if (!given?.url) throw new AppError(`run ${run.id} was started with --url; resume it with the same --url`, 'input');
  if (targetKey(given) !== run.target) throw new AppError(`--url points at a different database than run ${run.id} (${run.target})`, 'input');
  return given;
}

/** A dry run: counts, the plan and the SQL one batch would run; deletes nothing and stores nothing. */
export async function dryRunCleanup(input: Omit<StartInput, 'onEvent'>): Promise<{ prepared: PreparedCleanup; report: DryRunReport; seconds: number }> {
  const params = parseOrThrow<CleanupParams>(cleanupParamsSchema, { ...(input.params as object), dryRun: true });
  const fields = parseOrThrow(sessionSpecSchema, input.spec);
  const adapter = resolveTarget(input.target);
  const spec = forKind(await resolveSessionSpec(adapter, fields, defaultSchemaOf(input.target)), input.kind);
  const driver = adapter.cleanupDriver();
  try {
    const prepared = await prepareCleanup({ driver, spec, cutoff: cutoffFor(spec, input.kind), params, everySession: input.kind === 'logout-all' });
    const result = await runCleanup({ driver, table: prepared.table, bound: prepared.bound, strategy: prepared.plan.strategy, expiredFraction: prepared.estimate.fraction, getParams: () => params });
    return { prepared, report: result.dryRun!, seconds: result.seconds };
  } finally {
    await driver.close().catch(() => {});
  }
}
