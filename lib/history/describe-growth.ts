// One sentence per forecast, the same on the report, the overview and in tests:
// "django_session grows 310 MB/week; 18 GB in 30 days (range 17–19 GB)".
import { formatBytes } from '../format';
import type { Forecast } from './forecast';

export function describeGrowth(name: string, f: Forecast): string {
  if (!f.ok) return `${name}: no forecast. ${f.message}`;
  // A range narrower than the rounding would read "12.9 MB–12.9 MB": give its half-width instead.
  const range = formatBytes(f.low) === formatBytes(f.high) ? `range ±${formatBytes((f.high - f.low) / 2)}` : `range ${formatBytes(f.low)}–${formatBytes(f.high)}`;
  if (f.flat) return `${name} holds steady (${signed(f.perWeek)}/week, within the noise); ${formatBytes(f.bytes)} in ${f.horizonDays} days (${range}).`;
  const verb = f.perWeek >= 0 ? 'grows' : 'shrinks';
  return `${name} ${verb} ${formatBytes(Math.abs(f.perWeek))}/week; ${formatBytes(f.bytes)} in ${f.horizonDays} days (${range}).`;
}

export function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`;
}
