// Runs started from the web execute on a thread of their own. On the server's
// main thread, every step of a run (a batch, its store write, the sleep after
// it) waited behind whatever the server was doing: fifty viewers loading the
// space report took a tenth off the run's speed (bench/load-viewers.ts). A
// thread has its own event loop; it is still this process, so a crash of the
// app stops its runs (shown as interrupted on restart) as before, and the
// run's owner is still this process.
//
// The thread takes the table's lock and creates the run itself (a lock belongs
// to the connection that took it, which cannot move between threads); the
// caller gets the run's id, or the start's error, as if it had started it.
import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorKind } from '../errors';
import { redact } from '../redact';
import type { StartInput } from './start-run';

export type RunThreadRequest =
  | { op: 'start'; input: Omit<StartInput, 'onEvent'> }
  | { op: 'resume'; runId: string; startedBy: string };

export type RunThreadReply =
  | { ok: true; runId: string }
  | { ok: false; message: string; kind: ErrorKind | null; details?: Record<string, unknown> };

/** Starts (or resumes) a run on a new thread; resolves with its id once the run is stored and going. */
export function runOnThread(request: RunThreadRequest): Promise<{ runId: string }> {
  // Resolved at run time from the project folder (where `janitor serve` and `next start` run).
  // The thread runs the sources, so Next must not bundle the entry: it follows a
  // path.join of constants (and then fails on tsx's esbuild binary), not this.
  const entry = [process.cwd(), 'lib', 'cleanup', 'run-thread-entry.mjs'].join(path.sep);
  const worker = new Worker(entry, { workerData: request });
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.on('message', (m: RunThreadReply) => {
      if (answered) return;
      answered = true;
      if (m.ok) resolve({ runId: m.runId });
      else if (m.kind) reject(new AppError(m.message, m.kind, m.details));
      else reject(new Error(`run thread: ${redact(m.message)}`));
    });
    worker.on('error', (e) => {
      console.error(`janitor: run thread failed: ${redact(String(e?.stack ?? e))}`);
      if (!answered) reject(e);
      answered = true;
    });
    worker.on('exit', (code) => {
      if (!answered) reject(new Error(`run thread exited with ${code} before the run started`));
      answered = true;
    });
  });
}
