'use client';
import { useMemo } from 'react';
import Link from 'next/link';
import type { TableStat } from '@/lib/stats/types';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { formatBytes, formatCount } from '@/lib/format';
import { formatAgo, formatUtc, latestOf } from '@/lib/format-time';
import { SortableTable, type Column } from './sortable-table';
import { middleTruncate } from './middle-truncate';

const bytes = (v: number | null) => <span title={v === null ? undefined : `${formatCount(v)} bytes`}>{formatBytes(v)}</span>;

const when = (iso?: string | null) => (iso ? formatUtc(iso) : 'never');

function Maintenance({ manual, auto, takenAt, what }: { manual?: string | null; auto?: string | null; takenAt: string; what: 'vacuum' | 'analyze' }) {
  const last = latestOf(manual, auto);
  const title = `${what.toUpperCase()}: ${when(manual)}\nauto${what}: ${when(auto)}`;
  return (
    <span title={title} className={last.at ? 'text-slate-700' : 'text-slate-400'}>
      {formatAgo(last.at, takenAt)}
      {last.auto && <span className="ml-1 text-xs text-slate-400">auto</span>}
    </span>
  );
}

export function reclaimHref(target: string, t: Pick<TableStat, 'schema' | 'name'>): string {
  return `/targets/${target}/reclaim?${new URLSearchParams({ schema: t.schema, table: t.name })}`;
}

function columnsFor(dialect: 'postgres' | 'mysql', takenAt: string, reclaimTarget: string | null): Column<TableStat>[] {
  const facts = dialectFacts(dialect).report;
  const cols: Column<TableStat>[] = [
    {
      key: 'schema',
      label: 'Schema',
      sortValue: (t) => t.schema,
      render: (t) => (
        <span className="block max-w-32 truncate text-slate-500" title={t.schema}>
          {t.schema}
        </span>
      ),
    },
    {
      key: 'name',
      label: 'Name',
      sortValue: (t) => t.name,
      render: (t) => (
        <span className="block max-w-64 truncate font-medium text-slate-900" title={`${t.schema}.${t.name}`}>
          {middleTruncate(t.name, 32)}
        </span>
      ),
    },
    { key: 'rows', label: 'Rows (est.)', numeric: true, sortValue: (t) => t.rowEstimate, render: (t) => formatCount(t.rowEstimate), title: 'Row estimate from the planner statistics' },
    { key: 'table', label: 'Table', numeric: true, sortValue: (t) => t.tableBytes, render: (t) => bytes(t.tableBytes), title: 'Heap (table data) bytes' },
    { key: 'index', label: 'Indexes', numeric: true, sortValue: (t) => t.indexBytes, render: (t) => bytes(t.indexBytes) },
  ];
  if (facts.toast) {
    cols.push({ key: 'toast', label: 'TOAST', numeric: true, sortValue: (t) => t.toastBytes, render: (t) => bytes(t.toastBytes), title: 'Out-of-line storage of large values, with its index' });
  }
  cols.push({ key: 'total', label: 'Total', numeric: true, sortValue: (t) => t.totalBytes, render: (t) => <strong className="font-semibold">{bytes(t.totalBytes)}</strong> });
  if (facts.waste === 'dead-rows') {
    cols.push({ key: 'dead', label: 'Dead rows', numeric: true, sortValue: (t) => t.deadRows, render: (t) => formatCount(t.deadRows), title: 'Dead row versions waiting for VACUUM (pg_stat_user_tables)' });
  } else {
    cols.push({ key: 'free', label: 'Free', numeric: true, sortValue: (t) => t.freeBytes, render: (t) => bytes(t.freeBytes), title: 'DATA_FREE: allocated but unused (per tablespace; refreshed by ANALYZE TABLE)' });
  }
  if (facts.maintenanceTimes) {
    cols.push(
      {
        key: 'vacuum',
        label: 'Last vacuum',
        sortValue: (t) => latestOf(t.lastVacuum, t.lastAutovacuum).at,
        render: (t) => <Maintenance manual={t.lastVacuum} auto={t.lastAutovacuum} takenAt={takenAt} what="vacuum" />,
        title: 'The later of VACUUM and autovacuum',
      },
      {
        key: 'analyze',
        label: 'Last analyze',
        sortValue: (t) => latestOf(t.lastAnalyze, t.lastAutoanalyze).at,
        render: (t) => <Maintenance manual={t.lastAnalyze} auto={t.lastAutoanalyze} takenAt={takenAt} what="analyze" />,
        title: 'The later of ANALYZE and autoanalyze',
      },
    );
  }
  if (reclaimTarget) {
    cols.push({
      key: 'actions',
      label: '',
      render: (t) => (
        <Link href={reclaimHref(reclaimTarget, t)} prefetch={false} className="whitespace-nowrap text-xs font-medium text-slate-700 underline-offset-2 hover:text-slate-900 hover:underline">
          Reclaim space
        </Link>
      ),
    });
  }
  return cols;
}

const filterText = (t: TableStat) => `${t.schema}.${t.name}`;
const rowKey = (t: TableStat) => `${t.schema}.${t.name}`;

export function TablesTable({
  tables,
  dialect,
  takenAt,
  reclaimTarget = null,
}: {
  tables: TableStat[];
  dialect: 'postgres' | 'mysql';
  takenAt: string;
  /** operators: a "Reclaim space" link per table, to this target's reclaim page */
  reclaimTarget?: string | null;
}) {
  const columns = useMemo(() => columnsFor(dialect, takenAt, reclaimTarget), [dialect, takenAt, reclaimTarget]);
  return (
    <SortableTable
      rows={tables}
      columns={columns}
      rowKey={rowKey}
      filterText={filterText}
      filterLabel="Filter tables"
      noun="tables"
      urlKey="tables"
      initialSort={{ key: 'total', dir: 'desc' }}
    />
  );
}
