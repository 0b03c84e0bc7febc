'use client';
// The run page's live part: everything that changes while the run goes.
import type { ReactNode } from 'react';
import { formatCount, formatDuration, formatPercent } from '@/lib/format';
import { formatUtc } from '@/lib/format-time';
import type { BatchKnobs, RunView } from '@/lib/store/runs/run-view';
import { describeKnobChange, knobChanges, type KnobChange } from '@/lib/cleanup/knob-changes';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { SettingsList } from '@/components/ui/settings-list';
import { Stat } from '@/components/ui/stat';
import { LatencyChart } from './latency-chart';
import { RunStatusBadge } from './run-status-badge';
import { RunControls } from './run-controls';
import { KnobsForm } from './knobs-form';
import { ReclaimOffer } from './reclaim-offer';
import { deleteRate, etaSeconds, formatRate, progressRatio, remainingRows } from './run-metrics';
import { useRunLive, type RunState } from './use-run-live';
import { LiveHeader } from './live-header';

const STRATEGY_NAME: Record<string, string> = {
  'heap-walk': 'heap walk (TID ranges)',
  'pk-range': 'primary-key ranges',
  keyset: 'keyset on the expiry index',
};

export function RunLive({ initial, knobBatches, canControl }: { initial: RunState; knobBatches: { n: number; knobs: BatchKnobs }[]; canControl: boolean }) {
  const { state, connection } = useRunLive(initial);
  const { run, batches } = state;
  const logoutAll = run.kind === 'logout-all';
  // Stored before the page loaded, plus the batches streamed since.
  const changes = knobChanges([...knobBatches, ...batches.filter((b) => b.knobs && b.n > (knobBatches.at(-1)?.n ?? 0))]);
  const rate = deleteRate(run, batches);
  const ratio = progressRatio(run);
  const remaining = remainingRows(run);
  const eta = etaSeconds(run, rate);
  const exactCount = run.expiredAtStart !== null;

  return (
    <div className="space-y-6">
      <LiveHeader
        back={{ href: '/runs', label: 'Runs' }}
        title={`${run.kind === 'logout-all' ? 'Log everyone out' : 'Cleanup'} of ${run.schema}.${run.table}`}
        status={<RunStatusBadge status={run.status} />}
        connection={connection}
        target={run.target}
        startedBy={run.startedBy}
        startedAt={run.startedAt ?? run.createdAt}
        note={
          run.kind === 'logout-all'
            ? 'every session, expired or not'
            : `rows expired before ${formatUtc(run.cutoff, { seconds: true })}${run.timestampZone ? ` (${run.expiryColumn} read as ${run.timestampZone === 'server' ? "the database's zone" : run.timestampZone} time)` : ''}`
        }
        controls={canControl && <RunControls run={run} />}
      />

      <StatusNote run={run} canControl={canControl} />

      <Card>
        <div className="space-y-4">
          <div className="space-y-1.5">
            <div className="flex items-baseline justify-between text-sm">
              <span className="font-medium text-slate-700">
                {formatCount(run.totalDeleted)} of {exactCount ? formatCount(run.expiredAtStart) : '?'} {run.kind === 'logout-all' ? 'sessions' : 'expired rows'} deleted
              </span>
              <span className="tabular-nums text-slate-600">{ratio === null ? '' : formatPercent(ratio)}</span>
            </div>
            <div
              role="progressbar"
              aria-label="Rows deleted"
              aria-valuemin={0}
              aria-valuemax={run.expiredAtStart ?? undefined}
              aria-valuenow={run.totalDeleted}
              className="h-3 w-full overflow-hidden rounded-full bg-slate-100"
            >
              <div
                className={`h-full rounded-full transition-[width] duration-500 ${run.status === 'completed' ? 'bg-emerald-500' : run.status === 'failed' ? 'bg-red-500' : run.status === 'running' ? 'bg-sky-600' : 'bg-amber-500'}`}
                style={{ width: `${(ratio ?? 0) * 100}%` }}
              />
            </div>
          </div>
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
            <Metric id="rows-deleted" label="Rows deleted" value={formatCount(run.totalDeleted)} />
            <Metric id="rows-remaining" label="Remaining" value={remaining === null ? '—' : formatCount(remaining)} hint={logoutAll ? 'of the sessions at start' : 'of the expired count at start'} />
            <Metric id="rate" label="Rate" value={formatRate(rate)} hint={run.status === 'running' ? 'last 30 s, sleeps included' : 'average'} />
            <Metric id="eta" label="ETA" value={run.status === 'completed' ? 'done' : eta === null ? '—' : formatDuration(eta)} />
            <Metric id="batches" label="Batches" value={formatCount(run.batchCount)} />
            <Metric id="active-time" label="Active time" value={formatDuration(run.activeSeconds)} hint={run.finishedAt ? `finished ${formatUtc(run.finishedAt, { seconds: true })}` : undefined} />
          </dl>
        </div>
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card title="Batch latency">
            <LatencyChart batches={batches} changes={changes} />
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Strategy">
            <p className="text-sm font-medium text-slate-900">{run.strategy ? (STRATEGY_NAME[run.strategy] ?? run.strategy) : '—'}</p>
            {run.strategyReason && <p className="mt-1 text-sm text-slate-600">{run.strategyReason}</p>}
          </Card>
          <Card title="Throttle">
            <Throttle run={run} />
          </Card>
        </div>
      </div>

      {canControl && !['completed', 'cancelled', 'failed'].includes(run.status) ? (
        <Card title="Settings" actions={<span className="text-xs text-slate-500">{run.status === 'running' ? 'change while it runs' : 'change before resuming'}</span>}>
          <KnobsForm run={run} />
          <SettingsHistory changes={changes} />
        </Card>
      ) : (
        <Card title="Settings">
          <Settings run={run} />
          <SettingsHistory changes={changes} />
        </Card>
      )}
    </div>
  );
}

