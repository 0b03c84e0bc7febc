// The biggest tables as stacked bars: table (heap) / index / TOAST bytes,
// scaled to the largest table so lengths compare across rows.
import type { TableStat } from '@/lib/stats/types';
import { formatBytes } from '@/lib/format';
import { middleTruncate } from './middle-truncate';

const PARTS = [
  { key: 'tableBytes', label: 'Table', className: 'bg-table' },
  { key: 'indexBytes', label: 'Indexes', className: 'bg-index' },
  { key: 'toastBytes', label: 'TOAST', className: 'bg-toast' },
] as const;

export function SizeChart({ tables, limit = 15 }: { tables: TableStat[]; limit?: number }) {
  const top = [...tables].sort((a, b) => b.totalBytes - a.totalBytes).slice(0, limit);
  const max = Math.max(1, ...top.map((t) => t.totalBytes));
  const hasToast = tables.some((t) => t.toastBytes > 0);
  const parts = PARTS.filter((p) => p.key !== 'toastBytes' || hasToast);
  const sums = Object.fromEntries(parts.map((p) => [p.key, tables.reduce((n, t) => n + t[p.key], 0)]));
  if (top.length === 0) return <p className="text-sm text-slate-500">This database has no user tables.</p>;
  return (
    <figure className="space-y-3">
      <figcaption className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
        {parts.map((p) => (
          <span key={p.key} className="inline-flex items-center gap-1.5">
            <span aria-hidden className={`inline-block size-2.5 rounded-sm ${p.className}`} />
            {p.label} <span className="tabular-nums text-slate-400">({formatBytes(sums[p.key])} in all tables)</span>
          </span>
        ))}
      </figcaption>
      <ol className="space-y-1.5">
        {top.map((t) => (
          <li key={`${t.schema}.${t.name}`} className="grid grid-cols-[minmax(0,14rem)_1fr_5rem] items-center gap-3 text-sm">
            <span className="truncate text-slate-700" title={`${t.schema}.${t.name}`}>
              {middleTruncate(t.name, 30)}
            </span>
            <span
              className="flex h-4 overflow-hidden rounded-sm bg-slate-100"
              role="img"
              aria-label={`${t.name}: ${parts.map((p) => `${p.label.toLowerCase()} ${formatBytes(t[p.key])}`).join(', ')}`}
            >
              {parts.map((p) =>
                t[p.key] > 0 ? (
                  <span
                    key={p.key}
                    className={`${p.className} h-full`}
                    style={{ width: `${(t[p.key] / max) * 100}%` }}
                    title={`${p.label}: ${formatBytes(t[p.key])}`}
                  />
                ) : null,
              )}
            </span>
            <span className="text-right tabular-nums text-slate-700">{formatBytes(t.totalBytes)}</span>
          </li>
        ))}
      </ol>
      {tables.length > top.length && <p className="text-xs text-slate-500">The {top.length} largest of {tables.length.toLocaleString('en-US')} tables.</p>}
    </figure>
  );
}
