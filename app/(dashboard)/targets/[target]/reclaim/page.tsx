// Reclaim disk on one table (VACUUM FULL / VACUUM / ANALYZE, OPTIMIZE TABLE /
// ANALYZE TABLE): the honest warning first, then the settings and the button.
// Operators only (viewers are sent back; the action checks again).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { requireOperatorPage } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { defaultSchemaOf } from '@/lib/targets/resolve';
import { RECLAIM_DEFAULTS, reclaimModeSchema, reclaimTableSchema } from '@/lib/schemas/reclaim';
import { reclaimModes, rewriteMode } from '@/lib/reclaim/modes';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { findActiveRun } from '@/lib/store/runs/read-runs';
import { findActiveOperation } from '@/lib/store/operations/read-operations';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { WidgetSkeleton } from '@/components/report/report-widgets';
import { TargetPageHeader } from '@/components/targets/target-page-header';
import { modeOptions } from '@/components/reclaim/mode-options';
import { ReclaimForm } from '@/components/reclaim/reclaim-form';
import { ReclaimBlockers, ReclaimWarning } from '@/components/reclaim/reclaim-preflight';
import { RefreshButton } from '@/components/reclaim/refresh-button';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Reclaim space' };

type Search = Record<string, string | string[] | undefined>;
type Props = { params: Promise<{ target: string }>; searchParams: Promise<Search> };

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

export default async function ReclaimPage({ params, searchParams }: Props) {
  await requireOperatorPage();
  const { target: rawTarget } = await params;
  const info = listTargets().find((t) => t.name === rawTarget.toLowerCase());
  if (!info) notFound();
  const q = await searchParams;

  const ref = reclaimTableSchema.safeParse({ schema: one(q.schema) || defaultSchemaOf({ target: info.name }), table: one(q.table) });
  const askedMode = reclaimModeSchema.safeParse(one(q.mode));
  // A mode of the other dialect (an edited URL) falls back to the rewrite this dialect offers.
  const mode = askedMode.success && reclaimModes(info.dialect).includes(askedMode.data) ? askedMode.data : rewriteMode(info.dialect);
  const name = ref.success ? `${ref.data.schema}.${ref.data.table}` : '';

  const header = <TargetPageHeader target={info} title={`Reclaim space${name && ` of ${name}`}`} />;

  if (!ref.success) {
    return (
      <div className="space-y-6">
        {header}
        <Alert tone="error">
          {ref.error.issues[0]!.message}. Open the reclaim from a table in the{' '}
          <Link href={`/targets/${info.name}`} className="underline">
            space report
          </Link>
          .
        </Alert>
      </div>
    );
  }
  const { table } = ref.data;
  const schema = ref.data.schema!;

  const [run, op] = await Promise.all([findActiveRun(info.name, schema, table), findActiveOperation(info.name, schema, table)]);
  const props = { target: info.name, schema, table, mode };

  return (
    <div className="space-y-6">
      {header}
      <p className="-mt-3 max-w-4xl text-sm text-slate-600">
        After rows are deleted the table keeps its files at their old size; {dialectFacts(info.dialect).reclaim.rewriteStatement} rewrites it and gives the disk
        back. Read what it locks and who is in the way before you start.
      </p>

      {run && (
        <Alert tone="warning">
          A cleanup run is {run.status} on {schema}.{table} (started by {run.startedBy}): a reclaim is refused until it ends.{' '}
          <Link href={`/runs/${run.id}`} className="font-medium underline">
            Open the cleanup run
          </Link>
        </Alert>
      )}
      {op && (
        <Alert tone="warning">
          {op.startedBy} is already running an operation on {schema}.{table}.{' '}
          <Link href={`/operations/${op.id}`} className="font-medium underline">
            Watch the running operation
          </Link>
        </Alert>
      )}

      <Card title="Before you start">
        <Suspense key={mode} fallback={<PreflightSkeleton />}>
          <ReclaimWarning {...props} />
        </Suspense>
      </Card>

      <Suspense key={mode} fallback={<WidgetSkeleton title="Sessions in the way now" rows={2} />}>
        <Card title="Sessions in the way now" actions={<RefreshButton label="Refresh blockers" />}>
          <ReclaimBlockers {...props} />
        </Card>
      </Suspense>

      <Card title="Settings">
        <ReclaimForm
          target={info.name}
          schema={schema}
          table={table}
          modes={modeOptions(info.dialect)}
          shownBusy={{ runId: run?.id, operationId: op?.id }}
          mode={mode}
          defaults={{
            lockTimeoutSeconds: String(RECLAIM_DEFAULTS.lockTimeoutSeconds),
            statementTimeoutSeconds: String(RECLAIM_DEFAULTS.statementTimeoutSeconds),
            retries: String(RECLAIM_DEFAULTS.retries),
            retryPauseSeconds: String(RECLAIM_DEFAULTS.retryPauseSeconds),
          }}
        />
      </Card>
    </div>
  );
}

function PreflightSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true">
      <p className="text-xs text-slate-500">Measuring the table and looking for sessions in the way…</p>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="space-y-2">
            <Skeleton className="h-3 w-20" />
            <Skeleton className="h-6 w-28" />
          </div>
        ))}
      </div>
      <Skeleton className="h-3 w-full" />
    </div>
  );
}
