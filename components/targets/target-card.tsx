// One target on the overview. Each card loads on its own (one <Suspense> per
// card), and a target that is down renders as a down card, never an error page.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { TargetInfo } from '@/lib/targets/registry';
import { targetSummary } from '@/lib/stats/target-summary';
import { formatBytes, formatCount } from '@/lib/format';
import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { dialectFacts } from '@/lib/targets/dialect-facts';

function Frame({ target, status, children }: { target: TargetInfo; status: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={`Target ${target.name}`} className="flex flex-col rounded-lg border border-slate-200 bg-white shadow-sm">
      <header className="flex items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-slate-900">{target.name}</h2>
          <p className="text-xs text-slate-500">{dialectFacts(target.dialect).label}</p>
        </div>
        {status}
      </header>
      <div className="flex flex-1 flex-col gap-4 p-4">{children}</div>
    </section>
  );
}

export async function TargetCard({ target }: { target: TargetInfo }) {
  const outcome = await targetSummary(target.name);
  if (!outcome.ok) {
    return (
      <Frame target={target} status={<Badge tone="down"><span aria-hidden>●</span><span>Down</span></Badge>}>
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {outcome.error}
        </p>
        <Link href={`/targets/${target.name}`} className="mt-auto text-sm font-medium text-slate-600 hover:text-slate-900">
          Details →
        </Link>
      </Frame>
    );
  }
  const s = outcome.summary;
  return (
    <Frame target={target} status={<Badge tone="up"><span aria-hidden>●</span><span>Up</span></Badge>}>
      <dl className="flex flex-wrap gap-x-8 gap-y-3">
        <Stat label="Size" value={formatBytes(s.sizeBytes)} hint={<span className="block truncate" title={s.databaseName}>{s.databaseName}</span>} />
        <Stat label="Tables" value={formatCount(s.tableCount)} />
        <Stat
          label="Expired sessions"
          value={`${s.expiredExact ? '' : '≈ '}${formatCount(s.expiredSessions)}`}
          hint={s.sessionTableCount === 0 ? 'no session tables' : `in ${s.sessionTableCount} session table${s.sessionTableCount === 1 ? '' : 's'}`}
        />
      </dl>
      <Link href={`/targets/${target.name}`} className="mt-auto text-sm font-medium text-blue-700 hover:text-blue-900">
        Open space report →
      </Link>
    </Frame>
  );
}

export function TargetCardSkeleton({ target }: { target: TargetInfo }) {
  return (
    <Frame target={target} status={<Badge>checking…</Badge>}>
      <div className="grid grid-cols-3 gap-3">
        {[0, 1, 2].map((i) => (
          <div key={i} className="space-y-2">
            <Skeleton className="h-3 w-16" />
            <Skeleton className="h-6 w-20" />
          </div>
        ))}
      </div>
      <Skeleton className="mt-auto h-4 w-36" />
    </Frame>
  );
}
