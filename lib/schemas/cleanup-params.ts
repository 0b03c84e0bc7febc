// The knobs of a cleanup run, validated in one place for the web form, the
// server action, the CLI and the runner. Inputs may be strings (form fields,
// command-line flags): numbers are coerced, and an empty field means "no
// limit" for the optional limits.
import { z } from 'zod';
import { blankToUndefined, numberInput } from './number-input';

/**
 * Defaults for a run started without touching anything. A batch of 10,000
 * rows takes about 10 ms on PostgreSQL and 50 ms or more on MariaDB. Every
 * batch pays a commit (and its WAL flush) and a statement's setup: at 5,000
 * rows a batch that overhead held PostgreSQL to 0.63x the speed of one big
 * DELETE, at 10,000 to 0.83x (bench/cleanup-throughput.ts, median of 3).
 * Half a second between batches keeps the cleanup's share of the server
 * small, so a live site's p99 latency stays within 2x of idle
 * (bench/cleanup-impact.ts: 1.53x on PostgreSQL, 1.61x on MariaDB; with 0.1 s
 * MariaDB's p99 reached 1.8-3x idle). That is still about 18,000 rows a
 * second; an operator wanting raw speed sets the sleep to 0.
 */
export const CLEANUP_DEFAULTS = {
  deleteCount: 10_000,
  sleepSeconds: 0.5,
  iterationCount: null,
  maxRuntimeSeconds: null,
  dryRun: false,
  targetBatchMs: null,
  maxReplicaLagSeconds: null,
  maxActiveConnections: null,
  retryForSeconds: 300,
  strategy: 'auto',
  analyze: true,
} as const;

export const CLEANUP_LIMITS = {
  deleteCount: 100_000,
  sleepSeconds: 3_600,
  iterationCount: 1_000_000_000,
  maxRuntimeSeconds: 30 * 24 * 3600,
  targetBatchMs: 60_000,
  maxReplicaLagSeconds: 86_400,
  maxActiveConnections: 100_000,
  retryForSeconds: 86_400,
} as const;

function count(what: string, min: number, max: number) {
  return numberInput(`${what} must be a number`)
    .refine(Number.isFinite, `${what} must be a number`)
    .refine(Number.isInteger, `${what} must be a whole number`)
    .refine((n) => n >= min, `${what} must be at least ${min}`)
    .refine((n) => n <= max, `${what} must be at most ${max.toLocaleString('en-US')}`);
}

function seconds(what: string, min: number, max: number, exclusiveMin = false) {
  return numberInput(`${what} must be a number`)
    .refine(Number.isFinite, `${what} must be a number`)
    .refine((n) => (exclusiveMin ? n > min : n >= min), `${what} must be ${exclusiveMin ? 'more than' : 'at least'} ${min}`)
    .refine((n) => n <= max, `${what} must be at most ${max.toLocaleString('en-US')}`);
}

/** A limit that may be switched off: blank means none. */
function limit<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.nullable().optional()).transform((v) => (v === undefined ? null : v));
}

const flag = z.preprocess(
  (v) => (typeof v === 'string' ? ['on', 'true', '1', 'yes'].includes(v.toLowerCase()) : v),
  z.boolean({ error: 'must be true or false' }),
);

export const STRATEGY_CHOICES = ['auto', 'heap-walk', 'pk-range', 'keyset'] as const;

/** Each knob without its default: the run's parameters and mid-run changes share them. */
const fields = {
  /** rows per batch (about, for range walks) */
  deleteCount: count('Delete count', 1, CLEANUP_LIMITS.deleteCount),
  /** pause between batches; fractions allowed */
  sleepSeconds: seconds('Sleep seconds', 0, CLEANUP_LIMITS.sleepSeconds),
  /** most batches this run may take; none: until done */
  iterationCount: limit(count('Iteration count', 1, CLEANUP_LIMITS.iterationCount)),
  maxRuntimeSeconds: limit(seconds('Max runtime', 0, CLEANUP_LIMITS.maxRuntimeSeconds, true)),
  dryRun: flag,
  /** adaptive batch size: resize batches so each takes about this long */
  targetBatchMs: limit(seconds('Target batch time (ms)', 10, CLEANUP_LIMITS.targetBatchMs)),
  /** pause while a replica lags more than this */
  maxReplicaLagSeconds: limit(seconds('Max replica lag', 0, CLEANUP_LIMITS.maxReplicaLagSeconds)),
  /** pause while more sessions than this run a statement */
  maxActiveConnections: limit(count('Max active connections', 1, CLEANUP_LIMITS.maxActiveConnections)),
  /** how long transient errors (connection lost, deadlock, lock timeout) are retried before the run fails */
  retryForSeconds: seconds('Retry for', 0, CLEANUP_LIMITS.retryForSeconds),
  strategy: z.enum(STRATEGY_CHOICES, { error: `Strategy must be one of ${STRATEGY_CHOICES.join(', ')}` }),
};

