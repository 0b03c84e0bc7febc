// The plain shape of a reclaim operation for pages, the event stream and the
// CLI (no Dates, no Prisma types, parsed JSON).
import type { ReclaimMode, ReclaimParams } from '../schemas/reclaim';
import type { Blocker } from './driver';
import type { ReclaimProgress } from './events';

export type OperationStatus = 'queued' | 'running' | 'completed' | 'failed' | 'interrupted';
export const ACTIVE_OPERATION_STATUSES: OperationStatus[] = ['queued', 'running'];

/** What is stored in Operation.params: the knobs, and the plan shown before it started. */
export type StoredOperationParams = ReclaimParams & {
  dialect: 'postgres' | 'mysql';
  estimatedSeconds: number | null;
  expectedAfterBytes: number | null;
  lockMode: string | null;
};

/**
 * An attempt that could not get its lock, kept with the operation so its page
 * shows who was in the way after a reload too. n counts from 1.
 * - retry: another attempt follows after a pause
 * - blocked: it was the last one; the operation gave up, nothing was changed
 */
export type OperationEvent = {
  n: number;
  type: 'retry' | 'blocked';
  at: string;
  attempt: number;
  attempts: number;
  /** retry only: seconds until the next attempt */
  pauseSeconds: number | null;
  message: string;
  blockers: Blocker[];
};

export type OperationView = {
  id: string;
  target: string;
  schema: string;
  table: string;
  mode: ReclaimMode;
  status: OperationStatus;
  /** an operator's pending request ("cancel") the worker has not acted on yet */
  control: string | null;
  startedBy: string;
  params: StoredOperationParams;
  /** the last progress report; after the end, its final state */
  progress: ReclaimProgress | null;
  beforeBytes: number | null;
  afterBytes: number | null;
  /** sessions that kept it from its lock, when it gave up for that reason */
  blockers: Blocker[];
  events: OperationEvent[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  /** finishedAt − startedAt, seconds; null while it runs */
  seconds: number | null;
};

type OperationRow = {
  id: string;
  target: string;
  schema: string;
  table: string;
  mode: string;
  status: string;
  control: string | null;
  startedBy: string;
  params: string;
  progress: string | null;
  beforeBytes: number | null;
  afterBytes: number | null;
  blockers: string | null;
  events: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
};

function parse<T>(json: string | null, fallback: T): T {
  if (!json) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

export function toOperationView(r: OperationRow): OperationView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: r.id,
    target: r.target,
    schema: r.schema,
    table: r.table,
    mode: r.mode as ReclaimMode,
    status: r.status as OperationStatus,
    control: r.control,
    startedBy: r.startedBy,
    params: parse(r.params, {} as StoredOperationParams),
    progress: parse<ReclaimProgress | null>(r.progress, null),
    beforeBytes: r.beforeBytes,
    afterBytes: r.afterBytes,
    blockers: parse<Blocker[]>(r.blockers, []),
    events: parse<OperationEvent[]>(r.events, []),
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    heartbeatAt: iso(r.heartbeatAt),
    seconds: r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
  };
}
