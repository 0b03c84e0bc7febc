// Run history: runs from the web and the CLI, newest first.
import Link from 'next/link';
import type { RunView } from '@/lib/store/runs/run-view';
import { formatCount, formatDuration } from '@/lib/format';
import { formatAgo, formatUtc } from '@/lib/format-time';
import { RunStatusBadge } from './run-status-badge';
import { ResumeButton } from './resume-button';
import { StartedBy } from './started-by';

export function RunsTable({ runs, canControl, now }: { runs: RunView[]; canControl: boolean; now: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="stack-table w-full text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">Status</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Table</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Target</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Deleted</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Batches</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Duration</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Started by</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">When</th>
            {canControl && runs.some(resumable) && <th scope="col" className="px-3 py-2 text-right font-medium">Resume</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((r) => {
            const share = r.expiredAtStart ? r.totalDeleted / r.expiredAtStart : null;
            // A queued run has no plan, batches or time yet: a worker makes them when it takes it.
            const queued = r.status === 'queued' && r.batchCount === 0;
            return (
              <tr key={r.id} className="hover:bg-slate-50">
                <td className="px-3 py-2">
                  <RunStatusBadge status={r.status} />
                </td>
                <td className="px-3 py-2">
                  <Link href={`/runs/${r.id}`} className="font-medium text-slate-900 hover:underline">
                    <span className="text-slate-400">{r.schema}.</span>
                    {r.table}
                  </Link>
                  {r.kind === 'logout-all' && <span className="ml-2 text-xs text-slate-500">log everyone out</span>}
                </td>
                <td data-label="Target" className="px-3 py-2 text-slate-700">{r.target.startsWith('url:') ? r.target.slice(4) : r.target}</td>
                {queued ? (
                  <td data-label="Deleted" colSpan={3} className="px-3 py-2 text-right text-xs text-slate-500">
                    waiting for a worker
                  </td>
                ) : (
                  <>
                    <td data-label="Deleted" className="px-3 py-2 text-right tabular-nums">
                      {formatCount(r.totalDeleted)}
                      {share !== null && r.status !== 'completed' && <span className="ml-1 text-xs text-slate-500">({Math.min(100, Math.floor(share * 100))}%)</span>}
                    </td>
                    <td data-label="Batches" className="px-3 py-2 text-right tabular-nums">{formatCount(r.batchCount)}</td>
                    <td data-label="Duration" className="px-3 py-2 text-right tabular-nums">{formatDuration(r.activeSeconds)}</td>
                  </>
                )}
                <td data-label="Started by" className="px-3 py-2 text-slate-700">
                  <StartedBy by={r.startedBy} />
                </td>
                <td data-label="When" className="px-3 py-2 text-slate-600" title={formatUtc(r.createdAt, { seconds: true })}>
                  {formatAgo(r.createdAt, now)}
                </td>
                {canControl && runs.some(resumable) && <td className="px-3 py-2 text-right">{resumable(r) && <ResumeButton runId={r.id} />}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The only action a row offers; the column is there only when some row offers it. */
function resumable(r: { status: string }): boolean {
  return r.status === 'interrupted' || r.status === 'paused' || r.status === 'failed';
}
