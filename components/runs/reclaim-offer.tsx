'use client';
// The guided flow after a cleanup: deleted rows leave the table's files at
// their old size, so once a run has completed its page says what a rewrite
// would give back (the reclaim preflight's estimate) and, for operators,
// offers the operation that does it on this dialect.
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { RunView } from '@/lib/store/runs/run-view';
import type { ReclaimPreflightSummary } from '@/app/api/targets/[target]/reclaim-preflight/route';
import { formatBytes, formatDuration } from '@/lib/format';

export function ReclaimOffer({ run, canControl }: { run: RunView; canControl: boolean }) {
  const onUrl = run.target.startsWith('url:');
  const q = useQuery({
    queryKey: ['reclaim-preflight', run.target, run.schema, run.table],
    queryFn: async (): Promise<ReclaimPreflightSummary> => {
      const r = await fetch(`/api/targets/${encodeURIComponent(run.target)}/reclaim-preflight?${new URLSearchParams({ schema: run.schema, table: run.table })}`, { cache: 'no-store' });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error ?? `reclaim preflight ${r.status}`);
      return body;
    },
    enabled: !onUrl,
    staleTime: 60_000,
    retry: false,
  });

  if (onUrl) {
    return (
      <p className="mt-1">
        To give the disk back, run <code className="text-xs">janitor reclaim</code> with the same <code className="text-xs">--url</code> and{' '}
        <code className="text-xs">--table {run.table}</code>.
      </p>
    );
  }
  if (q.isPending) return <p className="mt-1 text-emerald-800/80">Measuring what a rewrite would give back…</p>;
  if (q.isError) return <p className="mt-1">The table still holds the disk space until it is rewritten; the estimate is not available ({q.error.message}).</p>;
  const p = q.data;
  const href = `/targets/${run.target}/reclaim?${new URLSearchParams({ schema: p.schema, table: p.table, mode: p.mode })}`;
  return (
    <div className="mt-2 flex flex-wrap items-center justify-between gap-3" data-testid="reclaim-offer">
      <p>
        The table still holds its disk space. <strong>{p.modeLabel}</strong> would give back about <strong data-testid="reclaim-offer-bytes">{formatBytes(p.expectedBackBytes)}</strong> of{' '}
        {formatBytes(p.totalBytes)} <span className="text-xs">({p.estimateMethod})</span>; it takes {p.lockMode === 'ACCESS EXCLUSIVE' ? 'an ACCESS EXCLUSIVE lock' : `a ${p.lockMode} lock`} for
        about {formatDuration(Math.max(1, p.estimatedSeconds))}.
      </p>
      {canControl && (
        <Link href={href} className="inline-flex items-center rounded-md text-left sm:whitespace-nowrap bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Reclaim space with {p.modeLabel}
        </Link>
      )}
    </div>
  );
}
