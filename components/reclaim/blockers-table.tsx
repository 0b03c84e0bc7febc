// Sessions in the way of a reclaim: pid, user, state, age, statement, and why
// each is listed. The preflight shows those of right now; a failed operation
// shows the ones that kept it from its lock.
import type { Blocker } from '@/lib/reclaim/driver';
import { formatDuration } from '@/lib/format';
import { Badge } from '@/components/ui/badge';

const REASON: Record<Blocker['reasons'][number], string> = {
  'holds-lock': 'holds a lock on the table',
  'waiting-for-lock': 'queued for a lock on the table',
  'open-transaction': 'transaction open',
  'idle-in-transaction': 'idle in transaction',
  'long-statement': 'long statement',
  'blocked-attempt': 'blocked an attempt',
};

function Verdict({ b }: { b: Blocker }) {
  if (b.blocksOperation === true) return <Badge tone="down">blocks it</Badge>;
  if (b.blocksOperation === null) return <Badge tone="warning" title="The server does not show metadata locks: if this transaction touched the table, it holds one">may block it</Badge>;
  return <Badge title="It does not block the operation, but rows deleted after it began are kept">keeps dead rows</Badge>;
}

export function BlockersTable({ blockers, idHeading }: { blockers: Blocker[]; /** "PID" on PostgreSQL, "Connection" on MySQL (the dialect facts) */ idHeading: string }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="w-full text-sm" aria-label="Sessions in the way">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">{idHeading}</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">User</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">State</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Age</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Query</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Why listed</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {blockers.map((b) => (
            <tr key={b.pid} data-testid="blocker" data-pid={b.pid} className="align-top">
              <td className="whitespace-nowrap px-3 py-2 font-mono font-semibold text-slate-900">{b.pid}</td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                {b.user ?? '—'}
                {(b.application || b.client) && <span className="block text-xs text-slate-500">{[b.application, b.client].filter(Boolean).join(' · ')}</span>}
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">{b.state ?? '—'}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums text-slate-700">{b.ageSeconds === null ? '—' : formatDuration(b.ageSeconds)}</td>
              <td className="px-3 py-2">
                {b.query ? (
                  <code className="line-clamp-3 block min-w-48 max-w-md break-words text-xs text-slate-700" title={b.query}>
                    {b.query}
                  </code>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className="px-3 py-2">
                <div className="flex flex-wrap items-center gap-1.5">
                  <Verdict b={b} />
                  <span className="text-xs text-slate-600">
                    {b.reasons.map((r) => REASON[r]).join(', ')}
                    {b.heldLocks.length > 0 && `; holds ${b.heldLocks.join(', ')}`}
                  </span>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
