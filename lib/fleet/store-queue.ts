// The queue of the embedded SQLite store: workers on this host poll the
// store for queued runs and reclaims, oldest first. Sending is nothing: the
// queued row is the job. (pg-boss needs PostgreSQL; a SQLite file is one
// host's anyway.)
import 'server-only';
import { store } from '../store/client';
import type { RunQueue, RunHandler, WorkRef } from './queue';

const POLL_MS = 500;
/** A run its worker handed back (its table was locked elsewhere) is offered again after this. */
const RETRY_AFTER_MS = 5_000;

export async function openStoreQueue(): Promise<RunQueue> {
  return {
    engine: 'store',
    async send() {},
    async work(o) {
      return pollLoop(o.concurrency, o.handle);
    },
    async close() {},
  };
}

async function pollLoop(concurrency: number, handle: RunHandler): Promise<() => Promise<void>> {
  const busy = new Map<string, Promise<void>>();
  const notBefore = new Map<string, number>();
  let stopped = false;
  const tick = async () => {
    if (stopped || busy.size >= concurrency) return;
    const db = await store();
    const take = concurrency + busy.size + 10;
    const select = { id: true, createdAt: true } as const;
    const [runs, operations] = await Promise.all([
      db.run.findMany({ where: { status: 'queued' }, orderBy: { createdAt: 'asc' }, take, select }),
      db.operation.findMany({ where: { status: 'queued' }, orderBy: { createdAt: 'asc' }, take, select }),
    ]);
    const queued: (WorkRef & { createdAt: Date })[] = [...runs.map((r) => ({ kind: 'run' as const, ...r })), ...operations.map((o) => ({ kind: 'operation' as const, ...o }))];
    queued.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (const { kind, id } of queued) {
      if (busy.size >= concurrency) break;
      if (busy.has(id) || (notBefore.get(id) ?? 0) > Date.now()) continue;
      const p = handle({ kind, id })
        .catch((e: unknown) => console.error(`worker: ${kind} ${id}: ${(e as Error)?.message ?? e}`))
        .finally(() => {
          busy.delete(id);
          notBefore.set(id, Date.now() + RETRY_AFTER_MS);
        });
      busy.set(id, p);
    }
  };
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(tick).catch((e: unknown) => console.error(`worker: polling the store failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`));
  }, POLL_MS);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
