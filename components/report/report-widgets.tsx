// The widgets of a target's space report. Each reads the same report
// (loadReport is cached per request), so one <Suspense> per widget costs one
// report. When the target is down, the header shows why and the rest is empty.
import type { ReactNode } from 'react';
import { loadReport } from '@/lib/stats/load-report';
import { formatBytes, formatCount } from '@/lib/format';
import { formatUtc } from '@/lib/format-time';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { SizeChart } from './size-chart';
import { TablesTable } from './tables-table';
import { IndexesTable } from './indexes-table';
import { SessionTables } from './session-tables';

/** "PostgreSQL 16.4 (Debian …) on x86_64…" → "PostgreSQL 16.4"; MySQL strings are short already. */
function shortVersion(v: string): string {
  const pg = /^PostgreSQL [\d.]+\w*/.exec(v);
  if (pg) return pg[0];
  const my = /^([\d.]+)(-MariaDB)?/.exec(v);
  if (my) return my[2] ? `MariaDB ${my[1]}` : `MySQL ${my[1]}`;
  return v.slice(0, 40);
}

export async function ReportSummary({ target }: { target: string }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4">
        <h2 className="font-semibold text-red-900">This database cannot be reached right now</h2>
        <p className="mt-1 text-sm text-red-800">{outcome.error}</p>
        <p className="mt-2 text-xs text-red-700">The other targets are not affected. Reload the page to try again.</p>
      </div>
    );
  }
  const r = outcome.report;
  const expired = r.sessionTables.reduce((n, s) => n + s.expired, 0);
  return (
    <div className="space-y-2">
      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-4">
        <Stat label="Database size" value={formatBytes(r.database.sizeBytes)} hint={<span title={`${formatCount(r.database.sizeBytes)} bytes`}>{r.database.name}</span>} />
        <Stat label="Tables" value={formatCount(r.tables.length)} hint={`${formatBytes(r.tables.reduce((n, t) => n + t.totalBytes, 0))} with their indexes`} />
        <Stat label="Indexes" value={formatCount(r.indexes.length)} hint={`${formatBytes(r.tables.reduce((n, t) => n + t.indexBytes, 0))} in all`} />
        <Stat
          label="Expired sessions"
          value={(r.sessionTables.some((s) => s.exact === false) ? '≈ ' : '') + formatCount(expired)}
          hint={`in ${r.sessionTables.length} session table${r.sessionTables.length === 1 ? '' : 's'}`}
        />
      </dl>
      <p className="text-xs text-slate-500">
        <span title={r.serverVersion}>{shortVersion(r.serverVersion)}</span> · taken {formatUtc(r.takenAt, { seconds: true })} in {formatCount(r.ms)} ms
      </p>
    </div>
  );
}

export async function BiggestTablesWidget({ target }: { target: string }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) return null;
  return (
    <Card title="Biggest tables">
      <SizeChart tables={outcome.report.tables} />
    </Card>
  );
}

export async function TablesWidget({ target, canReclaim = false }: { target: string; canReclaim?: boolean }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) return null;
  const r = outcome.report;
  return (
    <Card title="Tables">
      <TablesTable tables={r.tables} dialect={r.dialect} takenAt={r.takenAt} reclaimTarget={canReclaim ? target : null} />
    </Card>
  );
}

export async function IndexesWidget({ target }: { target: string }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) return null;
  return (
    <Card title="Indexes">
      <div className="space-y-3">
        <p className="text-xs text-slate-500">{outcome.report.bloatNote}</p>
        <IndexesTable indexes={outcome.report.indexes} />
      </div>
    </Card>
  );
}

export async function SessionTablesWidget({ target, canClean }: { target: string; canClean: boolean }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) return null;
  return (
    <Card title="Session tables">
      <SessionTables target={target} sessionTables={outcome.report.sessionTables} canClean={canClean} />
    </Card>
  );
}

export async function ExportWidget({ target }: { target: string }) {
  const outcome = await loadReport(target);
  if (!outcome.ok) return null;
  const base = `/api/targets/${target}/report`;
  const links = [
    { href: `${base}?format=csv&section=tables`, label: 'Tables (CSV)' },
    { href: `${base}?format=csv&section=indexes`, label: 'Indexes (CSV)' },
    { href: `${base}?format=csv&section=sessions`, label: 'Session tables (CSV)' },
    { href: `${base}?format=json`, label: 'Whole report (JSON)' },
    { href: `/api/targets/${target}/history?format=csv`, label: 'Size history (CSV)' },
    { href: `/api/targets/${target}/history?format=json`, label: 'Size history (JSON)' },
  ];
  return (
    <Card title="Export">
      <ul className="flex flex-wrap gap-2">
        {links.map((l) => (
          <li key={l.href}>
            <a href={l.href} download className="inline-flex rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100">
              {l.label}
            </a>
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-500">Each report download takes a fresh report. The JSON has the same shape as <code>janitor stats --json</code>. The size history is the stored samples of the last year.</p>
    </Card>
  );
}

export function WidgetSkeleton({ title, rows = 4, children }: { title: string; rows?: number; children?: ReactNode }) {
  return (
    <Card title={title}>
      <div className="space-y-2" aria-busy="true" aria-label={`Loading ${title.toLowerCase()}`}>
        {children}
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} className="h-4 w-full" />
        ))}
      </div>
    </Card>
  );
}
