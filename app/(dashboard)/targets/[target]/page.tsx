import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { requireUser } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { GrowthWidget } from '@/components/history/growth-widget';
import { rangeSchema } from '@/lib/history/read-history';
import {
  BiggestTablesWidget,
  ExportWidget,
  IndexesWidget,
  ReportSummary,
  SessionTablesWidget,
  TablesWidget,
  WidgetSkeleton,
} from '@/components/report/report-widgets';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ target: string }>; searchParams: Promise<{ range?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { target } = await params;
  return { title: `Space report: ${decodeURIComponent(target).slice(0, 64)}` };
}

export default async function TargetReportPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { target } = await params;
  // A range that is not one of the offered ones shows the default rather than an error page.
  const range = rangeSchema.catch(30).parse((await searchParams).range);
  const info = listTargets().find((t) => t.name === target.toLowerCase());
  if (!info) notFound();
  return (
    <div className="space-y-6">
      <div>
        <Link href="/" className="text-sm text-slate-500 hover:text-slate-900">
          ← Overview
        </Link>
        <div className="mt-1 flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{info.name}</h1>
          <Badge>{dialectFacts(info.dialect).label}</Badge>
        </div>
        <p className="mt-1 text-sm text-slate-500">Where this database&rsquo;s space goes.</p>
      </div>

      <Suspense
        fallback={
          <div className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4" aria-busy="true">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="space-y-2">
                <Skeleton className="h-3 w-20" />
                <Skeleton className="h-6 w-24" />
              </div>
            ))}
          </div>
        }
      >
        <ReportSummary target={info.name} />
      </Suspense>

      <Suspense fallback={<WidgetSkeleton title="Session tables" rows={2} />}>
        <SessionTablesWidget target={info.name} canClean={user.role === 'operator'} />
      </Suspense>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Suspense fallback={<WidgetSkeleton title="Biggest tables" rows={8} />}>
            <BiggestTablesWidget target={info.name} />
          </Suspense>
        </div>
        <div className="space-y-6">
          <Suspense fallback={<WidgetSkeleton title="Export" rows={1} />}>
            <ExportWidget target={info.name} />
          </Suspense>
        </div>
      </div>

      <Suspense fallback={<WidgetSkeleton title="Growth and forecast" rows={6} />}>
        <GrowthWidget target={info.name} days={range} />
      </Suspense>

      <Suspense fallback={<WidgetSkeleton title="Tables" rows={8} />}>
        <TablesWidget target={info.name} canReclaim={user.role === 'operator'} />
      </Suspense>

      <Suspense fallback={<WidgetSkeleton title="Indexes" rows={6} />}>
        <IndexesWidget target={info.name} />
      </Suspense>
    </div>
  );
}
