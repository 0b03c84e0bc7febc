// A report taken on the page or for an export feeds the size history too
// (lib/history): when the current sampling interval of its target has no
// sample yet, the report's figures are that interval's sample (with the
// session counts the report made); when the schedule sampled it already, the
// report's session counts are added to that sample. Either way one sample per
// target per interval, however many reports are taken.
import 'server-only';
import { env } from '../env';
import { ownerId } from '../store/work/ownership';
import { bucketStart, claimSlot, finishSlot } from '../history/slot';
import { addSessionCounts, writeSample } from '../history/write-sample';
import type { SpaceReport } from './types';

/** Stores the report as its target's sample for the current interval, or adds its session counts to it. Returns whether it wrote a new sample. */
export async function recordSizeSamples(opts: { target: string; report: Pick<SpaceReport, 'tables' | 'takenAt' | 'sessionTables'>; intervalMs?: number }): Promise<boolean> {
  const at = new Date(opts.report.takenAt);
  const bucket = bucketStart(at, opts.intervalMs ?? env().JANITOR_HISTORY_INTERVAL_MINUTES * 60_000);
  const sessions = opts.report.sessionTables.map((s) => ({ schema: s.schema, table: s.table, expired: s.expired, live: s.live }));
  if (opts.report.tables.length === 0) return false;
  if (!(await claimSlot({ target: opts.target, bucketStart: bucket, source: 'report', owner: ownerId('report') }))) {
    await addSessionCounts({ target: opts.target, bucketStart: bucket, sessions });
    return false;
  }
  await writeSample({ target: opts.target, at, tables: opts.report.tables, sessions });
  await finishSlot({ target: opts.target, bucketStart: bucket, up: true });
  return true;
}
