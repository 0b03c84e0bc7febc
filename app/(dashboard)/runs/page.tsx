// Every cleanup run, from the web and the CLI, newest first.
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/guard';
import { listRuns } from '@/lib/store/runs/read-runs';
import { RunsTable } from '@/components/runs/runs-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Runs' };

const LIMIT = 200;

export default async function RunsPage() {
  const user = await requireUser();
  // A run whose process died shows as interrupted here, with Resume.
  const runs = await listRuns({ limit: LIMIT });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Runs</h1>
        <p className="mt-1 text-sm text-slate-500">
          Cleanups started here, by schedules and with <code className="text-xs">janitor cleanup</code>, newest first{runs.length === LIMIT ? ` (the last ${LIMIT})` : ''}.
        </p>
      </div>
      {runs.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
          No runs yet. Start one from a session table in a target&rsquo;s{' '}
          <Link href="/" className="font-medium text-slate-900 underline">
            space report
          </Link>
          .
        </p>
      ) : (
        <RunsTable runs={runs} canControl={user.role === 'operator'} now={new Date().toISOString()} />
      )}
    </div>
  );
}
