// Starting a cleanup or log-everyone-out for the fleet: from the web, a
// schedule or `janitor cleanup --detach`. The run is validated against the
// target (the table and its expiry column exist, the zone is known) so a
// mistake is refused at once, then stored as queued and handed to the queue;
// the worker that takes it locks the table, plans and works it
// (work-queued-run.ts).
import 'server-only';
import { AppError } from '../errors';
import { audit } from '../audit/record';
import { cleanupParamsSchema, type CleanupParams } from '../schemas/cleanup-params';
import { sessionSpecSchema } from '../schemas/session-spec';
import { resolveSessionSpec } from '../session-tables/resolve-spec';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import { findActiveRun } from '../store/runs/read-runs';
import { alreadyRunning, createQueuedRun, queueForResume } from '../store/runs/write-runs';
import { getRun } from '../store/runs/read-runs';
import { RESUMABLE_STATUSES } from '../store/runs/run-view';
import { enqueueRun } from '../fleet/queue';
import { assertTableReady } from '../session-tables/assert-table-ready';
import { forKind, parseOrThrow, type StartInput } from './start-run';

export type QueueInput = Omit<StartInput, 'onEvent'> & {
  scheduleId?: string | null;
  after?: Record<string, unknown> | null;
};

/** Validates and stores a queued run, then tells the queue; returns its id. */
export async function queueCleanupRun(input: QueueInput): Promise<string> {
  const params = parseOrThrow<CleanupParams>(cleanupParamsSchema, input.params);
  const fields = parseOrThrow(sessionSpecSchema, input.spec);
  if (params.dryRun) throw new AppError('a dry run is not queued; run it in the foreground', 'input');
  // A worker resolves the target by name from its own configuration; a --url
  // given to one command is not something another process can see.
  if (!input.target.target) throw new AppError('a queued run needs a configured target (JANITOR_TARGET_<NAME>), not --url: workers cannot see the URL', 'input');
  const adapter = resolveTarget(input.target);
  const key = targetKey(input.target);
  const spec = forKind(await resolveSessionSpec(adapter, fields, defaultSchemaOf(input.target)), input.kind);
  await assertTableReady(adapter, spec, input.target.target);
  const active = await findActiveRun(key, spec.schema, spec.table);
  if (active) throw alreadyRunning(spec.schema, spec.table, active.id);
  const runId = await createQueuedRun({
    kind: input.kind ?? 'cleanup',
    target: key,
    schema: spec.schema,
    table: spec.table,
    preset: spec.preset,
    expiryColumn: spec.expiryColumn,
    expiryType: spec.expiryType,
    ttlSeconds: spec.ttlSeconds,
    timestampZone: spec.timestampZone ?? null,
    params,
    startedBy: input.startedBy,
    scheduleId: input.scheduleId ?? null,
    after: input.after ?? null,
  });
  await audit({
    actor: input.startedBy,
    action: input.kind === 'logout-all' ? 'logout-all.queue' : 'cleanup.queue',
    target: `${key}:${spec.schema}.${spec.table}`,
    detail: { runId, params, ...(input.scheduleId ? { scheduleId: input.scheduleId } : {}) },
    outcome: 'ok',
  });
  await enqueueRun(runId);
  return runId;
}

/** Hands a paused, interrupted, failed or cancelled run back to the workers, who continue it from its last batch. */
export async function resumeQueuedRun(runId: string, actor: string): Promise<void> {
  const run = await getRun(runId);
  if (!run) throw new AppError(`no run ${runId.slice(0, 64)}`, 'not-found');
  if (!RESUMABLE_STATUSES.includes(run.status)) throw new AppError(`run is ${run.status}; only paused, interrupted, failed or cancelled runs can be resumed`, 'conflict');
  if (run.target.startsWith('url:')) throw new AppError(`run ${run.id} was started with --url; resume it from the CLI with the same --url`, 'input');
  const other = await findActiveRun(run.target, run.schema, run.table);
  if (other && other.id !== run.id) throw alreadyRunning(run.schema, run.table, other.id);
  if (!(await queueForResume(run.id, RESUMABLE_STATUSES))) throw alreadyRunning(run.schema, run.table, run.id);
  await audit({ actor, action: `${run.kind}.resume`, target: `${run.target}:${run.schema}.${run.table}`, detail: { runId: run.id, fromBatch: run.batchCount, queued: true }, outcome: 'ok' });
  await enqueueRun(run.id);
}
