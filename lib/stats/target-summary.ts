// What the overview shows per target: size, table count and expired sessions.
// Lighter than the full report: no index or bloat queries.
import 'server-only';
import { cache } from 'react';
import { env } from '../env';
import { getTarget } from '../targets/registry';
import { detectSessionTables } from '../session-tables/detect';
import { PRESET_TABLE_NAMES } from '../session-tables/presets';
import { failure } from './take-space-report';
import type { ErrorKind } from '../errors';

export type TargetSummary = {
  databaseName: string;
  sizeBytes: number;
  tableCount: number;
  sessionTableCount: number;
  expiredSessions: number;
  /** false when at least one count is an estimate (a very large table) */
  expiredExact: boolean;
  /** each detected session table: its counts and its size on disk, for the overview's "needs attention" list */
  sessionTables: { schema: string; table: string; expired: number; total: number; exact: boolean; totalBytes: number }[];
};

export type SummaryOutcome = { ok: true; summary: TargetSummary } | { ok: false; error: string; kind: ErrorKind };

/** Once per request, however many parts of the overview ask (React cache). */
export const targetSummary = cache((target: string) => getTargetSummary(target));

export async function getTargetSummary(target: string): Promise<SummaryOutcome> {
  try {
    const adapter = getTarget(target);
    const now = new Date();
    const [database, tables, catalog] = await Promise.all([
      adapter.database(),
      adapter.tables(),
      adapter.catalogTables({ names: PRESET_TABLE_NAMES }),
    ]);
    const detected = detectSessionTables(catalog, { targetZone: adapter.timestampZone });
    const counts = await Promise.all(
      detected.map((d) => adapter.countSessions(d, { now, exactMaxRows: env().JANITOR_EXACT_COUNT_MAX_ROWS })),
    );
    return {
      ok: true,
      summary: {
        databaseName: database.name,
        sizeBytes: database.sizeBytes,
        tableCount: tables.length,
        sessionTableCount: detected.length,
        expiredSessions: counts.reduce((n, c) => n + c.expired, 0),
        expiredExact: counts.every((c) => c.exact),
        sessionTables: detected.map((d, i) => ({
          schema: d.schema,
          table: d.table,
          expired: counts[i]!.expired,
          total: counts[i]!.total,
          exact: counts[i]!.exact,
          totalBytes: tables.find((t) => t.schema === d.schema && t.name === d.table)?.totalBytes ?? 0,
        })),
      },
    };
  } catch (e) {
    return failure(e, `summary of "${target}"`);
  }
}
