// Figures the run page derives from the run and its recent batches.
import type { BatchView, RunView } from '@/lib/store/runs/run-view';

/** The rate is measured over this much of the most recent batches, so a knob change shows within seconds. */
const RATE_WINDOW_MS = 30_000;

/** Rows per second: recent batches while running, the whole run's average otherwise. */
export function deleteRate(run: RunView, batches: BatchView[]): number | null {
  if (run.status === 'running' && batches.length >= 2) {
    const lastAt = Date.parse(batches.at(-1)!.at);
    const recent = batches.filter((b) => lastAt - Date.parse(b.at) <= RATE_WINDOW_MS);
    if (recent.length >= 2) {
      const span = (lastAt - Date.parse(recent[0]!.at)) / 1000;
      // Rows of the batches after the first one in the window, over the time they took (sleeps included).
      const rows = recent.slice(1).reduce((n, b) => n + b.deleted, 0);
      if (span > 0) return rows / span;
    }
  }
  return run.activeSeconds > 0 ? run.totalDeleted / run.activeSeconds : null;
}

/** Expired rows not yet deleted, from the count taken when the run started. */
export function remainingRows(run: RunView): number | null {
  if (run.expiredAtStart === null) return null;
  return Math.max(0, run.expiredAtStart - run.totalDeleted);
}

/** 0..1, or null when the expired count is unknown. */
export function progressRatio(run: RunView): number | null {
  if (run.status === 'completed' && (run.expiredAtStart ?? 0) <= run.totalDeleted) return 1;
  if (!run.expiredAtStart) return run.status === 'completed' ? 1 : null;
  return Math.min(1, run.totalDeleted / run.expiredAtStart);
}

export function etaSeconds(run: RunView, rate: number | null): number | null {
  const left = remainingRows(run);
  if (run.status !== 'running' || left === null || !rate || rate <= 0) return null;
  return left / rate;
}

export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  if (rate >= 10_000) return `${Math.round(rate / 1000).toLocaleString('en-US')}k rows/s`;
  return `${Math.round(rate).toLocaleString('en-US')} rows/s`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
