// A plain GET form: filters live in the URL, so a filtered view can be shared
// and the browser's back button works.
import Link from 'next/link';
import type { AuditFilter } from '@/lib/schemas/audit-filter';

function Select({ id, label, value, options, all }: { id: string; label: string; value?: string; options: string[]; all: string }) {
  // Keep a filter from the URL selectable even if it no longer appears in the log.
  const list = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <label htmlFor={id} className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select id={id} name={id} defaultValue={value ?? ''} className="w-48 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal text-slate-900 shadow-sm">
        <option value="">{all}</option>
        {list.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AuditFilters({ filter, actors, actions }: { filter: AuditFilter; actors: string[]; actions: string[] }) {
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-3">
      <Select id="actor" label="Actor" value={filter.actor} options={actors} all="Everyone" />
      <Select id="action" label="Action" value={filter.action} options={actions} all="All actions" />
      <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
        Filter
      </button>
      {(filter.actor || filter.action) && (
        <Link href="/audit" className="py-1.5 text-sm text-slate-500 hover:text-slate-900">
          Clear filters
        </Link>
      )}
    </form>
  );
}
