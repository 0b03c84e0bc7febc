// The queue on a PostgreSQL store: pg-boss 10 (11 and later need Node 22), in
// its own schema of the store's database. One job per offer of a run or a
// reclaim; the queue's "short" policy keeps at most one waiting job per piece
// of work (singletonKey), so the sweep can offer everything queued again
// without piling up.
// A job stays active while its run is worked; the run's own lease, not the
// job's expiry, decides when a dead worker's run is taken over
// (lib/store/work/ownership.ts), so jobs are never retried by pg-boss.
import 'server-only';
import PgBoss from 'pg-boss';
import { redact } from '../redact';
import type { RunQueue, WorkRef } from './queue';

export const RUN_QUEUE = 'janitor-runs';
/** pg-boss's poll when idle; a fetch takes a waiting job with SKIP LOCKED, so workers never share one. */
const POLL_SECONDS = 0.5;

/** Starts that meet another process's start in a deadlock are tried again this many times. */
const START_ATTEMPTS = 5;

/**
 * pg-boss, started, with the run queue created. Workers and web instances
 * start together on one store; pg-boss's install and create_queue (a table
 * partition attached to its job table) can then deadlock with another
 * process's, and PostgreSQL aborts one of them: that one starts again after
 * a short random pause and finds the queue there.
 */
async function startBoss(connectionString: string, supervise: boolean): Promise<PgBoss> {
  for (let attempt = 1; ; attempt++) {
    const boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, schedule: false, supervise });
    boss.on('error', (e) => console.error(`queue: ${redact(String((e as Error)?.message ?? e)).split('\n')[0]}`));
    try {
      await boss.start();
      if (!(await boss.getQueue(RUN_QUEUE))) {
        await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'short', retryLimit: 0, expireInHours: 23 }).catch((e: unknown) => {
          if (!/already exists/i.test(String((e as Error)?.message))) throw e;
        });
      }
      return boss;
    } catch (e) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      if (attempt >= START_ATTEMPTS || !/deadlock detected/i.test(String((e as Error)?.message))) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400 * attempt));
    }
  }
}

export async function openPgBossQueue(connectionString: string, o: { supervise: boolean }): Promise<RunQueue> {
  const boss = await startBoss(connectionString, o.supervise);
  return {
    engine: 'pg-boss',
    async send(work) {
      await boss.send(RUN_QUEUE, work, { singletonKey: `${work.kind}:${work.id}`, retryLimit: 0, expireInHours: 23 });
    },
    async work(o) {
      const ids: string[] = [];
      // pg-boss 10 runs one job at a time per work() call: N calls, N runs at once.
      for (let i = 0; i < o.concurrency; i++) {
        ids.push(await boss.work<WorkRef>(RUN_QUEUE, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS }, async ([job]) => {
          if (job) await o.handle(job.data);
        }));
      }
      return async () => {
        for (const id of ids) await boss.offWork({ id }).catch(() => undefined);
      };
    },
    async close() {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    },
  };
}
