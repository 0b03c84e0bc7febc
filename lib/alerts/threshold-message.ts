// What a threshold alert says: the table, the figure, the limit it crossed,
// and a link to the target's report.
import 'server-only';
import { formatBytes, formatCount } from '../format';
import type { Thresholds } from '../schemas/webhook';
import type { AlertMessage, ThresholdRule } from './events';
import type { TableFigures } from './check-thresholds';

/** Days until the fitted size reaches `bytes` (0 when it already has); null when it does not grow. */
export function daysToReach(fc: NonNullable<TableFigures['forecast']>, bytes: number): number | null {
  if (fc.bytesNow >= bytes) return 0;
  return fc.bytesPerDay > 0 ? (bytes - fc.bytesNow) / fc.bytesPerDay : null;
}

export function thresholdMessage(rule: ThresholdRule, t: Thresholds, f: TableFigures): AlertMessage {
  const name = `${f.schema}.${f.table}`;
  const size = `Total size now: ${formatBytes(f.totalBytes)}.`;
  const base = { event: `threshold.${rule}` as const, severity: 'warning' as const, target: f.target, schema: f.schema, table: f.table, path: `/targets/${encodeURIComponent(f.target)}`, at: new Date() };
  switch (rule) {
    case 'expired-rows':
      return {
        ...base,
        title: `${name} on ${f.target} holds ${formatCount(f.expiredRows)} expired sessions`,
        lines: [`Alert above ${formatCount(t.expiredRowsAbove)} expired sessions.`, size, 'A cleanup deletes them gracefully; then reclaim the disk.'],
        details: { rule, expiredRows: f.expiredRows, limit: t.expiredRowsAbove, totalBytes: f.totalBytes },
      };
    case 'table-size':
      return {
        ...base,
        title: `${name} on ${f.target} is ${formatBytes(f.totalBytes)}`,
        lines: [`Alert above ${formatBytes(t.tableBytesAbove)}.`, ...(f.expiredRows != null ? [`${formatCount(f.expiredRows)} of its sessions are expired.`] : [])],
        details: { rule, totalBytes: f.totalBytes, limit: t.tableBytesAbove },
      };
    case 'growth':
      return {
        ...base,
        title: `${name} on ${f.target} grows ${formatBytes(f.growthBytesPerDay)} per day`,
        lines: [`Alert above ${formatBytes(t.growthBytesPerDayAbove)} per day.`, size],
        details: { rule, growthBytesPerDay: f.growthBytesPerDay, limit: t.growthBytesPerDayAbove, totalBytes: f.totalBytes },
      };
    case 'forecast': {
      const days = daysToReach(f.forecast!, t.forecast!.bytes)!;
      const when = days <= 0 ? 'has already reached' : `will reach ${formatBytes(t.forecast!.bytes)} in about ${Math.max(1, Math.round(days))} day${Math.round(days) === 1 ? '' : 's'}`;
      return {
        ...base,
        title: `${name} on ${f.target} ${days <= 0 ? `${when} ${formatBytes(t.forecast!.bytes)}` : when}`,
        lines: [`Forecast from its growth of ${formatBytes(f.forecast!.bytesPerDay)} per day; alert when it would reach ${formatBytes(t.forecast!.bytes)} within ${t.forecast!.withinDays} days.`, size],
        details: { rule, daysToReach: Math.round(days * 10) / 10, bytesPerDay: f.forecast!.bytesPerDay, bytesNow: f.forecast!.bytesNow, limitBytes: t.forecast!.bytes, withinDays: t.forecast!.withinDays },
      };
    }
  }
}
