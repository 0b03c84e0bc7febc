// Starting and running a reclaim (VACUUM FULL / VACUUM / ANALYZE / OPTIMIZE
// TABLE): the one entry point the web runner and the CLI share.
//
// Order matters. The table is checked first (a clear not-found), then the
// store (no reclaim while a cleanup run is active or paused on the table, or
// while another operation runs), then the per-table maintenance lock on the
// target itself (the same advisory lock / GET_LOCK cleanup runs take, so two
// processes never work on one table, whichever store they use), and only
// then is the Operation row created. Expected failures after that point (lock
// timeout, statement timeout, lost connection, cancel) end the operation as
// "failed" with a message and are returned, not thrown.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { AppError, isAppError, toUserMessage } from '../errors';
import { audit } from '../audit/record';
import { reclaimParamsSchema, reclaimTableSchema, type ReclaimMode, type ReclaimParams, type ReclaimParamsInput } from '../schemas/reclaim';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import { dialectFacts } from '../targets/dialect-facts';
import { findActiveRun } from '../store/runs/read-runs';
import { ownerId } from '../store/work/ownership';
import type { AttemptOutcome, Blocker, ReclaimDriver, ReclaimTable } from './driver';
import type { ReclaimEvent, ReclaimProgress } from './events';
import { assertModeFits } from './modes';
import { calibration } from './calibrate';
import { planReclaim, type ReclaimPlan } from './plan';
import { parseOrThrow, type TargetSelection } from './preflight';
import { runAttempts } from './run-attempts';
import { findActiveOperation, readOperationControl } from '../store/operations/read-operations';
import type { OperationEvent } from './operation-view';
import { createOperation, finishOperation, operationConflict, recordOperationProgress } from '../store/operations/write-operations';

const HEARTBEAT_MS = 5_000;
/** Progress reaches the store at most this often (the page polls or streams from there). */
const PERSIST_MS = 1_000;

export type ReclaimResult = {
  operationId: string;
  status: 'completed' | 'failed';
  target: string;
  schema: string;
  table: string;
  mode: ReclaimMode;
  /** total size before and after (pg_total_relation_size / DATA_LENGTH + INDEX_LENGTH); null when it could not be measured */
  beforeBytes: number | null;
  afterBytes: number | null;
  /** wall time of the whole operation, seconds, including lock waits and retry pauses */
  seconds: number;
  attempts: number;
  /** why it failed; null when completed */
  reason: Extract<AttemptOutcome, { ok: false }>['reason'] | null;
  error: string | null;
  /** who kept it from its lock when it gave up for that reason */
  blockers: Blocker[];
  /** server notes, e.g. OPTIMIZE TABLE's "doing recreate + analyze instead" */
  messages: string[];
  /** false when the store row was taken away meanwhile (marked interrupted by another process) */
  recorded: boolean;
};

export type StartReclaimInput = {
  target: TargetSelection;
  /** default: public on PostgreSQL, the URL's database on MySQL */
  schema?: string;
  table: string;
  /** validated here (reclaimParamsSchema): form fields and flags arrive as typed */
  params: ReclaimParamsInput | Record<string, unknown>;
  /** username, or "cli" */
  startedBy: string;
  onEvent?: (e: ReclaimEvent) => void;
  /** aborting cancels the running statement on the server */
  signal?: AbortSignal;
  /** how often progress is read from the server (default 500 ms) */
  pollMs?: number;
};

export type StartedReclaim = {
  operationId: string;
  facts: ReclaimTable;
  plan: ReclaimPlan;
  /** settles when the operation ends; never rejects */
  done: Promise<ReclaimResult>;
};

/** Operations running in this process, so a cancel from the same process (the web app) reaches them. */
const g = globalThis as unknown as { __janitorReclaims?: Map<string, AbortController> };
const localOperations = (g.__janitorReclaims ??= new Map());

/** Cancels an operation running in this process; false when none runs here under that id. */
export function cancelReclaim(operationId: string): boolean {
  const c = localOperations.get(operationId);
  if (!c) return false;
  c.abort();
  return true;
}

