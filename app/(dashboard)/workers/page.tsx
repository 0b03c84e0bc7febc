// The fleet's workers as the store knows them (each beats every few seconds),
// and the queue they take runs from.
import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/guard';
import { listWorkers } from '@/lib/store/workers/worker-rows';
import { queuedRunsSummary } from '@/lib/store/runs/queued-runs';
import { formatAgo } from '@/lib/format-time';
import { Alert } from '@/components/ui/alert';
import { WorkersTable } from '@/components/workers/workers-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Workers' };

export default async function WorkersPage() {
  await requireUser();
  const nowDate = new Date();
  const [workers, queue] = await Promise.all([listWorkers(nowDate.getTime()), queuedRunsSummary()]);
  const now = nowDate.toISOString();
  const alive = workers.filter((w) => w.alive).length;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Workers</h1>
        <p className="mt-1 text-sm text-slate-500">
          The processes that take queued runs and work them: the web server&rsquo;s own worker and each <code className="text-xs">janitor worker</code>. A worker that
          stops beating for longer than its lease is gone; another takes its runs over from their last batch.
        </p>
      </div>

      <p data-testid="queue-summary" className="text-sm text-slate-700">
        {queue.count === 0 ? (
          'No runs are waiting for a worker.'
        ) : (
          <>
            <span className="font-semibold">{queue.count}</span> queued run{queue.count === 1 ? '' : 's'}, the oldest {formatAgo(queue.oldestAt, now, { seconds: true }).replace(' ago', '')} old.
          </>
        )}
      </p>

      {alive === 0 && (
        <Alert tone={queue.count > 0 ? 'warning' : 'info'}>
          <p className="font-medium">No worker is running{queue.count > 0 ? `: ${queue.count === 1 ? 'the queued run waits' : 'the queued runs wait'} until one starts.` : '.'}</p>
          <p className="mt-1">
            Start one with <code className="text-xs">npx janitor worker</code> (on any host with the same store), or serve the dashboard with{' '}
            <code className="text-xs">npm start</code> / <code className="text-xs">janitor serve</code> without <code className="text-xs">--no-worker</code>: it works
            runs itself. Queued runs and schedules wait until a worker runs.
          </p>
        </Alert>
      )}

      {workers.length > 0 && <WorkersTable workers={workers} now={now} />}
    </div>
  );
}
