// Everything a run needs before its first batch, shared by the runner, the
// CLI and the start form's preview: the spec checked against the catalog, the
// cutoff turned into the bound every DELETE compares with, the expired count
// (exact when cheap), and the strategy with its reason. Nothing is deleted.
import { cutoffInstant } from '../session-tables/expiry';
import type { ExpirySpec } from '../session-tables/expiry-spec';
import type { CleanupParams } from '../schemas/cleanup-params';
import type { CleanupCursor, CleanupDriver, ExpiredEstimate, ExpiryBoundary, ExpiryBoundValue, TableFacts } from './driver';
import { planCleanup, type CleanupPlan } from './planner';

export type PreparedCleanup = {
  table: TableFacts;
  /** the moment the run's cutoff was fixed */
  cutoff: Date;
  /** the cutoff in the column's terms: what every DELETE compares with */
  bound: ExpiryBoundValue;
  /** the instant the bound names (the cutoff less the TTL) */
  boundAt: Date;
  /** the newest row the run deletes and the oldest it keeps */
  boundary: ExpiryBoundary;
  estimate: ExpiredEstimate;
  plan: CleanupPlan;
};

export async function prepareCleanup(opts: {
  driver: CleanupDriver;
  spec: ExpirySpec;
  /** fixed once per run; a resumed run passes its stored cutoff */
  cutoff: Date;
  params: Pick<CleanupParams, 'strategy'>;
  /** tables up to this many rows get an exact count (default 1M) */
  exactMaxRows?: number;
  /** a log-everyone-out run (see planCleanup) */
  everySession?: boolean;
}): Promise<PreparedCleanup> {
  const table = await opts.driver.inspect(opts.spec);
  const boundAt = cutoffInstant(opts.spec, opts.cutoff);
  const bound = await opts.driver.storedCutoff(table, boundAt);
  // A log-everyone-out has no boundary to check (its cutoff is beyond every row): skip the two probes.
  const boundary = opts.everySession ? { newestDeleted: null, oldestKept: null, complete: true } : await opts.driver.boundary(table, bound);
  const estimate = await opts.driver.estimateExpired(table, bound, { exactMaxRows: opts.exactMaxRows });
  const plan = planCleanup({ table, estimate, requested: opts.params.strategy, everySession: opts.everySession });
  return { table, cutoff: opts.cutoff, bound, boundAt, boundary, estimate, plan };
}

/** A run's first cursor, seeded from the estimate: the expired share sizes the first range, the counts give rows per page. */
export function firstCursor(driver: CleanupDriver, p: Pick<PreparedCleanup, 'table' | 'plan' | 'estimate'>): Promise<CleanupCursor> {
  return driver.startCursor(p.table, p.plan.strategy, { fraction: p.estimate.fraction, expired: p.estimate.expired, total: p.estimate.total });
}

export type CleanupPreview = PreparedCleanup & {
  /** one batch run and rolled back, timed; null when sampling was skipped or nothing is expired */
  sampleMs: number | null;
  sampleDeleted: number | null;
  /** batches × (sample time + sleep), seconds; null without a sample */
  estimatedSeconds: number | null;
  /** one DELETE of every expired row at the sample's rate, seconds; null without a sample that deleted rows */
  oneDeleteSeconds: number | null;
};

/**
 * Up to this long, one DELETE of everything expired is a choice worth showing
 * next to the graceful run: its row locks last about as long as a slow page.
 */
export const SHORT_DELETE_SECONDS = 2;

/** What one DELETE of all `expired` rows takes at the sample batch's rate. */
export function oneDeleteSeconds(expired: number, sampleDeleted: number | null, sampleMs: number | null): number | null {
  if (sampleDeleted === null || sampleMs === null || sampleDeleted <= 0) return null;
  return (expired * sampleMs) / sampleDeleted / 1000;
}

/**
 * The start form's preview: prepare, then time one real batch inside a
 * transaction that is rolled back (it deletes nothing, but briefly locks the
 * expired rows of one batch, like a batch of the run would).
 */
export async function previewCleanup(opts: {
  driver: CleanupDriver;
  spec: ExpirySpec;
  cutoff: Date;
  params: Pick<CleanupParams, 'strategy' | 'deleteCount' | 'sleepSeconds'>;
  sample?: boolean;
  exactMaxRows?: number;
  now?: () => number;
}): Promise<CleanupPreview> {
  const prepared = await prepareCleanup(opts);
  const { table, bound, estimate } = prepared;
  if (opts.sample === false || estimate.expired === 0) {
    return { ...prepared, sampleMs: null, sampleDeleted: null, estimatedSeconds: estimate.expired === 0 ? 0 : null, oneDeleteSeconds: null };
  }
  const now = opts.now ?? (() => performance.now());
  const cursor = await firstCursor(opts.driver, prepared);
  const t0 = now();
  const r = await opts.driver.deleteBatch({ table, cursor, size: opts.params.deleteCount, bound, rollback: true });
  const sampleMs = now() - t0;
  // Batches aim at deleteCount rows each; the sample times one of them.
  const batches = Math.ceil(estimate.expired / opts.params.deleteCount);
  return {
    ...prepared,
    sampleMs,
    sampleDeleted: r.deleted,
    estimatedSeconds: batches * (sampleMs / 1000 + opts.params.sleepSeconds),
    oneDeleteSeconds: oneDeleteSeconds(estimate.expired, r.deleted, sampleMs),
  };
}
