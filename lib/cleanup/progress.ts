// A cleanup run's progress, rate and ETA, computed one way for the run page
// (components/runs/run-metrics.ts) and the CLI (cli/cleanup-progress.ts), so
// both show the same figures for the same run. Plain functions of plain data:
// the page imports them into the browser.

/** The rate is measured over this much of the most recent batches, so a knob change shows within seconds. */
export const RATE_WINDOW_MS = 30_000;

export type RunProgress = {
  status: string;
  totalDeleted: number;
  /** the expired count taken when the run started (across resumes) */
  expiredAtStart: number | null;
  /** seconds the run has been working, sleeps included, pauses not */
  activeSeconds: number;
};

/** A batch and when it was stored (ISO text from the store, or ms since the epoch). */
export type TimedBatch = { at: string | number; deleted: number };

const ms = (at: string | number) => (typeof at === 'number' ? at : Date.parse(at));

/** Rows per second: the batches of the last RATE_WINDOW_MS while running, the whole run's average otherwise. */
export function deleteRate(run: RunProgress, batches: readonly TimedBatch[]): number | null {
  if (run.status === 'running' && batches.length >= 2) {
    const lastAt = ms(batches.at(-1)!.at);
    const recent = batches.filter((b) => lastAt - ms(b.at) <= RATE_WINDOW_MS);
    if (recent.length >= 2) {
      const span = (lastAt - ms(recent[0]!.at)) / 1000;
      // Rows of the batches after the first one in the window, over the time they took (sleeps included).
      const rows = recent.slice(1).reduce((n, b) => n + b.deleted, 0);
      if (span > 0) return rows / span;
    }
  }
  return run.activeSeconds > 0 ? run.totalDeleted / run.activeSeconds : null;
}

/** Expired rows not yet deleted, from the count taken when the run started. */
export function remainingRows(run: RunProgress): number | null {
  if (run.expiredAtStart === null) return null;
  return Math.max(0, run.expiredAtStart - run.totalDeleted);
}

/** 0..1, or null when the expired count is unknown. */
export function progressRatio(run: RunProgress): number | null {
  if (run.status === 'completed' && (run.expiredAtStart ?? 0) <= run.totalDeleted) return 1;
  if (!run.expiredAtStart) return run.status === 'completed' ? 1 : null;
  return Math.min(1, run.totalDeleted / run.expiredAtStart);
}

export function etaSeconds(run: RunProgress, rate: number | null): number | null {
  const left = remainingRows(run);
  if (run.status !== 'running' || left === null || !rate || rate <= 0) return null;
  return left / rate;
}

export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  if (rate >= 10_000) return `${Math.round(rate / 1000).toLocaleString('en-US')}k rows/s`;
  return `${Math.round(rate).toLocaleString('en-US')} rows/s`;
}

/** Adds a batch to a live window of recent batches (a process watching its own run), dropping what the rate no longer reads. */
export function keepRecent(window: readonly TimedBatch[], b: TimedBatch): TimedBatch[] {
  const lastAt = ms(b.at);
  return [...window, b].filter((x) => lastAt - ms(x.at) <= RATE_WINDOW_MS);
}
