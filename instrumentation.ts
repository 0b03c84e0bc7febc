// Next calls register() once when a server process starts. Two things happen
// here: runs and reclaims whose process died (kill -9, OOM, a reboot) are
// settled — a fleet run goes back to the queue for a worker to take over, any
// other is marked interrupted (lib/store/work/ownership.ts; every read does it
// too, doing it once now lets the log say so) — and, unless JANITOR_WORKER=off
// (`janitor serve --no-worker`), the server's own worker starts on a thread.
export async function register() {
  // Node servers only (not the edge runtime), and not `next build`.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    const { interruptAbandoned } = await import('./lib/store/work/ownership');
    const n = await interruptAbandoned('run');
    if (n > 0) console.log(`runs: ${n} cleanup run${n === 1 ? '' : 's'} of a stopped process: queued runs go back to the workers, the others are interrupted (resume from /runs)`);
    const o = await interruptAbandoned('operation');
    if (o > 0) console.log(`operations: ${o} reclaim${o === 1 ? ' was' : 's were'} interrupted (the process running ${o === 1 ? 'it' : 'them'} stopped); see /operations`);
  } catch (e) {
    // Pages report a broken store themselves; the server still starts.
    console.error(`runs: could not check for interrupted runs: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  const { env } = await import('./lib/env');
  if (env().JANITOR_WORKER === 'off') return;
  const { startWorkerThread } = await import('./lib/fleet/worker-thread');
  startWorkerThread();
}
