// Starts the web server's own worker on a thread (worker-thread-entry.mjs).
// The entry is resolved at run time from the project folder (where `janitor
// serve` and `next start` run): the thread runs the sources, so Next must not
// bundle it (it follows a path.join of constants, and then fails on tsx's
// esbuild binary), not this.
import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { redact } from '../redact';

const g = globalThis as unknown as { __janitorWorkerThread?: Worker };

export function startWorkerThread(): void {
  if (g.__janitorWorkerThread) return;
  const entry = [process.cwd(), 'lib', 'fleet', 'worker-thread-entry.mjs'].join(path.sep);
  const t = new Worker(entry);
  g.__janitorWorkerThread = t;
  t.on('error', (e) => console.error(`worker: the web server's worker failed: ${redact(String((e as Error)?.stack ?? e)).split('\n')[0]}`));
  t.on('exit', (code) => {
    g.__janitorWorkerThread = undefined;
    if (code !== 0) console.error(`worker: the web server's worker stopped (exit ${code}); queued runs wait for a janitor worker`);
  });
  // On SIGTERM the worker hands its runs back to the queue after their batch
  // (another worker, or this server restarted, continues them).
  process.once('SIGTERM', () => {
    t.postMessage('stop');
    const done = () => process.exit(0);
    t.once('message', done);
    setTimeout(done, 20_000).unref();
  });
}