/** Checks, locks and starts an operation; returns once its row exists. Refusals throw AppError. */
export async function startReclaim(input: StartReclaimInput): Promise<StartedReclaim> {
  const params = parseOrThrow<ReclaimParams>(reclaimParamsSchema, input.params);
  const adapter = resolveTarget(input.target);
  assertModeFits(adapter.dialect, params.mode);
  const ref = parseOrThrow(reclaimTableSchema, { schema: input.schema ?? defaultSchemaOf(input.target), table: input.table });
  const schema = ref.schema!;
  const table = ref.table;
  const key = targetKey(input.target);
  const where = `${key}:${schema}.${table}`;
  // An ad-hoc --url adapter belongs to this call; a configured target's is shared and stays open.
  const release = async () => {
    if (input.target.url) await adapter.close().catch(() => undefined);
  };
  const driver = adapter.reclaimDriver();
  let handedOff = false;
  try {
    const facts = await driver.inspect({ schema, table });
    const run = await findActiveRun(key, schema, table);
    if (run) {
      throw new AppError(`a cleanup run (${run.id}) is ${run.status} on ${schema}.${table}; reclaim the disk after it ends`, 'conflict', { runId: run.id });
    }
    const active = await findActiveOperation(key, schema, table);
    if (active) throw operationConflict(schema, table, active.id);
    const lock = await driver.tryLock({ schema, table });
    if (!lock.acquired) {
      throw new AppError(`a cleanup or reclaim of ${schema}.${table} is running elsewhere${lock.holder ? ` (table lock held by ${lock.holder})` : ''}`, 'conflict');
    }
    const cal = await calibration(driver, key, params.mode).catch(() => ({ factor: 1, samples: 0 }));
    const plan = planReclaim(driver, facts, params.mode, cal);
    const owner = ownerId(randomBytes(4).toString('hex'));
    const operationId = await createOperation({
      target: key,
      schema,
      table,
      mode: params.mode,
      params: { ...params, dialect: adapter.dialect, estimatedSeconds: plan.estimatedSeconds, expectedAfterBytes: plan.expectedAfterBytes, lockMode: plan.lock.mode },
      startedBy: input.startedBy,
      owner,
    });
    await audit({
      actor: input.startedBy,
      action: 'reclaim.start',
      target: where,
      detail: { operationId, mode: params.mode, params, totalBytes: facts.totalBytes, expectedBackBytes: plan.expectedBackBytes, lock: plan.lock.mode },
      outcome: 'ok',
    });
    const done = work({ operationId, owner, driver, facts, params, key, where, input, release });
    handedOff = true;
    return { operationId, facts, plan, done };
  } catch (e) {
    if (isAppError(e) && e.kind === 'conflict') {
      await audit({ actor: input.startedBy, action: 'reclaim.start', target: where, detail: { mode: params.mode, error: e.message }, outcome: 'denied' }).catch(() => undefined);
    }
    throw e;
  } finally {
    if (!handedOff) {
      await driver.close().catch(() => undefined);
      await release();
    }
  }
}

/** startReclaim and wait for the end: the CLI's way. */
export async function executeReclaim(input: StartReclaimInput): Promise<ReclaimResult> {
  return (await startReclaim(input)).done;
}

