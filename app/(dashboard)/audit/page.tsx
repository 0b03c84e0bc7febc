import type { Metadata } from 'next';
import Link from 'next/link';
import { requireOperatorPage } from '@/lib/auth/guard';
import { listAudit } from '@/lib/audit/list';
import { auditFacets } from '@/lib/audit/facets';
import { auditFilterSchema } from '@/lib/schemas/audit-filter';
import { Card } from '@/components/ui/card';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireOperatorPage();
  const filter = auditFilterSchema.parse(await searchParams);
  const [page, facets] = await Promise.all([listAudit({ ...filter, limit: PAGE_SIZE + 1 }), auditFacets()]);
  const rows = page.slice(0, PAGE_SIZE);
  const older = page.length > PAGE_SIZE ? rows[rows.length - 1]!.id : null;
  const query = (extra: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ actor: filter.actor, action: filter.action, ...extra })) if (v !== undefined) p.set(k, String(v));
    return p.toString();
  };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="mt-1 text-sm text-slate-500">Every sign-in and every action, including refused ones. Newest first; times in UTC.</p>
      </div>
      <Card
        actions={
          <>
            <a href={`/api/audit?${query({ format: 'csv' })}`} download className="text-sm font-medium text-blue-700 hover:text-blue-900">
              Export CSV
            </a>
            <a href={`/api/audit?${query({ format: 'json' })}`} download className="text-sm font-medium text-blue-700 hover:text-blue-900">
              Export JSON
            </a>
          </>
        }
        title={filter.before ? 'Older entries' : 'Latest entries'}
      >
        <div className="space-y-4">
          <AuditFilters filter={filter} actors={facets.actors} actions={facets.actions} />
          <AuditTable rows={rows} />
          <nav aria-label="Pages" className="flex items-center justify-between text-sm">
            {filter.before ? (
              <Link href={`/audit?${query({})}`} className="font-medium text-blue-700 hover:text-blue-900">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {older !== null && (
              <Link href={`/audit?${query({ before: older })}`} className="font-medium text-blue-700 hover:text-blue-900">
                Older →
              </Link>
            )}
          </nav>
        </div>
      </Card>
    </div>
  );
}