export function Metric({ id, label, value, hint }: { id: string; label: string; value: ReactNode; hint?: string }) {
  return (
    <div data-testid={id}>
      <Stat label={label} value={value} hint={hint} />
    </div>
  );
}

function StatusNote({ run, canControl }: { run: RunView; canControl: boolean }) {
  return (
    <>
      <StatusAlert run={run} canControl={canControl} />
      {run.takeovers > 0 && run.status !== 'queued' ? (
        <Alert tone="info">
          Taken over {run.takeovers === 1 ? 'once' : `${run.takeovers} times`} after its worker stopped; it went on from its last stored batch, so its totals are exact.
        </Alert>
      ) : null}
    </>
  );
}

function StatusAlert({ run, canControl }: { run: RunView; canControl: boolean }) {
  switch (run.status) {
    case 'queued':
      return run.noWorker ? (
        <Alert tone="warning">
          Queued, but no worker is running. Start one with <code>npx janitor worker</code>, or run the dashboard with <code>npm start</code> (without{' '}
          <code>--no-worker</code>); the run starts as soon as a worker is up.
        </Alert>
      ) : (
        <Alert tone="info">Queued: a worker takes it within seconds{run.error ? ` (${run.error})` : ''}.</Alert>
      );
    case 'completed':
      return (
        <Alert tone="success">
          Completed: {formatCount(run.totalDeleted)} {run.kind === 'logout-all' ? 'sessions' : 'rows'} deleted in {formatCount(run.batchCount)} batches, {formatDuration(run.activeSeconds)} of
          work.
          <ReclaimOffer run={run} canControl={canControl} />
        </Alert>
      );
    case 'failed':
      return <Alert tone="error">Failed: {run.error ?? 'no reason recorded'}</Alert>;
    case 'interrupted':
      return <Alert tone="warning">Interrupted: {run.error ?? 'the process running it stopped; resume to continue from the last stored batch'}.</Alert>;
    case 'paused':
      return <Alert tone="info">Paused after batch {formatCount(run.batchCount)}. Resume continues from there with the same cutoff.</Alert>;
    case 'cancelled':
      return <Alert tone="info">Cancelled after {formatCount(run.batchCount)} batches; {formatCount(run.totalDeleted)} rows were deleted.</Alert>;
    default:
      return null;
  }
}