async function work(o: {
  operationId: string;
  owner: string;
  driver: ReclaimDriver;
  facts: ReclaimTable;
  params: ReclaimParams;
  key: string;
  where: string;
  input: StartReclaimInput;
  release: () => Promise<void>;
}): Promise<ReclaimResult> {
  const { operationId: id, owner, driver, facts, params, input } = o;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) / 100) / 10;
  const lockTimeoutMs = params.lockTimeoutSeconds * 1000;
  const attemptsAllowed = params.retries + 1;
  const emit = (e: ReclaimEvent) => {
    try {
      input.onEvent?.(e);
    } catch {
      // a failing listener must not break the operation
    }
  };

  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  if (input.signal?.aborted) abort.abort();
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  localOperations.set(id, abort);

  let owned = true;
  let last: ReclaimProgress | null = null;
  let lastPersist = 0;
  const events: OperationEvent[] = [];
  const addEvent = (e: Omit<OperationEvent, 'n' | 'at'>) => events.push({ n: events.length + 1, at: new Date().toISOString(), ...e });
  const persist = (force: boolean, withEvents = false) => {
    const now = Date.now();
    if (!force && now - lastPersist < PERSIST_MS) return;
    lastPersist = now;
    recordOperationProgress(id, owner, { progress: last ?? undefined, ...(withEvents ? { events } : {}) })
      // A cancel asked for from another process (the web app, another instance) arrives through the store.
      .then(async (ok) => {
        if (!ok) owned = false;
        else if (!abort.signal.aborted && (await readOperationControl(id)) === 'cancel') abort.abort();
      })
      .catch(() => undefined);
  };
  const beat = setInterval(() => persist(true), HEARTBEAT_MS);
  beat.unref?.();

  let before: number | null = null;
  let after: number | null = null;
  let outcome: AttemptOutcome | null = null;
  let attempts = 0;
  let blockers: Blocker[] = [];
  let error: string | null = null;
  let reason: ReclaimResult['reason'] = null;
  try {
    before = await driver.totalBytes(facts, { fresh: true, lockTimeoutMs });
    if (!(await recordOperationProgress(id, owner, { beforeBytes: before }))) owned = false;
    emit({ type: 'started', operationId: id, mode: params.mode, schema: facts.schema, table: facts.table, beforeBytes: before });

    const r = await runAttempts({
      driver,
      table: facts,
      params,
      signal: abort.signal,
      pollMs: input.pollMs,
      onProgress: (p, attempt, attemptSeconds) => {
        const fraction = p.done !== null && p.total !== null && p.total > 0 ? Math.min(1, p.done / p.total) : null;
        last = { ...p, attempt, attempts: attemptsAllowed, fraction, attemptSeconds: Math.round(attemptSeconds * 10) / 10, elapsedSeconds: elapsed() };
        emit({ type: 'progress', operationId: id, ...last });
        persist(false);
      },
      onRetry: (x) => {
        last = {
          phase: 'waiting to retry',
          waitingForLock: false,
          blockedBy: x.blockers.filter((b) => b.blocksOperation !== false).map((b) => b.pid),
          done: null,
          total: null,
          detail: { pauseSeconds: x.pauseSeconds },
          attempt: x.attempt,
          attempts: attemptsAllowed,
          fraction: null,
          attemptSeconds: 0,
          elapsedSeconds: elapsed(),
        };
        emit({ type: 'retry', operationId: id, attempt: x.attempt, attempts: attemptsAllowed, pauseSeconds: x.pauseSeconds, message: x.message, blockers: x.blockers });
        addEvent({ type: 'retry', attempt: x.attempt, attempts: attemptsAllowed, pauseSeconds: x.pauseSeconds, message: x.message, blockers: x.blockers });
        persist(true, true);
      },
    });
    outcome = r.outcome;
    attempts = r.attempts;
    blockers = r.blockers;
    if (outcome.ok) {
      after = await driver.totalBytes(facts, { fresh: true, lockTimeoutMs });
    } else {
      reason = outcome.reason;
      error = outcome.message;
      if (reason === 'lock-timeout') {
        const pids = [...new Set([...outcome.blockedBy, ...blockers.filter((b) => b.blocksOperation !== false).map((b) => b.pid)])];
        if (pids.length) error += `; blocked by ${dialectFacts(facts.dialect).connectionId.inErrors} ${pids.join(', ')}`;
        emit({ type: 'blocked', operationId: id, attempts, message: error, blockers });
        addEvent({ type: 'blocked', attempt: attempts, attempts: attemptsAllowed, pauseSeconds: null, message: error, blockers });
      }
      // The size now, to show the table is as it was (cached figures: no second wait for a lock).
      if (reason !== 'connection-lost') after = await driver.totalBytes(facts, { fresh: false, lockTimeoutMs }).catch(() => null);
    }
  } catch (e) {
    // the database went away while measuring, or a bug
    reason = reason ?? 'error';
    error = isAppError(e) ? e.message : toUserMessage(e);
  } finally {
    clearInterval(beat);
    input.signal?.removeEventListener('abort', onOuterAbort);
    localOperations.delete(id);
    await driver.close().catch(() => undefined);
  }

  const status = outcome?.ok ? 'completed' : 'failed';
  const final: ReclaimProgress = {
    ...(last ?? { waitingForLock: false, blockedBy: [], done: null, total: null, detail: {} }),
    phase: status === 'completed' ? 'done' : 'failed',
    waitingForLock: false,
    attempt: attempts,
    attempts: attemptsAllowed,
    fraction: status === 'completed' ? 1 : ((last as ReclaimProgress | null)?.fraction ?? null),
    // seconds of the attempt that ran: what calibrate.ts compares with the model
    attemptSeconds: Math.round((outcome?.seconds ?? 0) * 10) / 10,
    elapsedSeconds: elapsed(),
  };
  const recorded = owned && (await finishOperation(id, owner, status, { afterBytes: after, error, blockers, progress: final, events }).catch(() => false));
  await audit({
    actor: input.startedBy,
    action: `reclaim.${status}`,
    target: o.where,
    detail: {
      operationId: id,
      mode: params.mode,
      beforeBytes: before,
      afterBytes: after,
      attempts,
      seconds: elapsed(),
      ...(error ? { error } : {}),
      ...(blockers.length ? { blockers: blockers.map((b) => b.pid) } : {}),
    },
    outcome: status === 'completed' ? 'ok' : 'error',
  }).catch(() => undefined);
  await o.release();

  return {
    operationId: id,
    status,
    target: o.key,
    schema: facts.schema,
    table: facts.table,
    mode: params.mode,
    beforeBytes: before,
    afterBytes: after,
    seconds: elapsed(),
    attempts,
    reason,
    error,
    blockers,
    messages: outcome?.ok ? outcome.messages : [],
    recorded,
  };
}
