// Retrying transient database errors for the cleanup loop (engine.ts):
// exponential backoff until retryForSeconds have passed since the first
// failure, then one error that says what failed, how often and why. What a
// failure means for the run (a lost connection, a smaller batch after a
// timeout, a "retrying" throttle event) the loop decides through the host.
import { AppError, isAppError } from '../errors';
import { isTransientDbError } from '../targets/describe-error';

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** Worth retrying: the error itself, or the driver error behind a one-line AppError (a deadlock keeps its code there). */
export function transient(e: unknown): boolean {
  return isTransientDbError(e) || (isAppError(e) && e.cause !== undefined && isTransientDbError(e.cause));
}

export type RetryHost = {
  now(): number;
  /** re-read after every failure: the operator may change it mid-run */
  retryForMs(): number;
  /** the connection to the target was lost (not a deadlock or a timeout) */
  connectionLost(at: number): void;
  /** a lock or statement timeout: the next attempt should do less */
  timedOut(): void;
  warn(message: string): void;
  /** about to back off: report it; `failingMs` since the first failure */
  backingOff(reason: string, failingMs: number): Promise<void>;
  /** waits about `targetMs()`, noticing stop requests and the runtime limit */
  wait(targetMs: () => number): Promise<void>;
};

/**
 * Runs `fn`, retrying transient database errors (connection lost, deadlock,
 * lock or statement timeout) with exponential backoff until retryForSeconds
 * have passed since the first failure; then the run fails with the reason.
 */
export async function retryTransient<T>(host: RetryHost, what: string, fn: () => Promise<T>): Promise<T> {
  let firstFailure: number | null = null;
  let delay = BACKOFF_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!transient(e)) throw e;
      const now = host.now();
      firstFailure ??= now;
      if (!isAppError(e) || e.kind === 'unreachable') host.connectionLost(now);
      const message = isAppError(e) ? e.message : String((e as Error)?.message ?? e);
      if (now - firstFailure + delay > host.retryForMs()) {
        const secs = Math.round((now - firstFailure) / 1000);
        throw new AppError(`${what} failed ${attempt} time${attempt > 1 ? 's' : ''}${secs > 0 ? ` over ${secs} s` : ''}; last error: ${message}`, isAppError(e) ? e.kind : 'internal');
      }
      if (isAppError(e) && e.kind === 'timeout') host.timedOut();
      host.warn(`${what} failed (${message}); retry ${attempt} in ${delay / 1000} s`);
      await host.backingOff(`${message}; retrying in ${delay / 1000} s`, now - firstFailure);
      await host.wait(() => delay);
      delay = Math.min(delay * 2, BACKOFF_MAX_MS);
    }
  }
}
