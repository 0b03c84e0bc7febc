// One scheduled sample of one target: claim the interval's slot, read every
// table's sizes in ONE catalog query (the report's own tables() query, with
// its statement and lock timeouts; no counts, no per-table loop), store them.
// A target that fails is recorded as down for that interval.
import 'server-only';
import { AppError, toUserMessage } from '../errors';
import { getTarget } from '../targets/registry';
import { bucketStart, claimSlot, finishSlot } from './slot';
import { writeSample } from './write-sample';

export type SampleOutcome = 'sampled' | 'taken' | 'down';

/** Past this the sample is given up (the query's own timeouts are 30 s; this bounds a connect that hangs). */
export const SAMPLE_TIMEOUT_MS = 60_000;

export async function sampleTarget(opts: { target: string; intervalMs: number; owner: string; now?: Date }): Promise<SampleOutcome> {
  const at = opts.now ?? new Date();
  const bucket = bucketStart(at, opts.intervalMs);
  if (!(await claimSlot({ target: opts.target, bucketStart: bucket, source: 'schedule', owner: opts.owner }))) return 'taken';
  try {
    const tables = await withTimeout(getTarget(opts.target).tables(), SAMPLE_TIMEOUT_MS, `sampling "${opts.target}" took longer than ${SAMPLE_TIMEOUT_MS / 1000} s`);
    await writeSample({ target: opts.target, at, tables });
    await finishSlot({ target: opts.target, bucketStart: bucket, up: true });
    return 'sampled';
  } catch (e) {
    await finishSlot({ target: opts.target, bucketStart: bucket, up: false, error: toUserMessage(e) });
    return 'down';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError(message, 'timeout')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
