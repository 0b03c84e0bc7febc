// The attempt loop: run the operation with its lock timeout; when the lock
// cannot be had, note who was in the way, pause and try again, a few times;
// then give up with the blockers. Any other failure ends it at once. It
// touches the database only through the driver and time only through the
// injected sleep, so unit tests drive it with fakes.
import type { ReclaimParams } from '../schemas/reclaim';
import type { AttemptOutcome, AttemptProgress, Blocker, ReclaimDriver, ReclaimTable } from './driver';

export type AttemptsResult = {
  outcome: AttemptOutcome;
  attempts: number;
  /** who kept the last attempt from its lock (lock-timeout only) */
  blockers: Blocker[];
};

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export const abortableSleep: SleepFn = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function runAttempts(o: {
  driver: ReclaimDriver;
  table: ReclaimTable;
  params: ReclaimParams;
  onProgress?: (p: AttemptProgress, attempt: number, attemptSeconds: number) => void;
  onRetry?: (r: { attempt: number; pauseSeconds: number; message: string; blockers: Blocker[] }) => void | Promise<void>;
  signal?: AbortSignal;
  sleep?: SleepFn;
  pollMs?: number;
  now?: () => number;
}): Promise<AttemptsResult> {
  const { driver, table, params } = o;
  const sleep = o.sleep ?? abortableSleep;
  const now = o.now ?? (() => performance.now());
  const total = params.retries + 1;
  for (let attempt = 1; ; attempt++) {
    const t0 = now();
    const outcome = await driver.attempt({
      table,
      mode: params.mode,
      lockTimeoutMs: params.lockTimeoutSeconds * 1000,
      statementTimeoutMs: params.statementTimeoutSeconds * 1000,
      onProgress: (p) => o.onProgress?.(p, attempt, (now() - t0) / 1000),
      pollMs: o.pollMs,
      signal: o.signal,
    });
    if (outcome.ok || outcome.reason !== 'lock-timeout') return { outcome, attempts: attempt, blockers: [] };
    // Anyone who kept us waiting the whole lock timeout has been in a transaction at least that long.
    const blockers = await driver
      .blockers(table, { mode: params.mode, longerThanSeconds: Math.floor(params.lockTimeoutSeconds), pids: outcome.blockedBy })
      .catch(() => [] as Blocker[]);
    if (attempt >= total || o.signal?.aborted) return { outcome, attempts: attempt, blockers };
    await o.onRetry?.({ attempt, pauseSeconds: params.retryPauseSeconds, message: outcome.message, blockers });
    await sleep(params.retryPauseSeconds * 1000, o.signal);
    if (o.signal?.aborted) {
      return {
        outcome: { ok: false, reason: 'cancelled', message: 'cancelled while waiting to retry; nothing was changed', seconds: 0, blockedBy: [] },
        attempts: attempt,
        blockers,
      };
    }
  }
}
