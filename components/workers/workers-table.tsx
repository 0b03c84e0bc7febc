// The fleet's workers: live ones first, with what each runs now; dead ones
// (no beat for longer than a lease) greyed, with when they were last seen.
import Link from 'next/link';
import type { WorkerView } from '@/lib/store/workers/worker-rows';
import { formatAgo, formatUtc } from '@/lib/format-time';
import { Badge } from '@/components/ui/badge';

export function WorkersTable({ workers, now }: { workers: WorkerView[]; now: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="stack-table w-full text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">State</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Kind</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Host</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">PID</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Concurrency</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Running now</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Started</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Last beat</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {workers.map((w) => (
            <tr key={w.id} data-testid="worker" data-alive={w.alive} data-kind={w.kind} className={w.alive ? '' : 'text-slate-400'}>
              <td className="px-3 py-2">{w.alive ? <Badge tone="up">alive</Badge> : <Badge>gone</Badge>}</td>
              <td data-label="Kind" className="px-3 py-2">
                {w.kind === 'web' ? 'web server' : 'worker'}
              </td>
              <td data-label="Host" className="break-all px-3 py-2">{w.host}</td>
              <td data-label="PID" className="px-3 py-2 text-right tabular-nums">{w.pid}</td>
              <td data-label="Concurrency" className="px-3 py-2 text-right tabular-nums">{w.concurrency}</td>
              <td data-label="Running now" className="px-3 py-2">
                {!w.alive || w.running.length === 0 ? (
                  <span className={w.alive ? 'text-slate-500' : ''}>{w.alive ? 'idle' : '—'}</span>
                ) : (
                  <span className="flex flex-wrap gap-x-2">
                    {w.running.map((r) => (
                      <Link key={r.id} href={`/${r.kind === 'run' ? 'runs' : 'operations'}/${r.id}`} className="font-mono text-xs font-medium text-slate-900 underline">
                        {r.kind === 'operation' ? 'reclaim ' : ''}
                        {r.id.slice(0, 8)}
                      </Link>
                    ))}
                  </span>
                )}
              </td>
              <td data-label="Started" className="px-3 py-2" title={formatUtc(w.startedAt, { seconds: true })}>
                {formatAgo(w.startedAt, now)}
              </td>
              <td data-label={w.alive ? 'Last beat' : 'Last seen'} className="px-3 py-2" title={formatUtc(w.heartbeatAt, { seconds: true })}>
                {/* On a phone the cell's own label already says "Last seen". */}
                {!w.alive && <span className="hidden sm:inline">last seen </span>}
                {formatAgo(w.heartbeatAt, now, { seconds: true })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
