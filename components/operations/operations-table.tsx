// Operation history: reclaims from the web and the CLI, newest first, with
// the sizes before and after.
import Link from 'next/link';
import { StartedBy } from '@/components/runs/started-by';
import type { OperationView } from '@/lib/reclaim/operation-view';
import { formatBytes } from '@/lib/format';
import { formatAgo, formatUtc } from '@/lib/format-time';
import { modeLabel } from '@/lib/targets/dialect-facts';
import { OperationStatusBadge, operationDuration } from './operation-status-badge';

export function OperationsTable({ operations, now }: { operations: OperationView[]; now: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="stack-table w-full text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">Status</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Table</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Operation</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Target</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Before</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">After</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Duration</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Started by</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">When</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {operations.map((o) => {
            const back = o.status === 'completed' && o.beforeBytes !== null && o.afterBytes !== null ? o.beforeBytes - o.afterBytes : null;
            return (
              <tr key={o.id} className="hover:bg-slate-50">
                <td className="px-3 py-2">
                  <OperationStatusBadge status={o.status} />
                </td>
                <td className="px-3 py-2">
                  <Link href={`/operations/${o.id}`} className="font-medium text-slate-900 hover:underline">
                    <span className="text-slate-400">{o.schema}.</span>
                    {o.table}
                  </Link>
                </td>
                <td data-label="Operation" className="whitespace-nowrap px-3 py-2 text-slate-700">{modeLabel(o.params.dialect ?? 'postgres', o.mode)}</td>
                <td data-label="Target" className="px-3 py-2 text-slate-700">{o.target.startsWith('url:') ? o.target.slice(4) : o.target}</td>
                <td data-label="Before" className="px-3 py-2 text-right tabular-nums">{formatBytes(o.beforeBytes)}</td>
                <td data-label="After" className="px-3 py-2 text-right tabular-nums">
                  {formatBytes(o.afterBytes)}
                  {back !== null && back > 0 && <span className="ml-1 text-xs text-emerald-700">(−{formatBytes(back)})</span>}
                </td>
                <td data-label="Duration" className="px-3 py-2 text-right tabular-nums">{operationDuration(o.seconds)}</td>
                <td data-label="Started by" className="px-3 py-2 text-slate-700">
                  <StartedBy by={o.startedBy} />
                </td>
                <td data-label="When" className="px-3 py-2 text-slate-600" title={formatUtc(o.createdAt, { seconds: true })}>
                  {formatAgo(o.createdAt, now)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
