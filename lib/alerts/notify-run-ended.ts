// Entry points for the end of long work: a cleanup / log-everyone-out run or
// a reclaim operation that completed, failed or was interrupted. Called where
// the work's final status is stored (execute-run.ts, run-operation.ts,
// work/ownership.ts) through notifySafely, so an alert can neither fail nor
// hold up the work. Other statuses (paused, cancelled: an operator's own
// doing) send nothing.
import 'server-only';
import { store } from '../store/client';
import { formatBytes, formatCount } from '../format';
import type { AlertMessage, EventKind, Severity } from './events';
import { enqueueEvent } from './enqueue';

const SEVERITY: Record<string, Severity> = { completed: 'info', failed: 'error', interrupted: 'warning' };

/** Enqueues the alert for a run that ended; returns the delivery ids (none for statuses that alert nobody). */
export async function notifyRunEnded(runId: string): Promise<number[]> {
  const db = await store();
  const r = await db.run.findUnique({ where: { id: runId } });
  if (!r || !(r.status in SEVERITY)) return [];
  const what = r.kind === 'logout-all' ? 'Log-everyone-out' : 'Cleanup';
  const lines = [`${formatCount(r.totalDeleted)} rows deleted in ${formatCount(r.batchCount)} batches${r.expiredAtStart !== null && r.kind !== 'logout-all' ? ` (${formatCount(r.expiredAtStart)} were expired at the start)` : ''}.`];
  if (r.error) lines.push(`Error: ${r.error}`);
  if (r.status === 'interrupted') lines.push('Resume it from its page to continue from the last batch.');
  lines.push(`Started by ${r.startedBy}.`);
  const m: AlertMessage & { event: EventKind } = {
    event: `run.${r.status}` as EventKind,
    severity: SEVERITY[r.status]!,
    title: `${what} of ${r.schema}.${r.table} on ${r.target} ${r.status}`,
    lines,
    target: r.target,
    schema: r.schema,
    table: r.table,
    path: `/runs/${encodeURIComponent(r.id)}`,
    at: r.finishedAt ?? new Date(),
    details: { runId: r.id, kind: r.kind, status: r.status, totalDeleted: r.totalDeleted, batches: r.batchCount, expiredAtStart: r.expiredAtStart, error: r.error, startedBy: r.startedBy },
  };
  return enqueueEvent(m);
}

/** The same for a reclaim operation (VACUUM FULL, OPTIMIZE TABLE, …). */
export async function notifyOperationEnded(operationId: string): Promise<number[]> {
  const db = await store();
  const o = await db.operation.findUnique({ where: { id: operationId } });
  if (!o || !(o.status in SEVERITY)) return [];
  const lines: string[] = [];
  if (o.beforeBytes !== null) lines.push(`Size before: ${formatBytes(o.beforeBytes)}${o.afterBytes !== null ? `; after: ${formatBytes(o.afterBytes)}` : ''}.`);
  if (o.error) lines.push(`Error: ${o.error}`);
  lines.push(`Started by ${o.startedBy}.`);
  const m: AlertMessage & { event: EventKind } = {
    event: `reclaim.${o.status}` as EventKind,
    severity: SEVERITY[o.status]!,
    title: `Reclaim (${o.mode}) of ${o.schema}.${o.table} on ${o.target} ${o.status}`,
    lines,
    target: o.target,
    schema: o.schema,
    table: o.table,
    path: `/operations/${encodeURIComponent(o.id)}`,
    at: o.finishedAt ?? new Date(),
    details: { operationId: o.id, mode: o.mode, status: o.status, beforeBytes: o.beforeBytes, afterBytes: o.afterBytes, error: o.error, startedBy: o.startedBy },
  };
  return enqueueEvent(m);
}
