// The overview's first screen for the person on call: what needs attention
// across every target, each entry one click from its action. Session tables
// come first, ranked by the disk their expired rows hold (expired share ×
// table size); then work going now; then failed and interrupted work.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { targetSummary } from '@/lib/stats/target-summary';
import { listRuns } from '@/lib/store/runs/read-runs';
import { listOperations } from '@/lib/store/operations/read-operations';
import type { TargetInfo } from '@/lib/targets/registry';
import { formatBytes, formatCount, formatPercent } from '@/lib/format';
import { formatAgo } from '@/lib/format-time';
import { Card } from '@/components/ui/card';
import { RunStatusBadge } from '@/components/runs/run-status-badge';
import { OperationStatusBadge } from '@/components/operations/operation-status-badge';
import { cleanupHref } from '@/components/report/session-tables';

const SHOWN = 5;
/** Failures older than this are history, not attention. */
const RECENT_MS = 7 * 86400_000;

type WorkItem = { key: string; href: string; badge: ReactNode; what: string; target: string; by: string; at: string; extra: string };

export async function SessionTablesToClean({ targets, canClean }: { targets: TargetInfo[]; canClean: boolean }) {
  const outcomes = await Promise.all(targets.map(async (t) => ({ target: t.name, outcome: await targetSummary(t.name) })));
  const rows = outcomes
    .flatMap(({ target, outcome }) => (outcome.ok ? outcome.summary.sessionTables.map((s) => ({ target, ...s, share: s.total ? s.expired / s.total : 0 })) : []))
    .filter((s) => s.expired > 0)
    .sort((a, b) => b.share * b.totalBytes - a.share * a.totalBytes || b.expired - a.expired);
  const down = outcomes.filter((o) => !o.outcome.ok).map((o) => o.target);
  return (
    <Card title="Session tables to clean up">
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No expired sessions waiting{down.length ? ` on the targets that answered (down: ${down.join(', ')})` : ''}.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Session tables by expired size">
          {rows.slice(0, SHOWN).map((s) => (
            <li key={`${s.target}:${s.schema}.${s.table}`} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2">
              <div className="min-w-0">
                <Link href={`/targets/${s.target}`} className="break-words font-medium text-slate-900 hover:underline">
                  <span className="text-slate-500">{s.target}</span> {s.schema}.{s.table}
                </Link>
                <p className="text-xs text-slate-500">
                  {s.exact ? '' : '≈ '}
                  {formatCount(s.expired)} of {formatCount(s.total)} expired ({formatPercent(s.share)}) · table {formatBytes(s.totalBytes)}
                </p>
              </div>
              {canClean && (
                <Link href={cleanupHref(s.target, s)} prefetch={false} className="whitespace-nowrap rounded-md bg-slate-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-slate-700">
                  Start cleanup
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
      {down.length > 0 && rows.length > 0 && <p className="mt-2 text-xs text-red-700">Not answering: {down.join(', ')}.</p>}
    </Card>
  );
}

/** The reads mark work whose process died as interrupted themselves (lib/store/work/ownership.ts). */
async function recentWork() {
  return Promise.all([listRuns({ limit: 100 }), listOperations({ limit: 100 })]);
}

const runWhat = (r: { kind: string; schema: string; table: string }) => `${r.kind === 'logout-all' ? 'log everyone out' : 'cleanup'} of ${r.schema}.${r.table}`;

export async function WorkGoingNow() {
  const [runs, ops] = await recentWork();
  const items: WorkItem[] = [
    ...runs
      .filter((r) => ['running', 'paused', 'queued'].includes(r.status))
      .map((r) => ({ key: r.id, href: `/runs/${r.id}`, badge: <RunStatusBadge status={r.status} />, what: runWhat(r), target: r.target, by: r.startedBy, at: r.startedAt ?? r.createdAt, extra: `${formatCount(r.totalDeleted)} deleted` })),
    ...ops
      .filter((o) => ['running', 'queued'].includes(o.status))
      .map((o) => ({ key: o.id, href: `/operations/${o.id}`, badge: <OperationStatusBadge status={o.status} />, what: `${o.mode} of ${o.schema}.${o.table}`, target: o.target, by: o.startedBy, at: o.createdAt, extra: '' })),
  ];
  return <Card title="Going now">{items.length === 0 ? <p className="text-sm text-slate-500">Nothing is running.</p> : <WorkList items={items} />}</Card>;
}

export async function RecentTrouble() {
  const [runs, ops] = await recentWork();
  const now = Date.now();
  const recent = (iso: string) => now - Date.parse(iso) < RECENT_MS;
  const items: WorkItem[] = [
    ...runs
      .filter((r) => ['failed', 'interrupted'].includes(r.status) && recent(r.createdAt))
      .map((r) => ({ key: r.id, href: `/runs/${r.id}`, badge: <RunStatusBadge status={r.status} />, what: runWhat(r), target: r.target, by: r.startedBy, at: r.createdAt, extra: r.status === 'interrupted' ? 'resume it from its page' : (r.error ?? '') })),
    ...ops
      .filter((o) => ['failed', 'interrupted'].includes(o.status) && recent(o.createdAt))
      .map((o) => ({ key: o.id, href: `/operations/${o.id}`, badge: <OperationStatusBadge status={o.status} />, what: `${o.mode} of ${o.schema}.${o.table}`, target: o.target, by: o.startedBy, at: o.createdAt, extra: o.error ?? '' })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <Card title="Failed or interrupted (last 7 days)">
      {items.length === 0 ? <p className="text-sm text-slate-500">No failed or interrupted work.</p> : <WorkList items={items.slice(0, SHOWN)} />}
    </Card>
  );
}

function WorkList({ items }: { items: WorkItem[] }) {
  const now = new Date();
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((i) => (
        <li key={i.key} className="space-y-0.5 py-2">
          <div className="flex flex-wrap items-center gap-2">
            {i.badge}
            <Link href={i.href} className="min-w-0 break-words font-medium text-slate-900 hover:underline">
              {i.what}
            </Link>
          </div>
          <p className="break-words text-xs text-slate-500">
            {i.target.startsWith('url:') ? i.target.slice(4) : i.target} · {i.by} · {formatAgo(i.at, now)}
            {i.extra ? ` · ${i.extra.slice(0, 160)}` : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}
