// One scheduled sample of one target: claim the interval's slot, read every
// table's sizes in ONE catalog query (the report's own tables() query, with
// its statement and lock timeouts; no per-table loop), and the expired and
// live sessions of each session table it finds: counted when the table is
// small, else the planner's estimate, so no huge table is ever read. Without
// the counts the "expired sessions above N" alert and janitor_session_rows
// would wait for someone to open the report. A target that fails is recorded
// as down for that interval.
import 'server-only';
import { AppError, toUserMessage } from '../errors';
import { getTarget } from '../targets/registry';
import type { TargetAdapter } from '../targets/adapter';
import { detectSessionTables } from '../session-tables/detect';
import { PRESET_TABLE_NAMES } from '../session-tables/presets';
import { bucketStart, claimSlot, finishSlot } from './slot';
import { writeSample, type SessionCount } from './write-sample';

export type SampleOutcome = 'sampled' | 'taken' | 'down';

/** Past this the sample is given up (the query's own timeouts are 30 s; this bounds a connect that hangs). */
export const SAMPLE_TIMEOUT_MS = 60_000;

/** Session tables up to this many estimated rows are counted exactly (a fraction of a second); bigger ones are estimated. */
export const SAMPLE_EXACT_MAX_ROWS = 200_000;

export async function sampleTarget(opts: { target: string; intervalMs: number; owner: string; now?: Date }): Promise<SampleOutcome> {
  const at = opts.now ?? new Date();
  const bucket = bucketStart(at, opts.intervalMs);
  if (!(await claimSlot({ target: opts.target, bucketStart: bucket, source: 'schedule', owner: opts.owner }))) return 'taken';
  try {
    const adapter = getTarget(opts.target);
    const tables = await withTimeout(adapter.tables(), SAMPLE_TIMEOUT_MS, `sampling "${opts.target}" took longer than ${SAMPLE_TIMEOUT_MS / 1000} s`);
    // The sizes stand on their own: a session count that fails (a table
    // dropped meanwhile, a column the login cannot read) leaves its counts out
    // of this sample, as the report would show that error.
    const sessions = await withTimeout(sessionCounts(adapter, at), SAMPLE_TIMEOUT_MS, 'counting sessions took too long').catch(() => []);
    await writeSample({ target: opts.target, at, tables, sessions });
    await finishSlot({ target: opts.target, bucketStart: bucket, up: true });
    return 'sampled';
  } catch (e) {
    await finishSlot({ target: opts.target, bucketStart: bucket, up: false, error: toUserMessage(e) });
    return 'down';
  }
}

/** Each detected session table's expired and live sessions now, one table after another. */
async function sessionCounts(adapter: TargetAdapter, now: Date): Promise<SessionCount[]> {
  const detected = detectSessionTables(await adapter.catalogTables({ names: PRESET_TABLE_NAMES }), { targetZone: adapter.timestampZone });
  const out: SessionCount[] = [];
  for (const d of detected) {
    const c = await adapter.countSessions(d, { now, exactMaxRows: SAMPLE_EXACT_MAX_ROWS, indexCount: false }).catch(() => null);
    if (c) out.push({ schema: d.schema, table: d.table, expired: c.expired, live: c.live });
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError(message, 'timeout')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
