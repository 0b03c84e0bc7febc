// Inside the web server's worker thread: one worker (kind "web") until the
// server stops. Runs it works are owned by this process, as before: if the
// server dies, another worker (or this server once restarted) takes them over.
import { parentPort } from 'node:worker_threads';
import { env } from '../env';
import { startWorker } from './start-worker';

const worker = await startWorker({ kind: 'web', concurrency: env().JANITOR_WORKER_CONCURRENCY });
parentPort?.on('message', (m: unknown) => {
  if (m === 'stop') void worker.stop().finally(() => parentPort?.postMessage('stopped'));
});
