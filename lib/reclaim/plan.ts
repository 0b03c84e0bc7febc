// What an operation will do to a table, from its inspected facts: the lock, a
// duration, the disk it needs and the disk it should give back. Pure: the
// preflight shows it, the executor stores it with the operation.
import type { ReclaimMode } from '../schemas/reclaim';
import type { LockDescription, ReclaimDriver, ReclaimTable } from './driver';
import type { Calibration } from './calibrate';

export type ReclaimPlan = {
  lock: LockDescription;
  estimatedSeconds: number;
  /** where the duration comes from, for the label */
  estimateBasis: string;
  /** total size expected right after the operation */
  expectedAfterBytes: number;
  expectedBackBytes: number;
  /** how the expected size was obtained */
  estimateMethod: string;
  /** free disk the operation needs while it runs: the new copy of the table and its indexes */
  extraDiskBytes: number;
  /** the same if nothing turned out to be reclaimable: the table's whole current size */
  extraDiskMaxBytes: number;
  rewrites: boolean;
};

const REWRITES: ReclaimMode[] = ['full', 'optimize'];

export function planReclaim(driver: ReclaimDriver, t: ReclaimTable, mode: ReclaimMode, cal: Calibration = { factor: 1, samples: 0 }): ReclaimPlan {
  const rewrites = REWRITES.includes(mode);
  const after = rewrites ? t.rewrittenBytes : t.totalBytes;
  const model = driver.estimateSeconds(mode, { beforeBytes: t.totalBytes, afterBytes: after, tableBytes: t.tableBytes });
  return {
    lock: driver.lockFor(t, mode),
    estimatedSeconds: Math.round(model * cal.factor * 10) / 10,
    estimateBasis:
      cal.samples > 0
        ? `rates measured on the test machine, scaled by ${cal.factor.toFixed(2)} from ${cal.samples} earlier operation${cal.samples === 1 ? '' : 's'} on this target`
        : 'rates measured on the test machine (no earlier operation on this target to calibrate with)',
    expectedAfterBytes: after,
    expectedBackBytes: Math.max(0, t.totalBytes - after),
    estimateMethod: rewrites ? t.estimateMethod : 'no rewrite: the files keep their size (VACUUM may cut empty pages off the end)',
    extraDiskBytes: rewrites ? t.rewrittenBytes : 0,
    extraDiskMaxBytes: rewrites ? t.totalBytes : 0,
    rewrites,
  };
}
