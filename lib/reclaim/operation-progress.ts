// A running reclaim operation's progress: handed to the caller as events and
// written to the store (at most every PERSIST_MS, and every HEARTBEAT_MS as
// the heartbeat), which is also how a cancel asked for from another process
// arrives. Each write learns whether this process still owns the operation.
import 'server-only';
import { readOperationControl } from '../store/operations/read-operations';
import { recordOperationProgress } from '../store/operations/write-operations';
import type { AttemptProgress, Blocker } from './driver';
import type { ReclaimEvent, ReclaimProgress } from './events';
import type { OperationEvent } from './operation-view';

const HEARTBEAT_MS = 5_000;
/** Progress reaches the store at most this often (the page polls or streams from there). */
const PERSIST_MS = 1_000;

export type RetryNotice = { attempt: number; pauseSeconds: number; message: string; blockers: Blocker[] };

export class OperationProgress {
  /** false once a store write found the operation taken away (marked interrupted by another process) */
  owned = true;
  /** the latest progress, kept for the store and the final row */
  last: ReclaimProgress | null = null;
  /** retries and give-ups, stored with the operation */
  readonly events: OperationEvent[] = [];
  readonly attemptsAllowed: number;
  private readonly started = performance.now();
  private lastPersist = 0;
  private readonly beat: ReturnType<typeof setInterval>;

  constructor(
    private readonly o: {
      id: string;
      owner: string;
      /** aborted when the store says cancel */
      abort: AbortController;
      attemptsAllowed: number;
      onEvent?: (e: ReclaimEvent) => void;
    },
  ) {
    this.attemptsAllowed = o.attemptsAllowed;
    this.beat = setInterval(() => this.persist(true), HEARTBEAT_MS);
    this.beat.unref?.();
  }

  /** Seconds since the operation started, to a tenth. */
  elapsed(): number {
    return Math.round((performance.now() - this.started) / 100) / 10;
  }

  emit(e: ReclaimEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      // a failing listener must not break the operation
    }
  }

  addEvent(e: Omit<OperationEvent, 'n' | 'at'>): void {
    this.events.push({ n: this.events.length + 1, at: new Date().toISOString(), ...e });
  }

  /** What the server reports while an attempt runs. */
  attemptProgress(p: AttemptProgress, attempt: number, attemptSeconds: number): void {
    const fraction = p.done !== null && p.total !== null && p.total > 0 ? Math.min(1, p.done / p.total) : null;
    this.last = { ...p, attempt, attempts: this.attemptsAllowed, fraction, attemptSeconds: Math.round(attemptSeconds * 10) / 10, elapsedSeconds: this.elapsed() };
    this.emit({ type: 'progress', operationId: this.o.id, ...this.last });
    this.persist(false);
  }

  /** An attempt gave up on its lock; the next one starts after a pause. */
  retrying(x: RetryNotice): void {
    const attempts = this.attemptsAllowed;
    this.last = {
      phase: 'waiting to retry',
      waitingForLock: false,
      blockedBy: x.blockers.filter((b) => b.blocksOperation !== false).map((b) => b.pid),
      done: null,
      total: null,
      detail: { pauseSeconds: x.pauseSeconds },
      attempt: x.attempt,
      attempts,
      fraction: null,
      attemptSeconds: 0,
      elapsedSeconds: this.elapsed(),
    };
    this.emit({ type: 'retry', operationId: this.o.id, attempt: x.attempt, attempts, pauseSeconds: x.pauseSeconds, message: x.message, blockers: x.blockers });
    this.addEvent({ type: 'retry', attempt: x.attempt, attempts, pauseSeconds: x.pauseSeconds, message: x.message, blockers: x.blockers });
    this.persist(true, true);
  }

  /** Writes progress (and events) without waiting; skipped when the last write was under PERSIST_MS ago, unless forced. */
  persist(force: boolean, withEvents = false): void {
    const { id, owner, abort } = this.o;
    const now = Date.now();
    if (!force && now - this.lastPersist < PERSIST_MS) return;
    this.lastPersist = now;
    recordOperationProgress(id, owner, { progress: this.last ?? undefined, ...(withEvents ? { events: this.events } : {}) })
      // A cancel asked for from another process (the web app, another instance) arrives through the store.
      .then(async (ok) => {
        if (!ok) this.owned = false;
        else if (!abort.signal.aborted && (await readOperationControl(id)) === 'cancel') abort.abort();
      })
      .catch(() => undefined);
  }

  /** Stops the heartbeat. */
  stop(): void {
    clearInterval(this.beat);
  }
}
