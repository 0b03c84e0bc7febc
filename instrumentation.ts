// Next calls register() once when a server process starts. A run whose
// process died (kill -9, OOM, a reboot) is still "running" in the store; mark
// it interrupted now, so the dashboard shows it with Resume from the first
// page anyone opens, and the log says so.
export async function register() {
  // Node servers only (not the edge runtime), and not `next build`.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    const { markInterruptedRuns } = await import('./lib/store/runs/mark-interrupted');
    const n = await markInterruptedRuns();
    if (n > 0) console.log(`runs: ${n} cleanup run${n === 1 ? ' was' : 's were'} interrupted (the process running ${n === 1 ? 'it' : 'them'} stopped); resume from /runs`);
  } catch (e) {
    // Pages report a broken store themselves; the server still starts.
    console.error(`runs: could not check for interrupted runs: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
}
