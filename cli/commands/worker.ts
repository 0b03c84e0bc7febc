// janitor worker [--concurrency N]
// Works queued runs (from the web, schedules, cleanup --detach) until SIGTERM
// or Ctrl-C; then each of its runs finishes its batch and goes back to the
// queue for another worker. Any number of workers can share one store.
import { z } from 'zod';
import { parseFlags } from '../args';
import { store } from '@/lib/store/client';
import { startWorker } from '@/lib/fleet/start-worker';
import { closeQueue } from '@/lib/fleet/queue';

export async function workerCommand(argv: string[]) {
  const { flags } = parseFlags(
    argv,
    { concurrency: { type: 'string', default: '2' } },
    z.object({ concurrency: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(32, 'must be at most 32') }),
  );
  await store(); // migrated before the first job
  const worker = await startWorker({ kind: 'worker', concurrency: flags.concurrency });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      console.log(`worker: ${sig}: finishing the current batches and handing the runs back to the queue`);
      worker.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await closeQueue();
}
