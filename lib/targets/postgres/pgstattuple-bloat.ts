// Measured btree bloat with the pgstattuple extension, when the target has it.
// pgstatindex reads every page of an index, so only the largest few are
// measured, one after another (not in parallel: this is someone's production
// disk), each under a statement timeout and all under a shared time budget.
// Whatever is not measured keeps its estimate.
import 'server-only';
import { isAppError } from '../../errors';
import { quoteIdent } from '../quote-identifier';
import type { PgSession } from './pg-query';

export type MeasureCandidate = { oid: number; fillfactor: number };

export type MeasureOptions = {
  /** how many of the candidates (largest first) to try */
  limit: number;
  /** per-index statement timeout */
  perIndexMs: number;
  /** total time for all measurements */
  budgetMs: number;
};

export const DEFAULT_MEASURE: MeasureOptions = { limit: 20, perIndexMs: 2_000, budgetMs: 5_000 };

export type MeasureResult = {
  /** extension schema, or null when pgstattuple is not installed */
  extensionSchema: string | null;
  /** bloat ratio (0..1) per measured index oid */
  ratios: Map<number, number>;
  /** candidates given up on: timeout, spent budget */
  skipped: number;
  /** the role may not run pgstatindex */
  denied: boolean;
};

type StatRow = {
  avg_leaf_density: number;
  leaf_pages: number;
  empty_pages: number;
  deleted_pages: number;
  index_size: number;
};

/**
 * Bloat from pgstatindex: leaf pages beyond what the live entries would fill
 * at the fillfactor, plus empty and deleted pages. Counted in whole pages, so
 * a freshly built index, or a tiny one whose single leaf is half full,
 * measures 0.
 */
export function pgstatindexBloatRatio(r: StatRow, fillfactor: number, blockSize: number): number {
  const size = Number(r.index_size);
  if (size <= 0) return 0;
  const density = Number(r.avg_leaf_density);
  const leafPages = Number(r.leaf_pages);
  // NaN density: no leaf pages with tuples
  const neededLeaves = Number.isFinite(density) ? Math.ceil((leafPages * Math.min(density, fillfactor)) / fillfactor) : 0;
  const wastedPages = Math.max(0, leafPages - neededLeaves) + Number(r.empty_pages) + Number(r.deleted_pages);
  return Math.min(1, (wastedPages * blockSize) / size);
}

export async function measureWithPgstattuple(
  session: PgSession,
  candidates: MeasureCandidate[],
  blockSize: number,
  opts: MeasureOptions = DEFAULT_MEASURE,
): Promise<MeasureResult> {
  const [ext] = await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pgstattuple'`,
  );
  const result: MeasureResult = { extensionSchema: ext?.schema ?? null, ratios: new Map(), skipped: 0, denied: false };
  if (!ext) return result;

  const fn = `${quoteIdent('postgres', ext.schema)}.pgstatindex`;
  const deadline = performance.now() + opts.budgetMs;
  const todo = candidates.slice(0, opts.limit);
  for (let i = 0; i < todo.length; i++) {
    const c = todo[i]!;
    const remaining = deadline - performance.now();
    if (remaining < 50) {
      result.skipped += todo.length - i;
      break;
    }
    try {
      const [row] = await session.guarded(
        { statementTimeoutMs: Math.min(opts.perIndexMs, remaining), lockTimeoutMs: 1_000 },
        (q) =>
          q<StatRow>(
            `SELECT avg_leaf_density, leaf_pages, empty_pages, deleted_pages, index_size FROM ${fn}($1::oid::regclass)`,
            [c.oid],
          ),
      );
      if (row) result.ratios.set(c.oid, pgstatindexBloatRatio(row, c.fillfactor, blockSize));
    } catch (e) {
      if (isAppError(e) && e.kind === 'permission') {
        // pgstatindex is for superusers and pg_stat_scan_tables members; estimates stay.
        result.denied = true;
        break;
      }
      if (isAppError(e) && (e.kind === 'unreachable' || e.kind === 'auth')) throw e;
      // timed out, or the index went away meanwhile: keep its estimate
      result.skipped++;
    }
  }
  return result;
}
