// Reading maintenance operations (reclaims) for pages, streams and the CLI.
// Each read first marks operations whose process died as interrupted
// (work/ownership.ts), so no caller has to.
import 'server-only';
import { store } from '../client';
import { interruptAbandoned } from '../work/ownership';
import { ACTIVE_OPERATION_STATUSES, toOperationView, type OperationView } from '../../reclaim/operation-view';

export async function getOperation(id: string): Promise<OperationView | null> {
  await interruptAbandoned('operation', { id });
  const db = await store();
  const r = await db.operation.findUnique({ where: { id } });
  return r ? toOperationView(r) : null;
}

/** Newest first; filter by target, and by table within it. */
export async function listOperations(opts: { target?: string; schema?: string; table?: string; limit?: number } = {}): Promise<OperationView[]> {
  await interruptAbandoned('operation');
  const db = await store();
  const rows = await db.operation.findMany({
    where: {
      ...(opts.target ? { target: opts.target } : {}),
      ...(opts.schema ? { schema: opts.schema } : {}),
      ...(opts.table ? { table: opts.table } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.limit ?? 50, 500),
  });
  return rows.map(toOperationView);
}

/** The queued or running operation on this table, if any. */
export async function findActiveOperation(target: string, schema: string, table: string): Promise<OperationView | null> {
  await interruptAbandoned('operation');
  const db = await store();
  const r = await db.operation.findFirst({ where: { target, schema, table, status: { in: ACTIVE_OPERATION_STATUSES } } });
  return r ? toOperationView(r) : null;
}

/** The operator's pending request for a running operation ("cancel"), or null. */
export async function readOperationControl(id: string): Promise<string | null> {
  const db = await store();
  const r = await db.operation.findUnique({ where: { id }, select: { control: true } });
  return r?.control ?? null;
}
