// Starting a reclaim from the dashboard: checked now (the table, the mode for
// its dialect, no cleanup or other reclaim active on it), stored as queued,
// and handed to the queue; the worker that claims it takes the table's lock
// and runs it (work-queued-operation.ts), exactly as `janitor reclaim` does
// in the foreground.
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { reclaimParamsSchema, reclaimTableSchema, type ReclaimParams } from '../schemas/reclaim';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import { findActiveRun } from '../store/runs/read-runs';
import { findActiveOperation } from '../store/operations/read-operations';
import { createQueuedOperation, operationConflict } from '../store/operations/write-operations';
import { enqueueOperation } from '../fleet/queue';
import type { StartReclaimInput } from './execute-types';
import { assertModeFits } from './modes';
import { parseOrThrow } from './preflight';

export async function queueReclaim(input: Omit<StartReclaimInput, 'onEvent' | 'signal' | 'pollMs'>): Promise<string> {
  const params = parseOrThrow<ReclaimParams>(reclaimParamsSchema, input.params);
  if (!input.target.target) throw new AppError('a queued reclaim needs a configured target (JANITOR_TARGET_<NAME>)', 'input');
  const adapter = resolveTarget(input.target);
  assertModeFits(adapter.dialect, params.mode);
  const ref = parseOrThrow(reclaimTableSchema, { schema: input.schema ?? defaultSchemaOf(input.target), table: input.table });
  const schema = ref.schema!;
  const key = targetKey(input.target);
  const driver = adapter.reclaimDriver();
  try {
    await driver.inspect({ schema, table: ref.table }); // a clear not-found now, not from the worker
  } finally {
    await driver.close().catch(() => undefined);
  }
  const run = await findActiveRun(key, schema, ref.table);
  if (run) throw new AppError(`a cleanup run (${run.id}) is ${run.status} on ${schema}.${ref.table}; reclaim the disk after it ends`, 'conflict', { runId: run.id });
  const active = await findActiveOperation(key, schema, ref.table);
  if (active) throw operationConflict(schema, ref.table, active.id);
  const operationId = await createQueuedOperation({
    target: key,
    schema,
    table: ref.table,
    mode: params.mode,
    params: { ...params, dialect: adapter.dialect, estimatedSeconds: null, expectedAfterBytes: null, lockMode: null },
    startedBy: input.startedBy,
  });
  await audit({ actor: input.startedBy, action: 'reclaim.queue', target: `${key}:${schema}.${ref.table}`, detail: { operationId, mode: params.mode, params }, outcome: 'ok' });
  await enqueueOperation(operationId);
  return operationId;
}
