// The figures the threshold rules are checked against after a target's
// sample: each table's newest size, the newest expired count of its session
// tables (from the last sample or report), and the growth and forecast of the largest
// tables over the forecast's window. All from the store: nothing here talks
// to the target.
import 'server-only';
import { latestSessionCounts, latestTables } from '../history/latest-samples';
import { tableSeries } from '../history/read-history';
import { forecastGrowth, WINDOW_DAYS } from '../history/forecast';
import type { TableFigures } from './check-thresholds';

/** Growth is fitted for this many of the largest tables (and every session table): a 2,000-table target stays cheap. */
const GROWTH_TABLES = 50;

export async function thresholdFigures(target: string, now = new Date()): Promise<TableFigures[]> {
  const tables = (await latestTables(target)).sort((a, b) => b.totalBytes - a.totalBytes);
  const sessions = new Map((await latestSessionCounts()).filter((s) => s.target === target).map((s) => [`${s.schema}.${s.table}`, s]));
  const fitted = tables.filter((t, i) => i < GROWTH_TABLES || sessions.has(`${t.schema}.${t.table}`));
  const series = await tableSeries({ target, days: WINDOW_DAYS, tables: fitted.map((t) => ({ schema: t.schema, table: t.table })), now });
  return tables.map((t) => {
    const key = `${t.schema}.${t.table}`;
    const points = series.get(key)?.points;
    const f = points ? forecastGrowth(points) : null;
    const last = points?.at(-1);
    return {
      target,
      schema: t.schema,
      table: t.table,
      totalBytes: t.totalBytes,
      expiredRows: sessions.get(key)?.expired ?? null,
      growthBytesPerDay: f?.ok ? f.perDay : null,
      forecast: f?.ok && last ? { bytesNow: last.bytes, bytesPerDay: f.perDay } : null,
    };
  });
}
