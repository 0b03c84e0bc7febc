// Figures the run page derives from the run and its recent batches.
// Progress, rate and ETA are computed in lib/cleanup/progress.ts, the same
// way the CLI computes them.
export { deleteRate, etaSeconds, formatRate, progressRatio, remainingRows } from '@/lib/cleanup/progress';

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
