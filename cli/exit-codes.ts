// The CLI's one mapping from how a command ended to its exit code: what cron
// jobs and scripts branch on.
import type { ErrorKind } from '@/lib/errors';

/** Bad flags or input: nothing was done (the shell's usage-error code). */
export const EXIT_INPUT = 2;
export const EXIT_FAILED = 1;

/** An error of this kind: input errors are 2, every other failure 1. */
export function exitCodeFor(kind: ErrorKind): number {
  return kind === 'input' ? EXIT_INPUT : EXIT_FAILED;
}

/** Stopped by a signal: 128 + its number, as shells report it. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** A run or an operation that ended on its own; a signal that stopped it wins. */
export function exitCodeForEnd(ok: boolean, signal: NodeJS.Signals | null): number {
  if (ok) return 0;
  return signal ? exitCodeForSignal(signal) : EXIT_FAILED;
}
