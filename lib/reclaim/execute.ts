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
// "failed" with a message and are returned, not thrown (run-operation.ts).
import 'server-only';
import { randomBytes } from 'node:crypto';
import { AppError, isAppError } from '../errors';
import { audit } from '../audit/record';
import { reclaimParamsSchema, reclaimTableSchema, type ReclaimParams } from '../schemas/reclaim';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import { findActiveRun } from '../store/runs/read-runs';
import { ownerId } from '../store/work/ownership';
import type { ReclaimResult, StartReclaimInput, StartedReclaim } from './execute-types';
import { assertModeFits } from './modes';
import { calibration } from './calibrate';
import { planReclaim } from './plan';
import { parseOrThrow } from './preflight';
import { runOperation } from './run-operation';
import { findActiveOperation } from '../store/operations/read-operations';
import { createOperation, operationConflict, planClaimedOperation } from '../store/operations/write-operations';

export type { ReclaimResult, StartReclaimInput, StartedReclaim } from './execute-types';

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

/**
 * Checks, locks and starts an operation; returns once its row exists.
 * Refusals throw AppError. `queued`: a queued operation a worker has claimed
 * (queue-reclaim.ts); its row exists already and is its own.
 */
export async function startReclaim(input: StartReclaimInput, queued?: { operationId: string; owner: string }): Promise<StartedReclaim> {
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
    if (active && active.id !== queued?.operationId) throw operationConflict(schema, table, active.id);
    const lock = await driver.tryLock({ schema, table });
    if (!lock.acquired) {
      throw new AppError(`a cleanup or reclaim of ${schema}.${table} is running elsewhere${lock.holder ? ` (table lock held by ${lock.holder})` : ''}`, 'conflict');
    }
    const cal = await calibration(driver, key, params.mode).catch(() => ({ factor: 1, samples: 0 }));
    const plan = planReclaim(driver, facts, params.mode, cal);
    const owner = queued?.owner ?? ownerId(randomBytes(4).toString('hex'));
    const stored = { ...params, dialect: adapter.dialect, estimatedSeconds: plan.estimatedSeconds, expectedAfterBytes: plan.expectedAfterBytes, lockMode: plan.lock.mode };
    const operationId = queued
      ? (await planClaimedOperation(queued.operationId, owner, stored), queued.operationId)
      : await createOperation({ target: key, schema, table, mode: params.mode, params: stored, startedBy: input.startedBy, owner });
    await audit({
      actor: input.startedBy,
      action: 'reclaim.start',
      target: where,
      detail: { operationId, mode: params.mode, params, totalBytes: facts.totalBytes, expectedBackBytes: plan.expectedBackBytes, lock: plan.lock.mode },
      outcome: 'ok',
    });
    const done = runOperation({ operationId, owner, driver, facts, params, key, where, input, release, local: localOperations });
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