function Throttle({ run }: { run: RunView }) {
  const t = run.throttle;
  const p = run.params;
  if (run.status !== 'running') return <p className="text-sm text-slate-500">Not running.</p>;
  const limits = p.maxReplicaLagSeconds !== null || p.maxActiveConnections !== null;
  const label = !t || t.state === 'running' ? 'Going' : t.state === 'paused' ? 'Waiting' : 'Retrying';
  const tone = !t || t.state === 'running' ? 'text-emerald-700' : 'text-amber-700';
  const measured = t !== null && t.activeConnections !== null;
  return (
    <div className="space-y-2 text-sm" data-testid="throttle">
      <p className={`font-medium ${tone}`}>{label}</p>
      {t?.reason ? (
        <p className="text-slate-600">{t.reason.replace(/^paused: /, '')}</p>
      ) : (
        <p className="text-slate-600">
          {limits ? 'Within the replica-lag and load limits.' : 'No replica-lag or load limit is set: batches follow the sleep' + (p.targetBatchMs !== null ? ' and the target batch time.' : '.')}
        </p>
      )}
      {measured && (
        <dl className="grid grid-cols-2 gap-2 text-xs text-slate-600">
          <div>
            <dt className="text-slate-500">Replica lag</dt>
            <dd className="tabular-nums">
              {t.replicaLagSeconds === null ? 'no replicas' : `${t.replicaLagSeconds.toFixed(1)} s`}
              {p.maxReplicaLagSeconds !== null && ` (limit ${p.maxReplicaLagSeconds} s)`}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Active connections</dt>
            <dd className="tabular-nums">
              {t.activeConnections}
              {p.maxActiveConnections !== null && ` (limit ${p.maxActiveConnections})`}
            </dd>
          </div>
        </dl>
      )}
    </div>
  );
}

function Settings({ run }: { run: RunView }) {
  const p = run.params;
  const off = (v: number | null, unit = '') => (v === null ? 'off' : `${formatCount(v)}${unit}`);
  const items: Array<[string, string]> = [
    ['Delete count', formatCount(p.deleteCount)],
    ['Sleep seconds', `${p.sleepSeconds} s`],
    ['Iteration count', p.iterationCount === null ? 'no limit' : formatCount(p.iterationCount)],
    ['Max runtime', p.maxRuntimeSeconds === null ? 'no limit' : formatDuration(p.maxRuntimeSeconds)],
    ['Target batch time', off(p.targetBatchMs, ' ms')],
    ['Max replica lag', off(p.maxReplicaLagSeconds, ' s')],
    ['Max active connections', off(p.maxActiveConnections)],
  ];
  return <SettingsList items={items} className="grid-cols-2 sm:grid-cols-4 lg:grid-cols-7" />;
}

/** Which batches ran with which settings, when they were changed during the run. */
function SettingsHistory({ changes }: { changes: KnobChange[] }) {
  if (changes.length < 2) return null;
  return (
    <div className="mt-4 border-t border-slate-100 pt-3">
      <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Changed during the run</h3>
      <ol className="mt-1 space-y-0.5 text-sm text-slate-700" aria-label="Settings by batch">
        {changes.map((c, i) => {
          const end = changes[i + 1]?.fromBatch;
          return (
            <li key={c.fromBatch}>
              <span className="tabular-nums text-slate-500">
                {end ? `batches ${formatCount(c.fromBatch)}–${formatCount(end - 1)}` : `from batch ${formatCount(c.fromBatch)}`}:
              </span>{' '}
              {describeKnobChange(c, changes[i - 1])}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
