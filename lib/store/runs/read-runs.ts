// Reading runs for pages, streams and the CLI. Each read first marks runs
// whose process died as interrupted (work/ownership.ts), so no caller has to.
import 'server-only';
import { store } from '../client';
import { interruptAbandoned } from '../work/ownership';
import { liveWorkerCount } from '../workers/worker-rows';
import { ACTIVE_STATUSES, toRunView, type BatchKnobs, type BatchView, type RunView } from './run-view';

export async function getRun(id: string): Promise<RunView | null> {
  await interruptAbandoned('run', { id });
  const db = await store();
  const r = await db.run.findUnique({ where: { id } });
  if (!r) return null;
  const view = toRunView(r);
  // A queued run says so when nobody is there to take it.
  if (view.status === 'queued') view.noWorker = (await liveWorkerCount()) === 0;
  return view;
}

export async function listRuns(opts: { limit?: number; target?: string; status?: string } = {}): Promise<RunView[]> {
  await interruptAbandoned('run');
  const db = await store();
  const rows = await db.run.findMany({
    where: { ...(opts.target ? { target: opts.target } : {}), ...(opts.status ? { status: opts.status } : {}) },
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.limit ?? 50, 500),
  });
  return rows.map(toRunView);
}

/** The queued / running / paused run on this table, if any. */
export async function findActiveRun(target: string, schema: string, table: string): Promise<RunView | null> {
  await interruptAbandoned('run');
  const db = await store();
  const r = await db.run.findFirst({ where: { target, schema, table, status: { in: ACTIVE_STATUSES } } });
  return r ? toRunView(r) : null;
}

/** Batches after batch number `afterN`, oldest first (the event stream's resume point). */
export async function listBatches(runId: string, afterN = 0, limit = 1000): Promise<BatchView[]> {
  const db = await store();
  const rows = await db.batch.findMany({ where: { runId, n: { gt: afterN } }, orderBy: { n: 'asc' }, take: limit, select: { n: true, deleted: true, ms: true, size: true, at: true, knobs: true } });
  return rows.map(({ knobs, ...b }) => ({ ...b, at: b.at.toISOString(), ...(knobs ? { knobs: JSON.parse(knobs) as BatchKnobs } : {}) }));
}

/** The batches that stored their settings (the first, and where a change took effect), oldest first. */
export async function listKnobBatches(runId: string): Promise<{ n: number; knobs: BatchKnobs }[]> {
  const db = await store();
  const rows = await db.batch.findMany({ where: { runId, knobs: { not: null } }, orderBy: { n: 'asc' }, take: 1000, select: { n: true, knobs: true } });
  return rows.map((r) => ({ n: r.n, knobs: JSON.parse(r.knobs!) as BatchKnobs }));
}
