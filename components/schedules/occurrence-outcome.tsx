// How one occurrence of a schedule went: the run it started (and that run's
// status), or why it did not start one (skipped: the run in the way; missed:
// everything was down; failed: the start was refused).
import Link from 'next/link';
import type { OccurrenceView } from '@/lib/schedules/schedule-view';
import type { RunStatus } from '@/lib/store/runs/run-view';
import { formatCount } from '@/lib/format';
import { Badge } from '@/components/ui/badge';
import { RunStatusBadge } from '@/components/runs/run-status-badge';

export function OccurrenceOutcome({ o }: { o: OccurrenceView }) {
  if (o.status === 'started') {
    if (!o.runId) return <Badge>started</Badge>;
    return (
      <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
        <Link href={`/runs/${o.runId}`} className="inline-flex items-center gap-2 hover:underline" aria-label={`Run ${o.runStatus ?? 'removed'}`}>
          {o.runStatus ? <RunStatusBadge status={o.runStatus as RunStatus} /> : <Badge>run removed</Badge>}
        </Link>
        {o.totalDeleted !== null && o.totalDeleted > 0 && <span className="text-xs text-slate-600">{formatCount(o.totalDeleted)} deleted</span>}
      </span>
    );
  }
  const tone = o.status === 'failed' ? 'down' : o.status === 'skipped' ? 'warning' : 'neutral';
  return (
    <span className="inline-flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-1">
      <Badge tone={tone}>{o.status}</Badge>
      {o.reason && <span className="break-words text-xs text-slate-600">{o.reason}</span>}
      {o.status === 'skipped' && o.runId && (
        <Link href={`/runs/${o.runId}`} className="whitespace-nowrap text-xs font-medium text-slate-900 underline">
          the run in the way
        </Link>
      )}
    </span>
  );
}
