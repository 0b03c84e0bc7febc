'use client';
// A table sorted by clicking a header (again to reverse) and filtered by a
// text box. Long lists show the first rows with a "Show all" button, so a
// database with thousands of tables stays responsive. Sort and filter live in
// the address (?tables.sort=rows&tables.dir=asc&tables.q=sess), so a reload or
// a shared link shows the same view.
import { useDeferredValue, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'next/navigation';

export type Column<R> = {
  key: string;
  label: string;
  /** right-aligned, tabular figures, sorted biggest first on the first click */
  numeric?: boolean;
  sortValue?: (row: R) => number | string | null | undefined;
  render: (row: R) => ReactNode;
  title?: string;
};

type Sort = { key: string; dir: 'asc' | 'desc' };

export function SortableTable<R>({
  rows,
  columns,
  rowKey,
  filterText,
  filterLabel,
  noun,
  initialSort,
  pageSize = 100,
  urlKey,
}: {
  rows: R[];
  columns: Column<R>[];
  rowKey: (row: R) => string;
  filterText: (row: R) => string;
  filterLabel: string;
  /** plural, e.g. "tables" */
  noun: string;
  initialSort: Sort;
  pageSize?: number;
  /** prefix of this table's keys in the address, e.g. "tables" */
  urlKey: string;
}) {
  const params = useSearchParams();
  const fromUrl = (): Sort => {
    const key = params.get(`${urlKey}.sort`);
    const dir = params.get(`${urlKey}.dir`);
    return key && columns.some((c) => c.key === key && c.sortValue) ? { key, dir: dir === 'asc' ? 'asc' : 'desc' } : initialSort;
  };
  const [filter, setFilter] = useState(() => (params.get(`${urlKey}.q`) ?? '').slice(0, 200));
  const [sort, setSort] = useState<Sort>(fromUrl);
  // Written with history.replaceState: no navigation, no new server render, and Next's useSearchParams follows it.
  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    const set = (k: string, v: string | null) => (v ? q.set(`${urlKey}.${k}`, v) : q.delete(`${urlKey}.${k}`));
    const isDefault = sort.key === initialSort.key && sort.dir === initialSort.dir;
    set('sort', isDefault ? null : sort.key);
    set('dir', isDefault ? null : sort.dir);
    set('q', filter.trim() || null);
    const next = q.toString();
    if (next !== window.location.search.replace(/^\?/, '')) window.history.replaceState(window.history.state, '', `${window.location.pathname}${next ? `?${next}` : ''}`);
  }, [sort, filter, urlKey, initialSort.key, initialSort.dir]);
  const [showAll, setShowAll] = useState(false);
  const deferredFilter = useDeferredValue(filter);

  const visible = useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    const matched = needle ? rows.filter((r) => filterText(r).toLowerCase().includes(needle)) : rows.slice();
    const col = columns.find((c) => c.key === sort.key);
    if (col?.sortValue) {
      const value = col.sortValue;
      const sign = sort.dir === 'asc' ? 1 : -1;
      matched.sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        // Missing values ("never vacuumed", "no estimate") go last either way.
        if (va === null || va === undefined) return vb === null || vb === undefined ? 0 : 1;
        if (vb === null || vb === undefined) return -1;
        if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sign;
        return String(va).localeCompare(String(vb)) * sign;
      });
    }
    return matched;
  }, [rows, columns, filterText, deferredFilter, sort]);

  const shown = showAll ? visible : visible.slice(0, pageSize);

  function clickHeader(c: Column<R>) {
    setSort((s) => (s.key === c.key ? { key: c.key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: c.numeric ? 'desc' : 'asc' }));
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-600">
          <span>{filterLabel}</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="name or schema"
            className="w-56 rounded-md border border-slate-300 px-2.5 py-1 text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500"
          />
        </label>
        <p className="text-xs text-slate-500" aria-live="polite">
          {visible.length === rows.length
            ? `${rows.length.toLocaleString('en-US')} ${noun}`
            : `${visible.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} ${noun} match`}
        </p>
      </div>
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-xs text-slate-600">
            <tr>
              {columns.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    className={`whitespace-nowrap border-b border-slate-200 px-2.5 py-2 font-medium ${c.numeric ? 'text-right' : 'text-left'}`}
                    title={c.title}
                  >
                    {c.sortValue ? (
                      <button
                        type="button"
                        onClick={() => clickHeader(c)}
                        // The arrow sits on the side away from the figures, so right-aligned labels line up with their numbers.
                        className={`inline-flex items-center gap-1 hover:text-slate-900 ${c.numeric ? 'flex-row-reverse' : ''} ${active ? 'text-slate-900' : ''}`}
                      >
                        {c.label}
                        <span aria-hidden className={`text-[10px] ${active ? '' : 'invisible'}`}>
                          {sort.dir === 'asc' ? '▲' : '▼'}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.map((r) => (
              <tr key={rowKey(r)} className="hover:bg-slate-50">
                {columns.map((c) => (
                  <td key={c.key} className={`whitespace-nowrap px-2.5 py-1.5 ${c.numeric ? 'text-right tabular-nums' : 'text-left'}`}>
                    {c.render(r)}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-3 py-6 text-center text-slate-500">
                  {rows.length === 0 ? `No ${noun}.` : `No ${noun} match “${filter}”.`}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {visible.length > shown.length && (
        <button type="button" onClick={() => setShowAll(true)} className="text-sm font-medium text-blue-700 hover:text-blue-900">
          Show all {visible.length.toLocaleString('en-US')} {noun}
        </button>
      )}
    </div>
  );
}
