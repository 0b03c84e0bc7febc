// The fleet's workers as the store knows them: each beats every few seconds
// with the runs it works, so the dashboard can say which are alive and what
// each runs, and a queued run can say that no worker is running.
import 'server-only';
import os from 'node:os';
import { store } from '../client';
import { STALE_MS } from '../work/ownership';

/** What a worker works on now: runs and reclaims. */
export type WorkingOn = { kind: 'run' | 'operation'; id: string };

export type WorkerView = { id: string; host: string; pid: number; kind: 'worker' | 'web'; concurrency: number; running: WorkingOn[]; startedAt: string; heartbeatAt: string; alive: boolean };

export async function registerWorker(w: { id: string; kind: 'worker' | 'web'; concurrency: number }): Promise<void> {
  const db = await store();
  const now = new Date();
  await db.worker.upsert({
    where: { id: w.id },
    create: { id: w.id, host: os.hostname(), pid: process.pid, kind: w.kind, concurrency: w.concurrency, running: '[]', startedAt: now, heartbeatAt: now },
    update: { heartbeatAt: now },
  });
}

export async function beatWorker(id: string, running: WorkingOn[]): Promise<void> {
  const db = await store();
  await db.worker.updateMany({ where: { id }, data: { heartbeatAt: new Date(), running: JSON.stringify(running) } });
}

export async function removeWorker(id: string): Promise<void> {
  const db = await store();
  await db.worker.deleteMany({ where: { id } });
}

/** Live workers first; workers silent for a day are forgotten. */
export async function listWorkers(now = Date.now()): Promise<WorkerView[]> {
  const db = await store();
  await db.worker.deleteMany({ where: { heartbeatAt: { lt: new Date(now - 24 * 3600_000) } } });
  const rows = await db.worker.findMany({ orderBy: { startedAt: 'asc' } });
  return rows
    .map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      kind: r.kind as WorkerView['kind'],
      concurrency: r.concurrency,
      running: (JSON.parse(r.running) as (WorkingOn | string)[]).map((w) => (typeof w === 'string' ? { kind: 'run' as const, id: w } : w)),
      startedAt: r.startedAt.toISOString(),
      heartbeatAt: r.heartbeatAt.toISOString(),
      alive: now - r.heartbeatAt.getTime() <= STALE_MS,
    }))
    .sort((a, b) => Number(b.alive) - Number(a.alive));
}

export async function liveWorkerCount(now = Date.now()): Promise<number> {
  const db = await store();
  return db.worker.count({ where: { heartbeatAt: { gte: new Date(now - STALE_MS) } } });
}
