// The reclaim page's honest warning, rendered on the server from the
// preflight: the lock and for how long, the disk it needs and gives back, and
// the sessions in the way right now. Both widgets read one preflight per
// request (cached), so the warning and the blockers always agree.
import 'server-only';
import { cache } from 'react';
import { preflightReclaim, type ReclaimPreflight } from '@/lib/reclaim/preflight';
import type { ReclaimMode } from '@/lib/schemas/reclaim';
import { toUserMessage } from '@/lib/errors';
import { formatBytes, formatDuration } from '@/lib/format';
import { formatUtc } from '@/lib/format-time';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { Alert } from '@/components/ui/alert';
import { Stat } from '@/components/ui/stat';
import { BlockersTable } from './blockers-table';

type Ref = { target: string; schema: string; table: string; mode: ReclaimMode };

const load = cache(async (target: string, schema: string, table: string, mode: ReclaimMode): Promise<{ ok: true; p: ReclaimPreflight; at: string } | { ok: false; error: string }> => {
  try {
    return { ok: true, p: await preflightReclaim({ target: { target }, schema, table, mode }), at: new Date().toISOString() };
  } catch (e) {
    return { ok: false, error: toUserMessage(e) };
  }
});

const preflight = (r: Ref) => load(r.target, r.schema, r.table, r.mode);

function lockEffect(p: ReclaimPreflight): string {
  const { blocksReads, blocksWrites } = p.lock;
  if (blocksReads && blocksWrites) return 'reads and writes wait';
  if (blocksWrites) return 'writes wait, reads go on';
  return 'reads and writes go on';
}

export async function ReclaimWarning(props: Ref) {
  const r = await preflight(props);
  if (!r.ok) return <Alert tone="error">No preflight: {r.error}</Alert>;
  const p = r.p;
  // The refusals are shown above the form, with their links.
  const warnings = p.warnings.filter((w) => !(p.activeRunId && w.includes(p.activeRunId)) && !(p.activeOperationId && w.includes(p.activeOperationId)));
  const seconds = Math.max(1, p.estimatedSeconds);
  return (
    <div className="space-y-4" data-testid="reclaim-warning">
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Lock" value={p.lock.mode.length > 20 ? <span className="text-base leading-snug">{p.lock.mode}</span> : p.lock.mode} hint={lockEffect(p)} />
        <Stat label="Holds it for" value={`about ${formatDuration(seconds)}`} hint={p.lock.held} />
        <Stat
          label="Extra disk"
          value={p.rewrites ? `about ${formatBytes(p.extraDiskBytes)}` : 'none'}
          hint={p.rewrites ? `free while it runs; up to ${formatBytes(p.extraDiskMaxBytes)} if little is reclaimable` : 'nothing is rewritten'}
        />
        <Stat
          label="Space back"
          value={p.rewrites ? `about ${formatBytes(p.expectedBackBytes)}` : 'almost none'}
          hint={`${formatBytes(p.facts.totalBytes)} now${p.rewrites ? ` → about ${formatBytes(p.expectedAfterBytes)}` : ''}`}
        />
      </dl>
      <p className="text-sm text-slate-700" data-testid="lock-summary">
        {p.lock.summary}
      </p>
      <ul className="space-y-1 text-xs text-slate-500">
        <li>Duration: {p.estimateBasis}.</li>
        <li>Size after: {p.estimateMethod}.</li>
        <li>
          {p.facts.server} · {formatBytes(p.facts.tableBytes)} table, {formatBytes(p.facts.indexBytes)} indexes
          {p.facts.toastBytes > 0 ? `, ${formatBytes(p.facts.toastBytes)} TOAST` : ''} · about {p.facts.rowEstimate.toLocaleString('en-US')} rows
        </li>
      </ul>
      {warnings.length > 0 && (
        <Alert tone="warning">
          <ul className="list-disc space-y-1 pl-4">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
    </div>
  );
}

export async function ReclaimBlockers(props: Ref) {
  const r = await preflight(props);
  if (!r.ok) return <p className="text-sm text-slate-500">Cannot check for blockers: {r.error}</p>;
  const { p, at } = r;
  const facts = dialectFacts(p.dialect);
  return (
    <div className="space-y-2" data-testid="reclaim-blockers">
      {p.blockers.length === 0 ? (
        <p className="text-sm text-emerald-800">No session is in the way right now: no conflicting lock on the table, and no transaction open longer than 30 s.</p>
      ) : (
        <BlockersTable blockers={p.blockers} idHeading={facts.connectionId.heading} />
      )}
      <p className="text-xs text-slate-500">
        Checked {formatUtc(at, { seconds: true })}. {facts.blockersSource} A session can
        start or end at any moment: refresh just before you start.
      </p>
    </div>
  );
}