/**
 * With no sleep between batches and neither a delete count nor a target
 * batch time given, batches are sized to take about this long (adaptive)
 * rather than a fixed 10,000 rows: each batch carries a fixed cost (its
 * commit's flush, the stored progress, round trips) that small batches
 * without a pause pay hundreds of times, and at about 100 ms that cost is a
 * few percent of the run (bench/cleanup-throughput.ts). A delete count that
 * is given is what each batch asks for.
 */
export const NO_SLEEP_TARGET_BATCH_MS = 100;

/** Not given: absent or an empty field (null is a limit switched off on purpose). */
const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

/** The no-sleep default above, decided on the input, where "not given" can still be told from the default. */
function noSleepDefaults(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  const noSleep = !isBlank(r.sleepSeconds) && Number(r.sleepSeconds) === 0;
  if (!noSleep || !isBlank(r.deleteCount) || !isBlank(r.targetBatchMs)) return raw;
  return { ...r, targetBatchMs: NO_SLEEP_TARGET_BATCH_MS };
}

const cleanupParamsObject = z.object({
  deleteCount: z.preprocess(blankToUndefined, fields.deleteCount.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.deleteCount),
  sleepSeconds: z.preprocess(blankToUndefined, fields.sleepSeconds.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.sleepSeconds),
  iterationCount: fields.iterationCount,
  maxRuntimeSeconds: fields.maxRuntimeSeconds,
  dryRun: z.preprocess(blankToUndefined, fields.dryRun.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.dryRun),
  targetBatchMs: fields.targetBatchMs,
  maxReplicaLagSeconds: fields.maxReplicaLagSeconds,
  maxActiveConnections: fields.maxActiveConnections,
  retryForSeconds: z.preprocess(blankToUndefined, fields.retryForSeconds.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.retryForSeconds),
  strategy: z.preprocess(blankToUndefined, fields.strategy.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.strategy),
  /** refresh the table's planner statistics (ANALYZE) once the run completes, as pt-archiver's --analyze does */
  analyze: z.preprocess(blankToUndefined, flag.optional()).transform((v) => v ?? CLEANUP_DEFAULTS.analyze),
  /** the end of a schedule's window (--until): the run finishes its batch and stops there; an ISO instant */
  stopAt: z.iso.datetime({ offset: true, error: 'Stop at must be an ISO date and time' }).nullable().optional().transform((v) => v ?? null),
});

export const cleanupParamsSchema = z.preprocess(noSleepDefaults, cleanupParamsObject);

export type CleanupParams = z.output<typeof cleanupParamsObject>;
export type CleanupParamsInput = z.input<typeof cleanupParamsObject>;

/**
 * What an operator may change while a run goes. Only the keys present change;
 * a blank limit switches it off.
 */
export const cleanupKnobsSchema = z
  .object({
    deleteCount: fields.deleteCount.optional(),
    sleepSeconds: fields.sleepSeconds.optional(),
    iterationCount: fields.iterationCount.optional(),
    maxRuntimeSeconds: fields.maxRuntimeSeconds.optional(),
    targetBatchMs: fields.targetBatchMs.optional(),
    maxReplicaLagSeconds: fields.maxReplicaLagSeconds.optional(),
    maxActiveConnections: fields.maxActiveConnections.optional(),
  })
  .strict();

export type CleanupKnobs = z.output<typeof cleanupKnobsSchema>;

/** The parameters after a knob change (keys absent from `knobs` keep their value). */
export function applyKnobs(params: CleanupParams, knobs: CleanupKnobs): CleanupParams {
  const next = { ...params };
  for (const [k, v] of Object.entries(knobs) as Array<[keyof CleanupKnobs, unknown]>) {
    if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  }
  return next;
}
