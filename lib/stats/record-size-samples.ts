// Size history: when a report is taken, every table's total size is stored
// as one sample (all rows of a sample share one timestamp), at most once per
// target per SAMPLE_EVERY_MS so that reloading a page does not flood the store.
import 'server-only';
import { store } from '../store/client';
import type { SpaceReport } from './types';

export const SAMPLE_EVERY_MS = 10 * 60 * 1000;

// Two requests for the same target in one process (the page and an export,
// say) must not both pass the "no recent sample" check and write two samples.
const inFlight = new Map<string, Promise<boolean>>();

/** Stores one sample per table unless the target was sampled in the last 10 minutes. Returns whether it wrote. */
export function recordSizeSamples(opts: { target: string; report: Pick<SpaceReport, 'tables' | 'takenAt'> }): Promise<boolean> {
  const running = inFlight.get(opts.target);
  if (running) return running;
  const p = write(opts).finally(() => inFlight.delete(opts.target));
  inFlight.set(opts.target, p);
  return p;
}

async function write({ target, report }: { target: string; report: Pick<SpaceReport, 'tables' | 'takenAt'> }): Promise<boolean> {
  const at = new Date(report.takenAt);
  const db = await store();
  const recent = await db.sizeSample.findFirst({
    where: { target, at: { gt: new Date(at.getTime() - SAMPLE_EVERY_MS) } },
    select: { id: true },
  });
  if (recent || report.tables.length === 0) return false;
  await db.sizeSample.createMany({
    data: report.tables.map((t) => ({ target, schema: t.schema, table: t.name, totalBytes: t.totalBytes, at })),
  });
  return true;
}
