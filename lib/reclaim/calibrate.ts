// The duration estimate starts from rates measured on the project's test
// machine (reclaim-plan.ts per dialect). A target's own completed operations
// say how much faster or slower its server is: the estimate is scaled by the
// median of observed / modelled seconds over the last few of them.
import 'server-only';
import { store } from '../store/client';
import type { ReclaimMode } from '../schemas/reclaim';
import type { ReclaimDriver } from './driver';
import type { ReclaimProgress } from './events';

const SAMPLES = 5;
/** Shorter runs are mostly fixed overhead and say little about throughput. */
const MIN_MODEL_SECONDS = 0.5;

export type Calibration = { factor: number; samples: number };

export async function calibration(driver: ReclaimDriver, target: string, mode: ReclaimMode): Promise<Calibration> {
  const db = await store();
  const rows = await db.operation.findMany({
    where: { target, mode, status: 'completed', beforeBytes: { not: null }, afterBytes: { not: null } },
    orderBy: { createdAt: 'desc' },
    take: 20,
    select: { beforeBytes: true, afterBytes: true, progress: true },
  });
  const ratios: number[] = [];
  for (const r of rows) {
    let run: number | null = null;
    try {
      run = r.progress ? ((JSON.parse(r.progress) as Partial<ReclaimProgress>).attemptSeconds ?? null) : null;
    } catch {
      run = null;
    }
    if (run === null || r.beforeBytes === null || r.afterBytes === null) continue;
    const model = driver.estimateSeconds(mode, { beforeBytes: r.beforeBytes, afterBytes: r.afterBytes, tableBytes: r.beforeBytes });
    if (model < MIN_MODEL_SECONDS) continue;
    ratios.push(run / model);
    if (ratios.length === SAMPLES) break;
  }
  if (!ratios.length) return { factor: 1, samples: 0 };
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  return { factor: Math.min(20, Math.max(0.2, median)), samples: ratios.length };
}
