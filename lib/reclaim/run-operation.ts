// Running a reclaim operation once execute.ts has created its row, in steps:
// the size before, the attempts (retried after lock timeouts), the size after,
// then the final row, the audit record and the result. Expected failures end
// the operation as "failed" with a message; nothing here throws.
import 'server-only';
import { isAppError, toUserMessage } from '../errors';
import { audit } from '../audit/record';
import { notifySafely } from '../alerts/enqueue';
import { notifyOperationEnded } from '../alerts/notify-run-ended';
import type { ReclaimParams } from '../schemas/reclaim';
import { finishOperation, recordOperationProgress } from '../store/operations/write-operations';
import type { AttemptOutcome, Blocker, ReclaimDriver, ReclaimTable } from './driver';
import type { ReclaimProgress } from './events';
import type { ReclaimResult, StartReclaimInput } from './execute-types';
import { OperationProgress } from './operation-progress';
import { runAttempts } from './run-attempts';
import { dialectFacts } from '../targets/dialect-facts';

export type OperationWork = {
  operationId: string;
  owner: string;
  driver: ReclaimDriver;
  facts: ReclaimTable;
  params: ReclaimParams;
  key: string;
  where: string;
  input: StartReclaimInput;
  release: () => Promise<void>;
  /** operations running in this process, so a cancel from the same process reaches this one */
  local: Map<string, AbortController>;
};

/** What the operation has come to; each step fills in its part. */
type OperationState = {
  before: number | null;
  after: number | null;
  outcome: AttemptOutcome | null;
  attempts: number;
  blockers: Blocker[];
  error: string | null;
  reason: ReclaimResult['reason'];
};

export async function runOperation(o: OperationWork): Promise<ReclaimResult> {
  const { operationId: id, input } = o;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  if (input.signal?.aborted) abort.abort();
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  o.local.set(id, abort);
  const progress = new OperationProgress({ id, owner: o.owner, abort, attemptsAllowed: o.params.retries + 1, onEvent: input.onEvent });

  const s: OperationState = { before: null, after: null, outcome: null, attempts: 0, blockers: [], error: null, reason: null };
  try {
    await attempt(o, s, progress, abort.signal);
  } catch (e) {
    // the database went away while measuring, or a bug
    s.reason = s.reason ?? 'error';
    s.error = isAppError(e) ? e.message : toUserMessage(e);
  } finally {
    progress.stop();
    input.signal?.removeEventListener('abort', onOuterAbort);
    o.local.delete(id);
    await o.driver.close().catch(() => undefined);
  }
  return finish(o, s, progress);
}

/** The size before, the attempts, and the size after (or, after a failure, the size as it still is). */
async function attempt(o: OperationWork, s: OperationState, progress: OperationProgress, signal: AbortSignal): Promise<void> {
  const { operationId: id, owner, driver, facts, params, input } = o;
  const lockTimeoutMs = params.lockTimeoutSeconds * 1000;
  s.before = await driver.totalBytes(facts, { fresh: true, lockTimeoutMs });
  if (!(await recordOperationProgress(id, owner, { beforeBytes: s.before }))) progress.owned = false;
  progress.emit({ type: 'started', operationId: id, mode: params.mode, schema: facts.schema, table: facts.table, beforeBytes: s.before });

  const r = await runAttempts({
    driver,
    table: facts,
    params,
    signal,
    pollMs: input.pollMs,
    onProgress: (p, attempt, attemptSeconds) => progress.attemptProgress(p, attempt, attemptSeconds),
    onRetry: (x) => progress.retrying(x),
  });
  const outcome = r.outcome;
  s.outcome = outcome;
  s.attempts = r.attempts;
  s.blockers = r.blockers;
  if (outcome.ok) {
    s.after = await driver.totalBytes(facts, { fresh: true, lockTimeoutMs });
    return;
  }
  s.reason = outcome.reason;
  s.error = failureMessage(outcome, s.blockers, facts);
  if (s.reason === 'lock-timeout') {
    progress.emit({ type: 'blocked', operationId: id, attempts: s.attempts, message: s.error, blockers: s.blockers });
    progress.addEvent({ type: 'blocked', attempt: s.attempts, attempts: progress.attemptsAllowed, pauseSeconds: null, message: s.error, blockers: s.blockers });
  }
  // The size now, to show the table is as it was (cached figures: no second wait for a lock).
  if (s.reason !== 'connection-lost') s.after = await driver.totalBytes(facts, { fresh: false, lockTimeoutMs }).catch(() => null);
}

/** The outcome's message; after a lock timeout, with who held the lock. */
function failureMessage(outcome: Extract<AttemptOutcome, { ok: false }>, blockers: Blocker[], facts: ReclaimTable): string {
  let error = outcome.message;
  if (outcome.reason === 'lock-timeout') {
    const pids = [...new Set([...outcome.blockedBy, ...blockers.filter((b) => b.blocksOperation !== false).map((b) => b.pid)])];
    if (pids.length) error += `; blocked by ${dialectFacts(facts.dialect).connectionId.inErrors} ${pids.join(', ')}`;
  }
  return error;
}

/** The final progress and row, the audit record, the adapter released, and the result. */
async function finish(o: OperationWork, s: OperationState, progress: OperationProgress): Promise<ReclaimResult> {
  const { operationId: id, owner, params, facts } = o;
  const { before, after, outcome, attempts, blockers, error, reason } = s;
  const last = progress.last;
  const status = outcome?.ok ? 'completed' : 'failed';
  const final: ReclaimProgress = {
    ...(last ?? { waitingForLock: false, blockedBy: [], done: null, total: null, detail: {} }),
    phase: status === 'completed' ? 'done' : 'failed',
    waitingForLock: false,
    attempt: attempts,
    attempts: progress.attemptsAllowed,
    fraction: status === 'completed' ? 1 : (last?.fraction ?? null),
    // seconds of the attempt that ran: what calibrate.ts compares with the model
    attemptSeconds: Math.round((outcome?.seconds ?? 0) * 10) / 10,
    elapsedSeconds: progress.elapsed(),
  };
  const recorded =
    progress.owned && (await finishOperation(id, owner, status, { afterBytes: after, error, blockers, progress: final, events: progress.events }).catch(() => false));
  await audit({
    actor: o.input.startedBy,
    action: `reclaim.${status}`,
    target: o.where,
    detail: {
      operationId: id,
      mode: params.mode,
      beforeBytes: before,
      afterBytes: after,
      attempts,
      seconds: progress.elapsed(),
      ...(error ? { error } : {}),
      ...(blockers.length ? { blockers: blockers.map((b) => b.pid) } : {}),
    },
    outcome: status === 'completed' ? 'ok' : 'error',
  }).catch(() => undefined);
  // Webhooks that want this end; bounded, never throws.
  if (recorded) await notifySafely(`the end of operation ${id}`, () => notifyOperationEnded(id));
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
    seconds: progress.elapsed(),
    attempts,
    reason,
    error,
    blockers,
    messages: outcome?.ok ? outcome.messages : [],
    recorded,
  };
}
