// The queue that hands queued runs to workers. The run row in the store is the
// truth (queued → running under one owner, by a guarded update); the queue
// only tells a worker there is one to take, and a run offered twice is claimed
// once. With a PostgreSQL store that is pg-boss (a job per run, SKIP LOCKED
// fetches, across any number of hosts); with the embedded SQLite store,
// workers on the same host poll the store for queued runs.
import 'server-only';
import { env } from '../env';

/** Queued work: a cleanup (or log-everyone-out) run, or a reclaim operation. */
export type WorkRef = { kind: 'run' | 'operation'; id: string };

/** Works one queued piece of work to its end (or until it is handed back). */
export type RunHandler = (work: WorkRef) => Promise<void>;

export interface RunQueue {
  readonly engine: 'pg-boss' | 'store';
  /** Offers queued work to the workers; offering it twice is harmless. */
  send(work: WorkRef): Promise<void>;
  /** Takes up to `concurrency` runs at once until the returned stop is called. */
  work(o: { concurrency: number; handle: RunHandler }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function storeIsPostgres(url = env().DATABASE_URL): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

const g = globalThis as unknown as { __janitorQueue?: Promise<RunQueue> };

/**
 * The process's queue, opened on first use (the CLI's --help must not load
 * pg-boss). A worker opens it with `worker: true`, which also runs pg-boss's
 * maintenance; a process that only sends (the CLI, a web request) does not,
 * so it can exit as soon as it is done.
 */
export function runQueue(o: { worker?: boolean } = {}): Promise<RunQueue> {
  g.__janitorQueue ??= (storeIsPostgres()
    ? import('./pgboss-queue').then((m) => m.openPgBossQueue(env().DATABASE_URL, { supervise: o.worker ?? false }))
    : import('./store-queue').then((m) => m.openStoreQueue())
  ).catch((e) => {
    g.__janitorQueue = undefined;
    throw e;
  });
  return g.__janitorQueue;
}

export async function enqueueRun(runId: string): Promise<void> {
  await (await runQueue()).send({ kind: 'run', id: runId });
}

export async function enqueueOperation(operationId: string): Promise<void> {
  await (await runQueue()).send({ kind: 'operation', id: operationId });
}

export async function closeQueue(): Promise<void> {
  const q = g.__janitorQueue;
  g.__janitorQueue = undefined;
  if (q) await (await q.catch(() => null))?.close();
}
