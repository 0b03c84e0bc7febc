// Where the cleanup loop (engine.ts) may stop early: a stop request (the
// caller's shouldStop or abort signal) or the runtime limit, checked between
// batches and every SLICE_MS while it sleeps, so neither waits for a long
// pause or backoff to end.
import type { CleanupParams } from '../schemas/cleanup-params';
import type { Clock, RunCleanupOptions } from './engine-types';

/** Longest single sleep: stop requests and knob changes are noticed within this. */
const SLICE_MS = 250;

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown inside the loop to unwind from a wait; never escapes runCleanup. */
export class Halt {
  constructor(
    readonly endedBy: 'stopped' | 'max-runtime' | 'window-end',
    readonly reason: string | null,
  ) {}
}

export class StopChecks {
  constructor(
    private readonly o: Pick<RunCleanupOptions, 'signal' | 'shouldStop' | 'getParams'>,
    private readonly t: { clock: Clock; sleep: (ms: number) => Promise<void>; started: number; priorActiveMs: number },
  ) {}

  /** Throws Halt when the caller asks to stop. */
  async checkStop(): Promise<void> {
    if (this.o.signal?.aborted) throw new Halt('stopped', String(this.o.signal.reason ?? 'signal'));
    const reason = await this.o.shouldStop?.();
    if (reason) throw new Halt('stopped', reason);
  }

  /** Run time including the invocations before a resume. */
  activeMs(): number {
    return this.t.priorActiveMs + this.t.clock.now() - this.t.started;
  }

  /** Throws Halt once maxRuntimeSeconds is used up, or the schedule's window (stopAt, wall-clock) has ended. */
  checkRuntime(params: CleanupParams): void {
    if (params.maxRuntimeSeconds !== null && this.activeMs() >= params.maxRuntimeSeconds * 1000) {
      throw new Halt('max-runtime', null);
    }
    if (params.stopAt && this.t.clock.now() >= Date.parse(params.stopAt)) throw new Halt('window-end', null);
  }

  /** Waits about `targetMs()` (re-read as it goes), noticing stop requests and the runtime limit. */
  async wait(targetMs: () => number): Promise<void> {
    const from = this.t.clock.now();
    for (;;) {
      const left = targetMs() - (this.t.clock.now() - from);
      if (left <= 0) return;
      await this.t.sleep(Math.min(SLICE_MS, left));
      await this.checkStop();
      this.checkRuntime(this.o.getParams());
    }
  }
}
