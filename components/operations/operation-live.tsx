'use client';
// The operation page's live part: phase, progress, attempts that could not
// get their lock (with who was in the way), and the sizes before and after.
import { useEffect, useState } from 'react';
import type { OperationEvent, OperationView } from '@/lib/reclaim/operation-view';
import { formatBytes, formatCount, formatDuration, formatPercent } from '@/lib/format';
import { formatUtc } from '@/lib/format-time';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { SettingsList } from '@/components/ui/settings-list';
import { Metric } from '@/components/runs/run-live';
import { LiveHeader } from '@/components/runs/live-header';
import { BlockersTable } from '@/components/reclaim/blockers-table';
import { dialectFacts, modeLabel } from '@/lib/targets/dialect-facts';
import { OperationStatusBadge, operationDuration } from './operation-status-badge';
import { CancelOperationButton } from './cancel-operation-button';
import { useOperationLive } from './use-operation-live';

/** Seconds since the operation started, ticking in the browser while it runs (the store's figure otherwise). */
function useElapsed(op: OperationView): number | null {
  const [now, setNow] = useState<number | null>(null);
  const running = op.status === 'running';
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);
  if (op.seconds !== null) return op.seconds;
  if (running && now !== null && op.startedAt) return Math.max(0, (now - Date.parse(op.startedAt)) / 1000);
  return op.progress?.elapsedSeconds ?? null;
}

/** The dialect's words and figures for this operation (params stored without a dialect read as PostgreSQL, as before). */
const factsOf = (op: OperationView) => dialectFacts(op.params.dialect ?? 'postgres');

export function OperationLive({ initial, canControl }: { initial: OperationView; canControl: boolean }) {
  const { operation: op, connection } = useOperationLive(initial);
  const label = modeLabel(op.params.dialect ?? 'postgres', op.mode);
  const idLabel = factsOf(op).connectionId.word;
  const elapsed = useElapsed(op);

  return (
    <div className="space-y-6">
      <LiveHeader
        back={{ href: '/operations', label: 'Operations' }}
        title={`${label} of ${op.schema}.${op.table}`}
        status={<OperationStatusBadge status={op.status} />}
        connection={connection}
        target={op.target}
        startedBy={op.startedBy}
        startedAt={op.startedAt ?? op.createdAt}
        controls={canControl && <CancelOperationButton operation={op} />}
      />

      <StatusNote op={op} />

      <Card>
        <Progress op={op} elapsed={elapsed} idLabel={idLabel} />
      </Card>

      <Card title="Size">
        <Sizes op={op} />
      </Card>

      {op.events.length > 0 && (
        <Card title="Attempts that could not get the lock">
          <ol className="space-y-4">
            {op.events.map((e) => (
              // The last attempt's blockers are the ones the failure above already lists.
              <AttemptEvent key={e.n} e={e} lockTimeout={op.params.lockTimeoutSeconds} idHeading={factsOf(op).connectionId.heading} showBlockers={!(e.type === 'blocked' && op.blockers.length > 0)} />
            ))}
          </ol>
        </Card>
      )}

      <Card title="Settings">
        <Settings op={op} />
      </Card>
    </div>
  );
}

function StatusNote({ op }: { op: OperationView }) {
  if (op.status === 'completed') {
    const back = op.beforeBytes !== null && op.afterBytes !== null ? op.beforeBytes - op.afterBytes : null;
    return (
      <Alert tone="success">
        Completed in {operationDuration(op.seconds)}: {formatBytes(op.beforeBytes)} → {formatBytes(op.afterBytes)}
        {back !== null && back > 0 ? `, ${formatBytes(back)} given back.` : '.'}
      </Alert>
    );
  }
  if (op.status === 'failed') {
    return (
      <div className="space-y-3">
        <Alert tone="error">
          Failed: {op.error ?? 'no reason recorded'}.{/nothing was changed/i.test(op.error ?? '') ? '' : ' The statement was rolled back or never got its lock: the table is as it was.'}
        </Alert>
        {op.blockers.length > 0 && (
          <div className="space-y-2">
            <p className="text-sm font-medium text-slate-800">Kept it from its lock</p>
            <BlockersTable blockers={op.blockers} idHeading={factsOf(op).connectionId.heading} />
          </div>
        )}
      </div>
    );
  }
  if (op.status === 'interrupted') return <Alert tone="warning">Interrupted: {op.error ?? 'the process running it stopped'}.</Alert>;
  if (op.status === 'queued') {
    return (
      <Alert tone="info">
        Queued: a worker starts it within seconds. If it stays queued, no worker is running: see <a href="/workers" className="underline">Workers</a>.
      </Alert>
    );
  }
  return null;
}

