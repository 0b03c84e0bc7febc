// Every reclaim operation (VACUUM FULL, OPTIMIZE TABLE …), from the web and the CLI, newest first.
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/guard';
import { listOperations } from '@/lib/store/operations/read-operations';
import { OperationsTable } from '@/components/operations/operations-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Operations' };

const LIMIT = 200;

export default async function OperationsPage() {
  await requireUser();
  const operations = await listOperations({ limit: LIMIT });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Operations</h1>
        <p className="mt-1 text-sm text-slate-500">
          Disk reclaims and statistics refreshes started here and with <code className="text-xs">janitor reclaim</code>, newest first
          {operations.length === LIMIT ? ` (the last ${LIMIT})` : ''}.
        </p>
      </div>
      {operations.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
          No operations yet. Start one with &ldquo;Reclaim space&rdquo; on a table in a target&rsquo;s{' '}
          <Link href="/" className="font-medium text-slate-900 underline">
            space report
          </Link>
          , or from a completed cleanup.
        </p>
      ) : (
        <OperationsTable operations={operations} now={new Date().toISOString()} />
      )}
    </div>
  );
}
