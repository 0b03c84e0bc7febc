// Shows a running cleanup: JSON lines (--json), a progress bar on a terminal,
// or one plain line per batch otherwise. Then waits for the worker, turning
// SIGINT / SIGTERM into "finish the current batch, record cancelled, exit".
import type { StartedRun } from '@/lib/cleanup/start-run';
import type { RunEvent, RunOutcome } from '@/lib/cleanup/execute-run';
import { formatCount, formatDuration } from '@/lib/format';
import { deleteRate, etaSeconds, formatRate, keepRecent, progressRatio, type TimedBatch } from '@/lib/cleanup/progress';
import { printJson } from './output';
import { exitCodeForEnd, exitCodeForSignal } from './exit-codes';

/**
 * `expected` is the run's expired count at its start (the stored
 * expiredAtStart, across resumes): progress, rate and ETA are computed as the
 * run page computes them (lib/cleanup/progress.ts).
 */
export function progressPrinter(json: boolean, expected: () => number | null) {
  const tty = !json && process.stdout.isTTY;
  let started = Date.now();
  let recent: TimedBatch[] = [];
  return {
    reset() {
      started = Date.now();
      recent = [];
    },
    onEvent(e: RunEvent) {
      if (e.type !== 'batch') {
        if (json) printJson({ type: 'throttle', state: e.throttle.state, reason: e.throttle.reason, totalDeleted: e.totalDeleted });
        else if (!tty) console.log(`throttle: ${e.throttle.state}${e.throttle.reason ? ` (${e.throttle.reason})` : ''}`);
        return;
      }
      if (json) return printJson({ type: 'batch', batch: e.n, deleted: e.deleted, totalDeleted: e.totalDeleted, ms: Math.round(e.ms * 10) / 10, strategy: e.strategy });
      const total = expected();
      recent = keepRecent(recent, { at: Date.now(), deleted: e.deleted });
      const progress = { status: 'running', totalDeleted: e.totalDeleted, expiredAtStart: total, activeSeconds: (Date.now() - started) / 1000 };
      const rate = deleteRate(progress, recent);
      const share = progressRatio(progress) ?? e.walked ?? null;
      const eta = formatDuration(etaSeconds(progress, rate));
      const line = `batch ${e.n}: deleted ${formatCount(e.deleted)} in ${e.ms.toFixed(0)} ms, total ${formatCount(e.totalDeleted)}${total ? ` of ~${formatCount(total)}` : ''}, ${formatRate(rate)}, ETA ${eta}${e.throttle.state !== 'running' ? `, ${e.throttle.state}: ${e.throttle.reason}` : ''}`;
      if (!tty) return console.log(line);
      const width = 30;
      const filled = share === null ? 0 : Math.round(share * width);
      process.stdout.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${share === null ? '' : `${Math.round(share * 100)}% `}${formatCount(e.totalDeleted)} deleted, ${formatRate(rate)}, ETA ${eta}, batch ${e.ms.toFixed(0)} ms`);
    },
    end() {
      if (tty) process.stdout.write('\n');
    },
  };
}

/** Waits for the run; the first SIGINT/SIGTERM asks for a clean stop, a second one exits at once. */
export async function waitForRun(run: StartedRun): Promise<{ outcome: RunOutcome; signal: NodeJS.Signals | null }> {
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal) process.exit(exitCodeForSignal(s));
    signal = s;
    process.stderr.write(`\njanitor: ${s}: finishing the current batch, then stopping (again to quit at once)\n`);
    run.stop('cancel');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcome = await run.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return { outcome, signal };
}

export function reportOutcome(outcome: RunOutcome, json: boolean, signal: NodeJS.Signals | null): number {
  if (json) {
    printJson({ type: 'done', status: outcome.status, totalDeleted: outcome.totalDeleted, batches: outcome.batches, seconds: Math.round(outcome.seconds * 1000) / 1000, ...(outcome.error ? { error: outcome.error } : {}) });
  } else {
    const what = `${formatCount(outcome.totalDeleted)} rows deleted in ${outcome.batches} batches, ${formatDuration(outcome.seconds)}`;
    if (outcome.status === 'completed') console.log(`completed: ${what}`);
    if (outcome.analyzed) console.log('error' in outcome.analyzed ? `could not refresh the table's statistics: ${outcome.analyzed.error}` : `statistics refreshed (ANALYZE) in ${formatDuration(outcome.analyzed.seconds)}`);
    else if (outcome.status === 'paused') console.log(`paused: ${what}; resume with: npx janitor runs resume ${outcome.runId}`);
    else if (outcome.status === 'cancelled') console.log(`cancelled: ${what}; resume with: npx janitor runs resume ${outcome.runId}`);
    else if (outcome.status === 'lost') console.log(`stopped: the run was taken over or ended elsewhere`);
    else process.stderr.write(`janitor: run ${outcome.runId} failed: ${outcome.error}\n`);
  }
  // A pause asked for elsewhere is a clean end; a cancel by this process's signal is not.
  return exitCodeForEnd(outcome.status === 'completed' || (outcome.status === 'paused' && !signal), signal);
}
