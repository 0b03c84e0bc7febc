// The run page and `janitor cleanup` show one run's rate and ETA. They used to
// compute them two ways (the page over the last 30 s, the CLI over the whole
// run) and disagreed as soon as the knobs changed mid-run.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressPrinter } from '@/cli/cleanup-progress';
import { deleteRate, etaSeconds, formatRate } from '@/components/runs/run-metrics';
import { formatDuration } from '@/lib/format';
import type { RunEvent } from '@/lib/cleanup/execute-run';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('progress of a running cleanup', () => {
  it('the CLI prints the rate and ETA the run page shows for the same batches, also after the batch size changes mid-run', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    vi.setSystemTime(t0);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const expiredAtStart = 200_000;
    const printer = progressPrinter(false, () => expiredAtStart);
    printer.reset();

    const stored: { at: string; deleted: number }[] = [];
    let total = 0;
    for (let n = 1; n <= 40; n++) {
      const at = t0 + n * 2_000;
      vi.setSystemTime(at);
      // An operator raises the batch size after batch 20.
      const deleted = n <= 20 ? 1_000 : 5_000;
      total += deleted;
      stored.push({ at: new Date(at).toISOString(), deleted });
      printer.onEvent({ type: 'batch', n, deleted, totalDeleted: total, ms: 40, walked: null, throttle: { state: 'running', reason: null } } as unknown as RunEvent);

      // What the run page shows for the run as stored at this moment.
      const run = { status: 'running', totalDeleted: total, expiredAtStart, activeSeconds: (at - t0) / 1000 };
      const rate = deleteRate(run, stored);
      const shown = `${formatRate(rate)}, ETA ${formatDuration(etaSeconds(run, rate))}`;
      if (n >= 2) expect(printed.at(-1), `batch ${n}`).toContain(shown);
    }
    // After the change the window holds only 5,000-row batches: 2,500 rows/s, not the run's average.
    expect(printed.at(-1)).toContain('2,500 rows/s, ETA 32s');
  });
});
