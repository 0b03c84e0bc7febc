// Detected session tables with expired / live / total counts, and for
// operators the way into a cleanup.
import Link from 'next/link';
import type { SessionTableStat } from '@/lib/stats/types';
import { formatCount, formatPercent } from '@/lib/format';
import { middleTruncate } from './middle-truncate';

function ttlText(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function ruleText(s: SessionTableStat): string {
  const unit = s.expiryType === 'epoch-s' ? ' (epoch seconds)' : s.expiryType === 'epoch-ms' ? ' (epoch ms)' : '';
  return s.ttlSeconds ? `older than ${ttlText(s.ttlSeconds)}${unit}` : `before now${unit}`;
}

export function cleanupHref(target: string, s: Pick<SessionTableStat, 'schema' | 'table'>): string {
  return `/targets/${target}/cleanup?${new URLSearchParams({ schema: s.schema, table: s.table })}`;
}

export function logoutAllHref(target: string, s: Pick<SessionTableStat, 'schema' | 'table'>): string {
  return `/targets/${target}/logout-all?${new URLSearchParams({ schema: s.schema, table: s.table })}`;
}

export function SessionTables({ target, sessionTables, canClean }: { target: string; sessionTables: SessionTableStat[]; canClean: boolean }) {
  if (sessionTables.length === 0) {
    return <p className="text-sm text-slate-500">No session tables found (Django, Rails, Laravel, connect-pg-simple or express-mysql-session shapes).</p>;
  }
  const anyEstimate = sessionTables.some((s) => s.exact === false);
  const approx = (s: SessionTableStat) => (s.exact === false ? '≈ ' : '');
  // Below 640 px each session table is a block of its own (name, rule, the
  // three counts side by side, the share, the actions), so the numbers and
  // buttons are on screen instead of behind a sideways scroll. Labels on a
  // phone come from data-label through CSS, so the cells' text stays the figure.
  return (
    <div className="space-y-2">
      <div className="rounded-md border border-slate-200 sm:overflow-x-auto">
        <table className="block w-full text-sm sm:table">
          <thead className="hidden bg-slate-50 text-xs text-slate-600 sm:table-header-group">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-medium">Session table</th>
              <th scope="col" className="px-3 py-2 text-left font-medium">Preset</th>
              <th scope="col" className="px-3 py-2 text-left font-medium">Expired when</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Expired</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Live</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Total</th>
              <th scope="col" className="px-3 py-2 text-left font-medium">Share expired</th>
              {canClean && <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody className="block divide-y divide-slate-100 sm:table-row-group">
            {sessionTables.map((s) => {
              const share = s.total > 0 ? s.expired / s.total : 0;
              return (
                <tr key={`${s.schema}.${s.table}`} className="grid grid-cols-3 gap-x-3 gap-y-2 p-3 sm:table-row sm:p-0">
                  <td className="col-span-3 min-w-0 break-all font-medium text-slate-900 sm:table-cell sm:whitespace-nowrap sm:break-normal sm:px-3 sm:py-2">
                    <span className="text-slate-400" title={s.schema}>{middleTruncate(s.schema, 24)}.</span>
                    {s.table}
                  </td>
                  <td className="text-slate-700 sm:table-cell sm:whitespace-nowrap sm:px-3 sm:py-2">{s.preset}</td>
                  <td className="col-span-2 text-slate-700 sm:table-cell sm:px-3 sm:py-2">
                    <code className="text-xs">{s.expiryColumn}</code> {ruleText(s)}
                  </td>
                  <td data-label="Expired" className="cell-label font-semibold tabular-nums text-slate-900 sm:table-cell sm:px-3 sm:py-2 sm:text-right">
                    <span>{approx(s) + formatCount(s.expired)}</span>
                  </td>
                  <td data-label="Live" className="cell-label tabular-nums sm:table-cell sm:px-3 sm:py-2 sm:text-right">
                    <span>{approx(s) + formatCount(s.live)}</span>
                  </td>
                  <td data-label="Total" className="cell-label tabular-nums sm:table-cell sm:px-3 sm:py-2 sm:text-right">
                    <span>{approx(s) + formatCount(s.total)}</span>
                  </td>
                  <td className="col-span-3 sm:table-cell sm:px-3 sm:py-2">
                    <span className="flex items-center gap-2">
                      <span aria-hidden className="h-2 w-24 overflow-hidden rounded-full bg-slate-100">
                        <span className="block h-full bg-amber-500" style={{ width: `${share * 100}%` }} />
                      </span>
                      <span className="tabular-nums text-slate-600">{formatPercent(share)}</span>
                    </span>
                  </td>
                  {canClean && (
                    <td className="col-span-3 flex flex-wrap gap-2 sm:table-cell sm:whitespace-nowrap sm:px-3 sm:py-2 sm:text-right">
                      <Link
                        href={cleanupHref(target, s)}
                        prefetch={false}
                        className="inline-flex items-center whitespace-nowrap rounded-md bg-slate-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-slate-700"
                      >
                        Start cleanup
                      </Link>
                      <Link
                        href={logoutAllHref(target, s)}
                        prefetch={false}
                        className="inline-flex items-center whitespace-nowrap rounded-md px-2.5 py-1 text-xs font-medium text-red-700 ring-1 ring-inset ring-red-200 hover:bg-red-50 sm:ml-2"
                      >
                        Log everyone out
                      </Link>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {anyEstimate && <p className="text-xs text-slate-500">≈ estimated: the table is too large for an exact count within the time limit.</p>}
    </div>
  );
}
