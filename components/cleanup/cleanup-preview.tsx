// The start form's preview, rendered on the server: how many rows are expired,
// which strategy the planner picks and why, and an estimated duration from one
// real batch that is run and rolled back (it deletes nothing).
import 'server-only';
import { getTarget } from '@/lib/targets/registry';
import { previewCleanup, SHORT_DELETE_SECONDS, type CleanupPreview as Preview } from '@/lib/cleanup/prepare';
import type { ExpirySpec } from '@/lib/targets/adapter';
import type { CleanupParams } from '@/lib/schemas/cleanup-params';
import { toUserMessage } from '@/lib/errors';
import { formatCount, formatDuration, formatPercent } from '@/lib/format';
import { Alert } from '@/components/ui/alert';
import { Stat } from '@/components/ui/stat';
import { expiryView, type BoundaryRowView, type ExpiryView } from '@/lib/cleanup/expiry-view';

export async function CleanupPreview({
  target,
  spec,
  params,
  sample,
}: {
  target: string;
  spec: ExpirySpec;
  params: Pick<CleanupParams, 'strategy' | 'deleteCount' | 'sleepSeconds'>;
  /** false while a run is active on the table: its batches and the sample would only wait on each other */
  sample: boolean;
}) {
  let preview: Preview;
  const driver = getTarget(target).cleanupDriver();
  try {
    preview = await previewCleanup({ driver, spec, cutoff: new Date(), params, sample });
  } catch (e) {
    return <Alert tone="error">No preview: {toUserMessage(e)}</Alert>;
  } finally {
    await driver.close().catch(() => {});
  }
  const { estimate, plan, table } = preview;
  const approx = estimate.method === 'exact' ? '' : '≈ ';
  const batches = Math.ceil(estimate.expired / params.deleteCount);
  return (
    <div className="space-y-4" data-testid="cleanup-preview">
      <dl className="grid grid-cols-2 gap-4">
        <Stat
          label="Expired rows"
          value={approx + formatCount(estimate.expired)}
          hint={`${formatPercent(estimate.fraction)} of ${approx}${formatCount(estimate.total)} rows${estimate.method === 'exact' ? '' : ` (${estimate.method} estimate)`}`}
        />
        <Stat
          label="Estimated duration"
          value={preview.estimatedSeconds === null ? '—' : preview.estimatedSeconds > 0 && preview.estimatedSeconds < 1 ? 'under 1s' : formatDuration(preview.estimatedSeconds)}
          hint={
            preview.sampleMs === null
              ? estimate.expired === 0
                ? 'nothing to delete'
                : sample
                  ? 'no sample batch was timed'
                  : 'not timed while another cleanup of this table is going'
              : `${approx}${formatCount(batches)} batches × (${formatCount(preview.sampleMs)} ms + ${params.sleepSeconds} s sleep)`
          }
        />
      </dl>
      <ExpiryBoundary view={expiryView(preview)} />
      <div className="space-y-1 text-sm">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Strategy</p>
        <p className="font-medium text-slate-900">
          <code className="rounded bg-slate-100 px-1 text-xs">{plan.strategy}</code>
        </p>
        <p className="text-slate-600">{plan.reason}</p>
      </div>
      {preview.sampleMs !== null && (
        <p className="text-xs text-slate-500">
          Timed sample: one batch deleted {formatCount(preview.sampleDeleted)} rows in {preview.sampleMs < 10 ? preview.sampleMs.toFixed(1) : formatCount(preview.sampleMs)} ms and was rolled back. Later batches of a long run may differ;
          the run page shows the real rate.
        </p>
      )}
      {preview.oneDeleteSeconds !== null && preview.oneDeleteSeconds <= SHORT_DELETE_SECONDS && (
        <p className="text-sm text-slate-600" data-testid="one-delete-hint">
          One <code className="rounded bg-slate-100 px-1 text-xs">DELETE</code> of all {approx}
          {formatCount(estimate.expired)} expired rows would take about {preview.oneDeleteSeconds < 0.1 ? 'a tenth of a second' : `${preview.oneDeleteSeconds.toFixed(1)} s`} at the sample&apos;s rate, holding its row
          locks that long: short enough to run as one statement if a pause of that length is acceptable.
        </p>
      )}
      <p className="text-xs text-slate-500">
        {table.server} · primary key {table.primaryKey.length ? table.primaryKey.join(', ') : 'none'} · {table.expiryIndex ? `index ${table.expiryIndex} on ${table.expiryColumn}` : `no index on ${table.expiryColumn}`}
      </p>
    </div>
  );
}

/** How the column is read and the rows either side of the cutoff: a wrong zone shows as a "newest deleted" in the future. */
function ExpiryBoundary({ view }: { view: ExpiryView }) {
  const row = (label: string, r: BoundaryRowView | null, testId: string) => (
    <div className="min-w-0" data-testid={testId}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="break-words font-mono text-xs text-slate-900">
        {r ? (
          <>
            {r.stored} <span className="font-sans text-slate-600">({r.fromNow})</span>
          </>
        ) : view.boundaryKnown ? (
          'none'
        ) : (
          <span className="font-sans text-slate-600">not read: no index on the column</span>
        )}
      </dd>
    </div>
  );
  return (
    <div className="space-y-2 text-sm" data-testid="expiry-boundary">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Cutoff</p>
      <p className="text-slate-700">{view.reading}.</p>
      <p className="break-words text-xs text-slate-600">
        Cutoff <span className="font-mono text-slate-900">{String(view.cutoff.stored)}</span> as stored = {view.cutoff.utc.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}
      </p>
      <dl className="grid gap-2 sm:grid-cols-2">
        {row('Newest row deleted', view.newestDeleted, 'newest-deleted')}
        {row('Oldest row kept', view.oldestKept, 'oldest-kept')}
      </dl>
    </div>
  );
}
