// The knobs of a reclaim operation (VACUUM FULL / VACUUM / ANALYZE /
// OPTIMIZE TABLE), validated in one place for the web form, the server action,
// the CLI and the engine. Inputs may be strings (form fields, flags): numbers
// are coerced.
import { z } from 'zod';
import { blankToUndefined, numberInput } from './number-input';

/**
 * - full: PostgreSQL VACUUM (FULL, ANALYZE): rewrites the table, gives the disk back
 * - vacuum: PostgreSQL VACUUM (ANALYZE): marks dead rows reusable, gives little back
 * - analyze: PostgreSQL ANALYZE / MySQL ANALYZE TABLE: fresh planner statistics only
 * - optimize: MySQL/MariaDB OPTIMIZE TABLE: rebuilds an InnoDB table online
 */
export const RECLAIM_MODES = ['full', 'vacuum', 'analyze', 'optimize'] as const;
export type ReclaimMode = (typeof RECLAIM_MODES)[number];

export const RECLAIM_DEFAULTS = {
  /** short enough that readers queued behind the lock request wait at most this long */
  lockTimeoutSeconds: 5,
  /** a 7 GB table rewrites in minutes (see lib/targets/postgres/reclaim-plan.ts); an hour leaves room */
  statementTimeoutSeconds: 3_600,
  retries: 3,
  retryPauseSeconds: 10,
} as const;

export const RECLAIM_LIMITS = {
  lockTimeoutSeconds: { min: 0.1, max: 600 },
  statementTimeoutSeconds: { min: 1, max: 7 * 24 * 3600 },
  retries: { min: 0, max: 20 },
  retryPauseSeconds: { min: 0, max: 3_600 },
} as const;

function number(what: string, min: number, max: number, integer = false) {
  return numberInput(`${what} must be a number`)
    .refine(Number.isFinite, `${what} must be a number`)
    .refine((n) => !integer || Number.isInteger(n), `${what} must be a whole number`)
    .refine((n) => n >= min, `${what} must be at least ${min}`)
    .refine((n) => n <= max, `${what} must be at most ${max.toLocaleString('en-US')}`);
}

/** Blank or missing: the default. */
function withDefault(schema: ReturnType<typeof number>, fallback: number) {
  return z.preprocess(blankToUndefined, schema.optional()).transform((v) => v ?? fallback);
}

export const reclaimModeSchema = z.enum(RECLAIM_MODES, { error: `mode must be one of ${RECLAIM_MODES.join(', ')}` });

const L = RECLAIM_LIMITS;
const D = RECLAIM_DEFAULTS;

export const reclaimParamsSchema = z.object({
  mode: reclaimModeSchema,
  lockTimeoutSeconds: withDefault(number('lock timeout', L.lockTimeoutSeconds.min, L.lockTimeoutSeconds.max), D.lockTimeoutSeconds),
  statementTimeoutSeconds: withDefault(
    number('statement timeout', L.statementTimeoutSeconds.min, L.statementTimeoutSeconds.max),
    D.statementTimeoutSeconds,
  ),
  retries: withDefault(number('retries', L.retries.min, L.retries.max, true), D.retries),
  retryPauseSeconds: withDefault(number('retry pause', L.retryPauseSeconds.min, L.retryPauseSeconds.max), D.retryPauseSeconds),
});

export type ReclaimParams = z.infer<typeof reclaimParamsSchema>;
/** What a form or the CLI hands in: everything but the mode may be left out. */
export type ReclaimParamsInput = z.input<typeof reclaimParamsSchema>;

/**
 * A catalog name's shape. Control characters (NUL above all) are refused here:
 * no catalog holds them usefully, and identifier quoting rejects NUL, which
 * would otherwise surface as an unexpected error instead of a form message.
 */
const name = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} is at most 128 characters`)
    .refine((s) => !/[\u0000-\u001f]/.test(s), `${what} contains control characters`);

/** Schema and table names as typed by an operator; checked against the catalog before use. */
export const reclaimTableSchema = z.object({
  schema: name('schema').optional(),
  table: name('table'),
});
