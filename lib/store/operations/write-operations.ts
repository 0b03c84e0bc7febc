// Maintenance operation (reclaim) state changes. Every change goes through
// work/ownership.ts's guarded transition (`status='running' and owner=me` for
// the worker), so a worker whose operation was marked interrupted sees false
// instead of overwriting.
import 'server-only';
import { store } from '../client';
import { isUniqueViolation } from '../unique-violation';
import { AppError } from '../../errors';
import { transition } from '../work/ownership';
import type { Blocker } from '../../reclaim/driver';
import type { ReclaimProgress } from '../../reclaim/events';
import type { OperationEvent, StoredOperationParams } from '../../reclaim/operation-view';
import { findActiveOperation } from './read-operations';

export type NewOperation = {
  target: string;
  schema: string;
  table: string;
  mode: string;
  params: StoredOperationParams;
  startedBy: string;
  owner: string;
};

export function operationConflict(schema: string, table: string, operationId: string | null): AppError {
  return new AppError(
    `a reclaim of ${schema}.${table} is already running${operationId ? ` (operation ${operationId})` : ''}`,
    'conflict',
    { operationId },
  );
}

/** Creates a running operation; the store's partial unique index refuses a second active one on the table. */
export async function createOperation(o: NewOperation): Promise<string> {
  const db = await store();
  const now = new Date();
  return insertActive(o, () => db.operation.create({ data: { ...o, params: JSON.stringify(o.params), status: 'running', startedAt: now, heartbeatAt: now } }));
}

/** Stores a reclaim for the fleet: queued, no owner; the worker that claims it checks, locks and runs it. */
export async function createQueuedOperation(o: Omit<NewOperation, 'owner'>): Promise<string> {
  const db = await store();
  return insertActive(o, () => db.operation.create({ data: { ...o, params: JSON.stringify(o.params), status: 'queued' } }));
}

/** Inserts an operation the partial unique index may refuse (another active on the table): the refusal names that one. */
async function insertActive(o: Pick<NewOperation, 'target' | 'schema' | 'table'>, create: () => Promise<{ id: string }>): Promise<string> {
  try {
    return (await create()).id;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const active = await findActiveOperation(o.target, o.schema, o.table);
    throw operationConflict(o.schema, o.table, active?.id ?? null);
  }
}

/** A worker takes a queued operation (of two workers, one wins). */
export async function claimOperation(id: string, owner: string): Promise<boolean> {
  const now = new Date();
  return transition('operation', { id, from: ['queued'] }, { status: 'running', owner, startedAt: now, heartbeatAt: now });
}

/** The claimed operation's plan, as startReclaim made it once it held the table's lock. */
export async function planClaimedOperation(id: string, owner: string, params: StoredOperationParams): Promise<boolean> {
  return transition('operation', { id, owner, from: ['running'] }, { params: JSON.stringify(params), heartbeatAt: new Date() });
}

/** Records progress (and the heartbeat); false when this worker no longer owns the operation. */
export async function recordOperationProgress(
  id: string,
  owner: string,
  data: { progress?: ReclaimProgress; beforeBytes?: number; events?: OperationEvent[] },
): Promise<boolean> {
  return transition('operation', { id, owner, from: ['running'] }, {
    heartbeatAt: new Date(),
    ...(data.progress ? { progress: JSON.stringify(data.progress) } : {}),
    ...(data.beforeBytes !== undefined ? { beforeBytes: data.beforeBytes } : {}),
    ...(data.events ? { events: JSON.stringify(data.events) } : {}),
  });
}

/** An operator asks a running operation to stop; its worker reads this with its progress. False when it is not running. */
export async function requestOperationControl(id: string, control: 'cancel'): Promise<boolean> {
  return transition('operation', { id, from: ['running'] }, { control });
}

/** An operator cancels a reclaim no worker has taken yet; it ends failed, with who cancelled it. */
export async function cancelQueuedOperation(id: string, error: string): Promise<boolean> {
  return transition('operation', { id, from: ['queued'] }, { status: 'failed', error, finishedAt: new Date() });
}

/** A queued operation that could not start (the table was busy, the target refused) ends failed with why. */
export async function failQueuedOperation(id: string, owner: string, error: string): Promise<boolean> {
  const now = new Date();
  return transition('operation', { id, owner, from: ['running'] }, { status: 'failed', error, finishedAt: now, heartbeatAt: now });
}

/** The worker's last word: running → completed / failed. */
export async function finishOperation(
  id: string,
  owner: string,
  to: 'completed' | 'failed',
  data: { afterBytes: number | null; error: string | null; blockers: Blocker[]; progress: ReclaimProgress | null; events?: OperationEvent[] },
): Promise<boolean> {
  const now = new Date();
  return transition('operation', { id, owner, from: ['running'] }, {
    status: to,
    afterBytes: data.afterBytes,
    error: data.error,
    blockers: data.blockers.length ? JSON.stringify(data.blockers) : null,
    ...(data.progress ? { progress: JSON.stringify(data.progress) } : {}),
    ...(data.events?.length ? { events: JSON.stringify(data.events) } : {}),
    control: null,
    finishedAt: now,
    heartbeatAt: now,
  });
}
