// A loop that calls `tick` every `intervalMs` until stopped, never two ticks
// at once (a slow progress query must not pile up connections). Errors in a
// tick are ignored: progress is best effort, the operation's own statement
// reports real failures.
export function startPolling(tick: () => Promise<void>, intervalMs: number): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
      if (stopped) break;
      try {
        await tick();
      } catch {
        // see above
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
