// janitor cleanup (--url URL | --target NAME) --table NAME [--schema S]
//   [--preset P | --expiry-column C --expiry-type timestamp|epoch-s|epoch-ms] [--ttl-seconds N]
//   [--timestamp-zone utc|server|ZONE]
//   [--delete-count N] [--sleep-seconds S] [--iteration-count N] [--max-runtime S] [--no-analyze] [--dry-run] [--detach] [--json]
import { z } from 'zod';
import { parseFlags, targetFlags, targetSelection } from '../args';
import { printJson } from '../output';
import { progressPrinter, reportOutcome, waitForRun } from '../cleanup-progress';
import { dryRunCleanup, startCleanupRun } from '@/lib/cleanup/start-run';
import { queueCleanupRun } from '@/lib/cleanup/queue-run';
import { describeStrategy } from '@/lib/cleanup/planner';
import { expiryLines, expiryView, type ExpiryView } from '@/lib/cleanup/expiry-view';
import type { PreparedCleanup } from '@/lib/cleanup/prepare';
import { formatCount, formatDuration } from '@/lib/format';
import { AppError } from '@/lib/errors';

export const cleanupFlags = {
  ...targetFlags,
  table: { type: 'string' },
  schema: { type: 'string' },
  preset: { type: 'string' },
  'expiry-column': { type: 'string' },
  'expiry-type': { type: 'string' },
  'ttl-seconds': { type: 'string' },
  'timestamp-zone': { type: 'string' },
  'delete-count': { type: 'string' },
  'sleep-seconds': { type: 'string' },
  'iteration-count': { type: 'string' },
  'max-runtime': { type: 'string' },
  'target-batch-ms': { type: 'string' },
  'max-replica-lag': { type: 'string' },
  'max-active-connections': { type: 'string' },
  'retry-for': { type: 'string' },
  strategy: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  detach: { type: 'boolean', default: false },
  'no-analyze': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

// Flag syntax only; values are validated by the shared schemas in lib/schemas.
const flagsSchema = z.intersection(
  targetSelection,
  z.object({ table: z.string({ error: 'is required' }), json: z.boolean(), 'dry-run': z.boolean() }).passthrough(),
);

type Flags = Record<string, string | boolean | undefined>;

/** The session-table flags as the shared schema takes them (validated there). */
export function specFromFlags(f: Flags) {
  return {
    schema: f.schema,
    table: f.table,
    preset: f.preset,
    expiryColumn: f['expiry-column'],
    expiryType: f['expiry-type'],
    ttlSeconds: f['ttl-seconds'],
    timestampZone: f['timestamp-zone'],
  } as Record<string, unknown>;
}

/** The batch flags as the shared schema takes them (validated there). */
export function paramsFromFlags(f: Flags) {
  return {
    deleteCount: f['delete-count'],
    sleepSeconds: f['sleep-seconds'],
    iterationCount: f['iteration-count'],
    maxRuntimeSeconds: f['max-runtime'],
    targetBatchMs: f['target-batch-ms'],
    maxReplicaLagSeconds: f['max-replica-lag'],
    maxActiveConnections: f['max-active-connections'],
    retryForSeconds: f['retry-for'],
    strategy: f.strategy,
    analyze: !f['no-analyze'],
  } as Record<string, unknown>;
}

export async function cleanupCommand(argv: string[], opts: { kind?: 'cleanup' | 'logout-all' } = {}) {
  const { flags } = parseFlags(argv, cleanupFlags, flagsSchema);
  const f = flags as Flags;
  const target = { url: f.url as string | undefined, target: f.target as string | undefined };
  const spec = specFromFlags(f);
  const params = paramsFromFlags(f);
  const json = Boolean(f.json);

  if (f.detach) {
    if (f['dry-run']) throw new AppError('--detach and --dry-run do not go together: a dry run prints its plan here', 'input');
    // Stored and handed to the queue; a worker (janitor worker, or janitor serve's) works it.
    const runId = await queueCleanupRun({ target, spec, params, startedBy: 'cli', kind: opts.kind });
    if (json) return printJson({ type: 'queued', runId });
    console.log(`run ${runId}: queued; a worker (janitor worker, or the dashboard's) works it — follow it with janitor runs show ${runId}`);
    return;
  }

  if (f['dry-run']) {
    const { prepared, report, seconds } = await dryRunCleanup({ target, spec, params, startedBy: 'cli', kind: opts.kind });
    if (json) {
      printJson({ type: 'dry-run', expired: report.expired, strategy: report.strategy, reason: prepared.plan.reason, batches: report.batches, sql: report.sql, plan: report.plan, expiry: expiryOf(prepared, opts.kind) });
      printJson({ type: 'done', status: 'completed', totalDeleted: 0, batches: 0, seconds: Math.round(seconds * 1000) / 1000 });
    } else {
      console.log(`dry run on ${prepared.table.schema}.${prepared.table.table}: ${formatCount(report.expired)} rows would be deleted in about ${formatCount(report.batches)} batches`);
      console.log(`strategy: ${report.strategy} (${describeStrategy(report.strategy)}): ${prepared.plan.reason}`);
      printExpiry(prepared, opts.kind);
      console.log('each batch runs:');
      for (const s of report.sql) console.log(`  ${s}`);
      console.log(`plan:\n${report.plan.replace(/^/gm, '  ')}`);
      console.log('nothing was deleted');
    }
    return;
  }

  let expected: number | null = null;
  const printer = progressPrinter(json, () => expected);
  const run = await startCleanupRun({ target, spec, params, startedBy: 'cli', kind: opts.kind, onEvent: (e) => printer.onEvent(e) });
  expected = run.prepared.estimate.expired;
  printer.reset();
  const p = run.prepared;
  if (json) {
    printJson({ type: 'start', runId: run.runId, schema: p.table.schema, table: p.table.table, cutoff: p.cutoff.toISOString(), expired: p.estimate.expired, expiredMethod: p.estimate.method, strategy: p.plan.strategy, reason: p.plan.reason, expiry: expiryOf(p, opts.kind) });
  } else {
    console.log(`run ${run.runId}: ${opts.kind === 'logout-all' ? 'deleting every session' : 'deleting expired sessions'} from ${p.table.schema}.${p.table.table}`);
    console.log(`${opts.kind === 'logout-all' ? 'sessions' : 'expired'} now: ${p.estimate.method === 'exact' ? '' : '~'}${formatCount(p.estimate.expired)} of ${formatCount(p.estimate.total)}; strategy ${p.plan.strategy}: ${p.plan.reason}`);
    printExpiry(p, opts.kind);
  }
  const { outcome, signal } = await waitForRun(run);
  printer.end();
  process.exitCode = reportOutcome(outcome, json, signal);
  if (!json && outcome.status === 'completed' && outcome.seconds > 0) console.log(`rate: ${formatCount(outcome.totalDeleted / outcome.seconds)} rows/s over ${formatDuration(outcome.seconds)}`);
}

/** How the expiry column is read and the rows either side of the cutoff; a log-everyone-out has no cutoff to check. */
function expiryOf(p: PreparedCleanup, kind: 'cleanup' | 'logout-all' | undefined): ExpiryView | null {
  return kind === 'logout-all' ? null : expiryView(p);
}

function printExpiry(p: PreparedCleanup, kind: 'cleanup' | 'logout-all' | undefined) {
  const v = expiryOf(p, kind);
  if (v) for (const line of expiryLines(v)) console.log(line);
}
