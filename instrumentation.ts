// Next calls register() once when a server process starts. A run or reclaim
// whose process died (kill -9, OOM, a reboot) is still "running" in the store;
// every read marks it interrupted (lib/store/work/ownership.ts), and doing it
// once now lets the log say so.
export async function register() {
  // Node servers only (not the edge runtime), and not `next build`.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    const { interruptAbandoned } = await import('./lib/store/work/ownership');
    const n = await interruptAbandoned('run');
    if (n > 0) console.log(`runs: ${n} cleanup run${n === 1 ? ' was' : 's were'} interrupted (the process running ${n === 1 ? 'it' : 'them'} stopped); resume from /runs`);
    const o = await interruptAbandoned('operation');
    if (o > 0) console.log(`operations: ${o} reclaim${o === 1 ? ' was' : 's were'} interrupted (the process running ${o === 1 ? 'it' : 'them'} stopped); see /operations`);
  } catch (e) {
    // Pages report a broken store themselves; the server still starts.
    console.error(`runs: could not check for interrupted runs: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
}
