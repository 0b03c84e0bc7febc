// One section of a space report as CSV. Column names are the JSON keys of
// `janitor stats --json`, plus the extras the page shows.
import { toCsv } from '../csv';
import type { SpaceReport } from './types';

export const REPORT_SECTIONS = ['tables', 'indexes', 'sessions'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export function reportSectionCsv(report: SpaceReport, section: ReportSection): string {
  switch (section) {
    case 'tables':
      return toCsv(
        ['schema', 'name', 'rowEstimate', 'tableBytes', 'indexBytes', 'toastBytes', 'totalBytes', 'deadRows', 'freeBytes', 'lastVacuum', 'lastAutovacuum', 'lastAnalyze', 'lastAutoanalyze'],
        report.tables.map((t) => [
          t.schema, t.name, t.rowEstimate, t.tableBytes, t.indexBytes, t.toastBytes, t.totalBytes, t.deadRows, t.freeBytes,
          t.lastVacuum, t.lastAutovacuum, t.lastAnalyze, t.lastAutoanalyze,
        ]),
      );
    case 'indexes':
      return toCsv(
        ['schema', 'table', 'name', 'bytes', 'bloatBytes', 'bloatRatio', 'bloatMethod', 'scans'],
        report.indexes.map((i) => [i.schema, i.table, i.name, i.bytes, i.bloatBytes, i.bloatRatio, i.bloatMethod, i.scans]),
      );
    case 'sessions':
      return toCsv(
        ['schema', 'table', 'preset', 'expiryColumn', 'expired', 'live', 'total', 'exact'],
        report.sessionTables.map((s) => [s.schema, s.table, s.preset, s.expiryColumn, s.expired, s.live, s.total, s.exact ?? true]),
      );
  }
}

/** A file name like `main-tables-2025-01-31T1200Z.csv` (target names are already [a-z0-9_-]). */
export function reportFileName(target: string, section: string, takenAt: string, ext: 'csv' | 'json'): string {
  const stamp = takenAt.slice(0, 16).replace(/:/g, '') + 'Z';
  return `${target}-${section}-${stamp}.${ext}`;
}
