'use client';
import { useMemo } from 'react';
import type { IndexStat } from '@/lib/stats/types';
import { formatBytes, formatCount, formatPercent } from '@/lib/format';
import { SortableTable, type Column } from './sortable-table';
import { middleTruncate } from './middle-truncate';

const METHOD_LABEL: Record<IndexStat['bloatMethod'], { text: string; title: string }> = {
  estimate: { text: 'estimate', title: 'Estimated from planner statistics (pg_stats); can mislead on tiny or TOAST-heavy tables' },
  pgstattuple: { text: 'pgstattuple', title: 'Measured with the pgstattuple extension (pgstatindex)' },
  innodb: { text: 'innodb', title: 'From InnoDB index statistics (mysql.innodb_index_stats)' },
};

const COLUMNS: Column<IndexStat>[] = [
  {
    key: 'table',
    label: 'Table',
    sortValue: (i) => `${i.schema}.${i.table}`,
    render: (i) => (
      <span className="block max-w-80 truncate" title={`${i.schema}.${i.table}`}>
        <span className="text-slate-400">{middleTruncate(i.schema, 12)}.</span>
        {middleTruncate(i.table, 26)}
      </span>
    ),
  },
  {
    key: 'name',
    label: 'Index',
    sortValue: (i) => i.name,
    render: (i) => (
      <span className="flex items-center gap-1.5">
        <span className="block max-w-80 truncate font-medium text-slate-900" title={i.name}>
          {middleTruncate(i.name, 40)}
        </span>
        {i.primary ? <span className="text-xs text-slate-400">primary</span> : i.unique ? <span className="text-xs text-slate-400">unique</span> : null}
      </span>
    ),
  },
  { key: 'bytes', label: 'Size', numeric: true, sortValue: (i) => i.bytes, render: (i) => <span title={`${formatCount(i.bytes)} bytes`}>{formatBytes(i.bytes)}</span> },
  { key: 'scans', label: 'Scans', numeric: true, sortValue: (i) => i.scans, render: (i) => formatCount(i.scans), title: 'Index scans since statistics were reset (PostgreSQL)' },
  { key: 'bloat', label: 'Bloat', numeric: true, sortValue: (i) => i.bloatBytes, render: (i) => formatBytes(i.bloatBytes), title: 'Space the index would give back if rebuilt' },
  {
    key: 'ratio',
    label: 'Bloat %',
    numeric: true,
    sortValue: (i) => i.bloatRatio,
    render: (i) => <span className={i.bloatRatio !== null && i.bloatRatio >= 0.5 ? 'font-semibold text-amber-700' : ''}>{formatPercent(i.bloatRatio)}</span>,
  },
  {
    key: 'method',
    label: 'Method',
    sortValue: (i) => i.bloatMethod,
    render: (i) => (
      <span title={METHOD_LABEL[i.bloatMethod].title} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
        {METHOD_LABEL[i.bloatMethod].text}
      </span>
    ),
  },
];

const filterText = (i: IndexStat) => `${i.schema}.${i.table} ${i.name}`;
const rowKey = (i: IndexStat) => `${i.schema}.${i.table}.${i.name}`;

export function IndexesTable({ indexes }: { indexes: IndexStat[] }) {
  // Scan counts exist on PostgreSQL only; a column of dashes says nothing.
  const hasScans = indexes.some((i) => i.scans !== null && i.scans !== undefined);
  const columns = useMemo(() => (hasScans ? COLUMNS : COLUMNS.filter((c) => c.key !== 'scans')), [hasScans]);
  return (
    <SortableTable
      rows={indexes}
      columns={columns}
      rowKey={rowKey}
      filterText={filterText}
      filterLabel="Filter indexes"
      noun="indexes"
      urlKey="indexes"
      initialSort={{ key: 'bytes', dir: 'desc' }}
      pageSize={50}
    />
  );
}
