// The sampling timer, started by each long-lived Janitor process (`janitor
// serve`, `janitor worker`). At the start of every interval it samples each
// configured target (sample-target.ts); the slot claimed in the store makes
// one process do each target's sample. Once a day (again one process, by a
// slot) it rolls old samples up (downsample.ts).
import 'server-only';
import { randomBytes } from 'node:crypto';
import { env } from '../env';
import { redact } from '../redact';
import { listTargets } from '../targets/registry';
import { ownerId } from '../store/work/ownership';
import { sampleTarget, type SampleOutcome } from './sample-target';
import { bucketStart, claimSlot, finishSlot } from './slot';
import { downsample } from './downsample';

/** Slot "target" of the daily rollup; target names are [a-z0-9_-], so it cannot collide. */
const ROLLUP_SLOT = '*rollup';
const DAY_MS = 86_400_000;

export type HistorySamplingOptions = {
  /** default: JANITOR_HISTORY_INTERVAL_MINUTES */
  intervalMs?: number;
  /** default: every configured target, read at each tick */
  targets?: () => string[];
  /** told after each target's sample (tests, logs) */
  onSample?: (e: { target: string; outcome: SampleOutcome; at: Date }) => void;
  log?: (line: string) => void;
};

/** Starts the timer; the returned function stops it and waits for a tick in progress. */
export function startHistorySampling(opts: HistorySamplingOptions = {}): () => Promise<void> {
  const intervalMs = opts.intervalMs ?? env().JANITOR_HISTORY_INTERVAL_MINUTES * 60_000;
  const targets = opts.targets ?? (() => listTargets().map((t) => t.name));
  const log = opts.log ?? ((line: string) => console.error(line));
  const owner = ownerId(`history-${randomBytes(4).toString('hex')}`);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const now = new Date();
    // Targets are sampled one after another: a sample is one catalog query,
    // and a store (SQLite) takes one writer at a time anyway.
    for (const target of targets()) {
      if (stopped) return;
      try {
        const outcome = await sampleTarget({ target, intervalMs, owner, now: new Date() });
        opts.onSample?.({ target, outcome, at: now });
      } catch (e) {
        log(`janitor: size history of "${target}" failed: ${redact(String((e as Error)?.message ?? e))}`);
      }
    }
    if (stopped) return;
    try {
      const day = bucketStart(now, DAY_MS);
      if (await claimSlot({ target: ROLLUP_SLOT, bucketStart: day, source: 'schedule', owner })) {
        await downsample({ now });
        await finishSlot({ target: ROLLUP_SLOT, bucketStart: day, up: true });
      }
    } catch (e) {
      log(`janitor: size history rollup failed: ${redact(String((e as Error)?.message ?? e))}`);
    }
  };

  const schedule = () => {
    if (stopped) return;
    // The next interval's start, plus a little jitter so processes started
    // together do not all hit the store at the same millisecond.
    const next = bucketStart(new Date(), intervalMs).getTime() + intervalMs;
    const jitter = Math.random() * Math.min(intervalMs * 0.05, 5_000);
    timer = setTimeout(run, Math.max(0, next - Date.now()) + jitter);
    timer.unref?.();
  };
  const run = () => {
    running = tick().finally(schedule);
  };

  // The current interval at once (its slot may be taken already, then this is a no-op).
  run();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running.catch(() => {});
  };
}
