// Log everyone out of one session table: how many sessions it ends, graceful
// or instant, and the table's name typed to confirm. Operators only (viewers
// are sent back; the action checks again).
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { requireOperatorPage } from '@/lib/auth/guard';
import { getTarget, listTargets, targetConfig } from '@/lib/targets/registry';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';
import { CLEANUP_DEFAULTS } from '@/lib/schemas/cleanup-params';
import { RECLAIM_DEFAULTS } from '@/lib/schemas/reclaim';
import { resolveSessionSpec, type ResolvedSpec } from '@/lib/session-tables/resolve-spec';
import { activeWorkOn } from '@/lib/session-tables/logout-all-table';
import { isAppError, toUserMessage } from '@/lib/errors';
import { SpecProblem } from '@/components/session-tables/spec-problem';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { TargetPageHeader } from '@/components/targets/target-page-header';
import { BusyTableAlert } from '@/components/runs/busy-table-alert';
import { LogoutAllForm } from '@/components/session-tables/logout-all-form';
import { LogoutAllCount } from '@/components/session-tables/logout-all-count';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Log everyone out' };

type Search = Record<string, string | string[] | undefined>;
type Props = { params: Promise<{ target: string }>; searchParams: Promise<Search> };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

export default async function LogoutAllPage({ params, searchParams }: Props) {
  await requireOperatorPage();
  const { target: rawTarget } = await params;
  const info = listTargets().find((t) => t.name === rawTarget.toLowerCase());
  if (!info) notFound();
  const q = await searchParams;

  const header = (name?: string) => <TargetPageHeader target={info} title={`Log everyone out${name ? ` of ${name}` : ''}`} />;

  // Logging out deletes every row, so the rule only has to name the table's sessions; no TTL.
  const problem = (message: string, kind: 'missing' | 'needs-rule' | 'bad-input' | 'failed') => (
    <div className="space-y-6">
      {header()}
      <SpecProblem
        target={info.name}
        path={`/targets/${info.name}/logout-all`}
        schema={one(q.schema)}
        table={one(q.table)}
        message={message}
        kind={kind}
        values={{ expiryColumn: one(q.expiryColumn), expiryType: one(q.expiryType) }}
        withTtl={false}
      />
    </div>
  );
  const fields = sessionSpecSchema.safeParse({ schema: one(q.schema), table: one(q.table), preset: one(q.preset), expiryColumn: one(q.expiryColumn), expiryType: one(q.expiryType) });
  if (!fields.success) return problem(fields.error.issues[0]!.message, 'bad-input');
  let spec: ResolvedSpec;
  try {
    spec = await resolveSessionSpec(getTarget(info.name), fields.data, targetConfig(info.name).defaultSchema);
  } catch (e) {
    if (!isAppError(e)) throw e;
    return problem(toUserMessage(e), e.kind === 'not-found' ? 'missing' : e.kind === 'input' ? 'needs-rule' : 'failed');
  }
  const active = await activeWorkOn(info.name, spec.schema, spec.table);

  return (
    <div className="space-y-6">
      {header(`${spec.schema}.${spec.table}`)}
      <p className="-mt-3 max-w-4xl text-sm text-slate-600">
        Deletes every session in the table, expired or not: every signed-in user of the application has to sign in again. Use it after a leaked secret or a
        security incident. Audit-logged.
      </p>

      {active.runId && (
        <BusyTableAlert error={`A cleanup run is ${active.runStatus} on ${spec.schema}.${spec.table}: log everyone out after it ends, or cancel it.`} runId={active.runId} />
      )}
      {active.operationId && <BusyTableAlert error={`A reclaim of ${spec.schema}.${spec.table} is running.`} operationId={active.operationId} />}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <Card title="Confirm">
            <LogoutAllForm
              spec={{ target: info.name, schema: spec.schema, table: spec.table, preset: spec.preset, expiryColumn: spec.expiryColumn, expiryType: spec.expiryType }}
              dialect={info.dialect}
              shownBusy={{ runId: active.runId ?? undefined, operationId: active.operationId ?? undefined }}
              defaults={{ deleteCount: String(CLEANUP_DEFAULTS.deleteCount), sleepSeconds: String(CLEANUP_DEFAULTS.sleepSeconds), lockTimeoutSeconds: RECLAIM_DEFAULTS.lockTimeoutSeconds }}
            />
          </Card>
        </div>
        <div className="lg:col-span-2">
          <Card title="What it ends">
            <Suspense
              fallback={
                <div className="space-y-2" aria-busy="true">
                  <p className="text-xs text-slate-500">Counting the sessions…</p>
                  <Skeleton className="h-6 w-32" />
                </div>
              }
            >
              <LogoutAllCount target={info.name} spec={spec} />
            </Suspense>
          </Card>
        </div>
      </div>
    </div>
  );
}
