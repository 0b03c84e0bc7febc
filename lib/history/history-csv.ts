// The size history as CSV: one line per stored row (a table at one sample).
import { toCsv } from '../csv';
import type { HistoryRow } from './read-history';

export const HISTORY_COLUMNS = ['target', 'schema', 'table', 'at', 'resolution', 'totalBytes', 'indexBytes', 'deadRows', 'rowEstimate', 'expiredRows', 'liveRows'] as const;

export function historyCsv(rows: HistoryRow[]): string {
  return toCsv(HISTORY_COLUMNS, rows.map((r) => HISTORY_COLUMNS.map((c) => r[c])));
}