function Progress({ op, elapsed, idLabel }: { op: OperationView; elapsed: number | null; idLabel: string }) {
  const p = op.progress;
  const running = op.status === 'running';
  const fraction = op.status === 'completed' ? 1 : (p?.fraction ?? null);
  const d = p?.detail ?? {};
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
  const blocks = num('heapBlocksTotal') !== null ? { scanned: num('heapBlocksScanned'), total: num('heapBlocksTotal') } : null;
  const stage = typeof d.stage === 'string' ? d.stage : null;
  const phase = !p ? (running ? 'starting' : op.status) : p.phase;
  return (
    <div className="space-y-4" data-testid="operation-progress">
      <div className="space-y-1.5">
        <div className="flex items-baseline justify-between gap-4 text-sm">
          <span className="font-medium text-slate-700" data-testid="operation-phase">
            {phase}
            {p?.waitingForLock && p.blockedBy.length > 0 && (
              <span className="font-normal text-amber-800">
                {' '}
                behind {idLabel} {p.blockedBy.join(', ')}
              </span>
            )}
          </span>
          <span className="tabular-nums text-slate-600">{fraction === null ? '' : formatPercent(fraction)}</span>
        </div>
        <div
          role="progressbar"
          aria-label="Operation progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-100"
        >
          {fraction === null && running ? (
            <div className="h-full w-1/3 animate-pulse rounded-full bg-sky-300" />
          ) : (
            <div
              className={`h-full rounded-full transition-[width] duration-500 ${op.status === 'completed' ? 'bg-emerald-500' : op.status === 'failed' ? 'bg-red-500' : 'bg-sky-600'}`}
              style={{ width: `${(fraction ?? 0) * 100}%` }}
            />
          )}
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Metric id="attempt" label="Attempt" value={p ? `${Math.max(1, p.attempt)} of ${p.attempts}` : '—'} hint={p?.waitingForLock ? 'waiting for its lock' : undefined} />
        <Metric id="elapsed" label="Elapsed" value={operationDuration(elapsed)} hint={op.params.estimatedSeconds !== null ? `estimated ${formatDuration(Math.max(1, op.params.estimatedSeconds))}` : undefined} />
        {factsOf(op).reclaim.progress === 'stages' ? (
          <>
            <Metric id="stage" label="Stage" value={stage ?? '—'} hint={num('maxStage') !== null ? `stage ${num('stage') ?? '?'} of ${num('maxStage')}` : 'from the process list'} />
            <Metric id="statement" label="Statement running" value={num('statementMs') !== null ? formatDuration(num('statementMs')! / 1000) : '—'} />
          </>
        ) : (
          <>
            <Metric
              id="blocks"
              label="Heap blocks scanned"
              value={blocks ? `${formatCount(blocks.scanned)} of ${formatCount(blocks.total)}` : '—'}
              hint={blocks ? 'pg_stat_progress_cluster' : op.status === 'running' || op.status === 'queued' ? 'once the rewrite has its lock' : 'no progress figures were recorded'}
            />
            <Metric
              id="written"
              label="Rows written"
              value={formatCount(num('tuplesWritten'))}
              hint={num('indexesRebuilt') !== null ? `${formatCount(num('indexesRebuilt'))} indexes rebuilt` : undefined}
            />
          </>
        )}
      </dl>
    </div>
  );
}

function Sizes({ op }: { op: OperationView }) {
  const expected = op.params.expectedAfterBytes;
  const done = op.status === 'completed';
  const back = op.beforeBytes !== null && op.afterBytes !== null ? op.beforeBytes - op.afterBytes : null;
  return (
    <dl className="grid grid-cols-3 gap-4" data-testid="operation-sizes">
      <Metric
        id="size-before"
        label="Before"
        value={formatBytes(op.beforeBytes)}
        hint={op.beforeBytes === null ? 'measured when it starts' : factsOf(op).reclaim.sizeMeasure}
      />
      <Metric
        id="size-after"
        label="After"
        value={op.afterBytes !== null ? formatBytes(op.afterBytes) : '—'}
        hint={op.afterBytes === null && expected !== null ? `expected about ${formatBytes(expected)}` : done ? 'measured when it ended' : op.afterBytes !== null ? 'unchanged: nothing was rewritten' : undefined}
      />
      <Metric
        id="size-back"
        label="Given back"
        value={done && back !== null ? formatBytes(Math.max(0, back)) : '—'}
        hint={done && back !== null && op.beforeBytes ? `${formatPercent(Math.max(0, back) / op.beforeBytes)} of the table` : undefined}
      />
    </dl>
  );
}

function AttemptEvent({ e, lockTimeout, idHeading, showBlockers }: { e: OperationEvent; lockTimeout: number; idHeading: string; showBlockers: boolean }) {
  return (
    <li className="space-y-2" data-testid="attempt-event">
      <p className="text-sm text-slate-800">
        <span className="font-medium">
          Attempt {e.attempt} of {e.attempts}
        </span>{' '}
        could not get its lock within {lockTimeout} s{e.type === 'retry' ? `; retried after ${e.pauseSeconds} s` : '; it gave up, nothing was changed'}.{' '}
        <span className="text-xs text-slate-500">{formatUtc(e.at, { seconds: true })}</span>
      </p>
      {!showBlockers ? null : e.blockers.length > 0 ? (
        <BlockersTable blockers={e.blockers} idHeading={idHeading} />
      ) : (
        <p className="text-xs text-slate-500">No blocking session was found after it gave up.</p>
      )}
    </li>
  );
}

function Settings({ op }: { op: OperationView }) {
  const p = op.params;
  const items: Array<[string, string]> = [
    ['Lock', p.lockMode ?? '—'],
    ['Lock timeout', `${p.lockTimeoutSeconds} s`],
    ['Statement timeout', formatDuration(p.statementTimeoutSeconds)],
    ['Retries', formatCount(p.retries)],
    ['Pause between attempts', `${p.retryPauseSeconds} s`],
  ];
  return <SettingsList items={items} className="grid-cols-2 sm:grid-cols-5" />;
}
