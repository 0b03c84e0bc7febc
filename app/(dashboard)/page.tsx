import type { Metadata } from 'next';
import { Suspense } from 'react';
import { requireUser } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { Alert } from '@/components/ui/alert';
import { TargetCard, TargetCardSkeleton } from '@/components/targets/target-card';
import { RecentTrouble, SessionTablesToClean, WorkGoingNow } from '@/components/overview/attention';
import { WidgetSkeleton } from '@/components/report/report-widgets';
import { GrowingTables } from '@/components/overview/growing-tables';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  const user = await requireUser();
  const { denied } = await searchParams;
  const targets = listTargets();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="mt-1 text-sm text-slate-500">What needs attention across every database, then each database&rsquo;s size and expired sessions.</p>
      </div>
      {denied === '1' && <Alert tone="warning">That page is for operators only.</Alert>}
      {targets.length === 0 ? (
        <Alert tone="info">
          No targets are configured. Set <code>JANITOR_TARGET_&lt;NAME&gt;</code> to a postgresql:// or mysql:// URL and restart.
        </Alert>
      ) : (
        <>
          <section aria-label="Needs attention" className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Suspense fallback={<WidgetSkeleton title="Session tables to clean up" rows={3} />}>
              <SessionTablesToClean targets={targets} canClean={user.role === 'operator'} />
            </Suspense>
            <Suspense fallback={<WidgetSkeleton title="Growing fastest" rows={3} />}>
              <GrowingTables targets={targets} />
            </Suspense>
            <Suspense fallback={<WidgetSkeleton title="Going now" rows={2} />}>
              <WorkGoingNow />
            </Suspense>
            <Suspense fallback={<WidgetSkeleton title="Failed or interrupted (last 7 days)" rows={2} />}>
              <RecentTrouble />
            </Suspense>
          </section>
          <h2 className="text-sm font-semibold text-slate-800">Databases</h2>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {targets.map((t) => (
            <Suspense key={t.name} fallback={<TargetCardSkeleton target={t} />}>
              <TargetCard target={t} />
            </Suspense>
          ))}
        </div>
        </>
      )}
    </div>
  );
}
