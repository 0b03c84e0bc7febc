// Start a cleanup of one session table: settings, a preview, and the button.
// Operators only (viewers are sent back; the action checks again).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { requireOperatorPage } from '@/lib/auth/guard';
import { listTargets, getTarget, targetConfig } from '@/lib/targets/registry';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';
import { resolveSessionSpec, type ResolvedSpec } from '@/lib/session-tables/resolve-spec';
import { CLEANUP_DEFAULTS, cleanupParamsSchema } from '@/lib/schemas/cleanup-params';
import { findActiveRun } from '@/lib/store/runs/read-runs';
import { presetByName } from '@/lib/session-tables/presets';
import { isAppError, toUserMessage } from '@/lib/errors';
import { SpecProblem } from '@/components/session-tables/spec-problem';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { TargetPageHeader } from '@/components/targets/target-page-header';
import { CleanupForm, type CleanupFormDefaults } from '@/components/cleanup/cleanup-form';
import { CleanupPreview } from '@/components/cleanup/cleanup-preview';
import { strategyOptions } from '@/components/cleanup/strategy-options';
import { expiryRuleText } from '@/components/cleanup/expiry-rule';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Start cleanup' };

type Search = Record<string, string | string[] | undefined>;
type Props = { params: Promise<{ target: string }>; searchParams: Promise<Search> };

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

export default async function CleanupPage({ params, searchParams }: Props) {
  await requireOperatorPage();
  const { target: rawTarget } = await params;
  const info = listTargets().find((t) => t.name === rawTarget.toLowerCase());
  if (!info) notFound();
  const q = await searchParams;

  const header = (title: string) => <TargetPageHeader target={info} title={title} />;

  const fields = sessionSpecSchema.safeParse({
    schema: one(q.schema) || undefined,
    table: one(q.table),
    preset: one(q.preset) || undefined,
    expiryColumn: one(q.expiryColumn) || undefined,
    expiryType: one(q.expiryType) || undefined,
    ttlSeconds: one(q.ttlSeconds) || undefined,
    timestampZone: one(q.timestampZone) || undefined,
  });
  const problem = (message: string, kind: 'missing' | 'needs-rule' | 'bad-input' | 'failed') => (
    <div className="space-y-6">
      {header('Start cleanup')}
      <SpecProblem
        target={info.name}
        path={`/targets/${info.name}/cleanup`}
        schema={one(q.schema)}
        table={one(q.table)}
        message={message}
        kind={kind}
        values={{ expiryColumn: one(q.expiryColumn), expiryType: one(q.expiryType), ttlSeconds: one(q.ttlSeconds) }}
        withTtl
      />
    </div>
  );
  if (!fields.success) return problem(fields.error.issues[0]!.message, 'bad-input');

  let spec: ResolvedSpec;
  try {
    spec = await resolveSessionSpec(getTarget(info.name), fields.data, targetConfig(info.name).defaultSchema);
  } catch (e) {
    if (!isAppError(e)) throw e;
    return problem(toUserMessage(e), e.kind === 'not-found' ? 'missing' : e.kind === 'input' ? 'needs-rule' : 'failed');
  }

  const active = await findActiveRun(info.name, spec.schema, spec.table);
  // The form checks values before it asks for a preview; an address typed by hand with bad ones gets the message instead of an estimate.
  const typed = cleanupParamsSchema.safeParse({ deleteCount: one(q.deleteCount), sleepSeconds: one(q.sleepSeconds), strategy: one(q.strategy) });
  const previewParams = typed.success ? typed.data : cleanupParamsSchema.parse({});
  const preset = spec.preset ? presetByName(spec.preset) : undefined;
  const showTtl = spec.ttlSeconds !== null || (preset?.defaultTtlSeconds ?? null) !== null;
  const defaults: CleanupFormDefaults = {
    deleteCount: one(q.deleteCount) ?? String(CLEANUP_DEFAULTS.deleteCount),
    sleepSeconds: one(q.sleepSeconds) ?? String(CLEANUP_DEFAULTS.sleepSeconds),
    iterationCount: '',
    maxRuntimeSeconds: '',
    targetBatchMs: '',
    maxReplicaLagSeconds: '',
    maxActiveConnections: '',
    strategy: one(q.strategy) ?? CLEANUP_DEFAULTS.strategy,
    ttlSeconds: spec.ttlSeconds === null ? '' : String(spec.ttlSeconds),
    timestampZone: spec.timestampZone ?? '',
  };

  return (
    <div className="space-y-6">
      {header(`Clean up ${spec.schema}.${spec.table}`)}
      <p className="-mt-3 text-sm text-slate-600">
        Deletes the rows where <code className="rounded bg-slate-100 px-1 text-xs">{spec.expiryColumn}</code> is {expiryRuleText(spec)}, in small batches with
        pauses in between. The cutoff is fixed when the run starts, and every batch re-checks it, so a session refreshed meanwhile is kept.
      </p>

      {active && (
        <Alert tone="warning">
          A cleanup of {spec.schema}.{spec.table} is already {active.status === 'paused' ? 'going (paused)' : 'running'}, started by {active.startedBy}.{' '}
          <Link href={`/runs/${active.id}`} className="font-medium underline">
            Open the running cleanup
          </Link>
        </Alert>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <Card title="Settings">
            <CleanupForm
              spec={{ target: info.name, schema: spec.schema, table: spec.table, preset: spec.preset, expiryColumn: spec.expiryColumn, expiryType: spec.expiryType }}
              defaults={defaults}
              strategies={strategyOptions(info.dialect)}
              showTtl={showTtl}
              showZone={spec.expiryType === 'timestamp'}
              shownRunId={active?.id}
              ttlHint={preset?.defaultTtlSeconds ? `Sessions older than this are expired; the ${preset.name} default is ${preset.defaultTtlSeconds.toLocaleString('en-US')} s.` : undefined}
            />
          </Card>
        </div>
        <div className="lg:col-span-2">
          <Card title="Preview">
            {typed.success ? (
              <Suspense key={JSON.stringify([previewParams.deleteCount, previewParams.sleepSeconds, previewParams.strategy, spec.ttlSeconds, spec.timestampZone])} fallback={<PreviewSkeleton />}>
                <CleanupPreview target={info.name} spec={spec} params={previewParams} sample={!active} />
              </Suspense>
            ) : (
              <Alert tone="warning">No preview for these settings: {typed.error.issues[0]!.message}.</Alert>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

function PreviewSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true">
      <p className="text-xs text-slate-500">Counting expired rows and timing a sample batch…</p>
      <div className="grid grid-cols-2 gap-4">
        {[0, 1].map((i) => (
          <div key={i} className="space-y-2">
            <Skeleton className="h-3 w-24" />
            <Skeleton className="h-6 w-20" />
          </div>
        ))}
      </div>
      <Skeleton className="h-3 w-full" />
      <Skeleton className="h-3 w-2/3" />
    </div>
  );
}
