// Everything an operator should see before starting a reclaim: the lock and
// for how long, the disk needed and given back, and who is in the way right
// now. Reads only: nothing is locked or changed.
import 'server-only';
import { AppError } from '../errors';
import { reclaimModeSchema, reclaimTableSchema, type ReclaimMode } from '../schemas/reclaim';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import type { Dialect } from '../targets/target-url';
import { dialectFacts, modeLabel } from '../targets/dialect-facts';
import { findActiveRun } from '../store/runs/read-runs';
import { formatBytes } from '../format';
import type { Blocker, ReclaimTable } from './driver';
import { assertModeFits } from './modes';
import { calibration } from './calibrate';
import { planReclaim, type ReclaimPlan } from './plan';
import { findActiveOperation } from '../store/operations/read-operations';

/** Transactions open longer than this are listed even when they hold no lock on the table. */
export const LONG_TRANSACTION_SECONDS = 30;

export type TargetSelection = { url?: string; target?: string };

export type ReclaimPreflight = ReclaimPlan & {
  /** the target's key in the store (configured name, or url:host:port/db) */
  target: string;
  dialect: Dialect;
  schema: string;
  table: string;
  mode: ReclaimMode;
  /** "VACUUM FULL (with ANALYZE)", "OPTIMIZE TABLE" … */
  modeLabel: string;
  facts: ReclaimTable;
  blockers: Blocker[];
  /** a cleanup run or another operation active on the table: the operation would be refused */
  activeRunId: string | null;
  activeOperationId: string | null;
  /** one sentence each, most important first */
  warnings: string[];
};

export function parseOrThrow<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError(r.error.issues[0]!.message, 'input');
  return r.data;
}

export async function preflightReclaim(input: {
  target: TargetSelection;
  schema?: string;
  table: string;
  mode: ReclaimMode | string;
  longerThanSeconds?: number;
}): Promise<ReclaimPreflight> {
  const mode = parseOrThrow<ReclaimMode>(reclaimModeSchema, input.mode);
  const adapter = resolveTarget(input.target);
  assertModeFits(adapter.dialect, mode);
  const ref = parseOrThrow(reclaimTableSchema, { schema: input.schema ?? defaultSchemaOf(input.target), table: input.table });
  const schema = ref.schema!;
  const key = targetKey(input.target);
  const driver = adapter.reclaimDriver();
  try {
    const facts = await driver.inspect({ schema, table: ref.table });
    const cal = await calibration(driver, key, mode);
    const plan = planReclaim(driver, facts, mode, cal);
    const longer = input.longerThanSeconds ?? LONG_TRANSACTION_SECONDS;
    const blockers = await driver.blockers(facts, { mode, longerThanSeconds: longer });
    const run = await findActiveRun(key, schema, ref.table);
    const op = await findActiveOperation(key, schema, ref.table);
    return {
      ...plan,
      target: key,
      dialect: adapter.dialect,
      schema,
      table: ref.table,
      mode,
      modeLabel: modeLabel(adapter.dialect, mode),
      facts,
      blockers,
      activeRunId: run?.id ?? null,
      activeOperationId: op?.id ?? null,
      warnings: warningsFor({ mode, facts, plan, blockers, runId: run?.id ?? null, opId: op?.id ?? null, longer }),
    };
  } finally {
    await driver.close().catch(() => undefined);
    // An ad-hoc --url adapter belongs to this call; a configured target's is shared and stays open.
    if (input.target.url) await adapter.close().catch(() => undefined);
  }
}

function warningsFor(o: {
  mode: ReclaimMode;
  facts: ReclaimTable;
  plan: ReclaimPlan;
  blockers: Blocker[];
  runId: string | null;
  opId: string | null;
  longer: number;
}): string[] {
  const w: string[] = [];
  const name = `${o.facts.schema}.${o.facts.table}`;
  if (o.runId) w.push(`A cleanup run (${o.runId}) is active on ${name}: the operation is refused until it ends.`);
  if (o.opId) w.push(`Another operation (${o.opId}) is running on ${name}.`);
  const blocking = o.blockers.filter((b) => b.blocksOperation === true);
  const maybe = o.blockers.filter((b) => b.blocksOperation === null);
  if (blocking.length) {
    w.push(
      `${blocking.length === 1 ? '1 session' : `${blocking.length} sessions`} (pid ${blocking.map((b) => b.pid).join(', ')}) ${blocking.length === 1 ? 'holds or waits' : 'hold or wait'} for a conflicting lock on ${name}: ` +
        'each attempt waits up to the lock timeout and then gives up.',
    );
  }
  if (maybe.length) {
    w.push(
      `${maybe.length} open transaction${maybe.length === 1 ? '' : 's'} (id ${maybe.map((b) => b.pid).join(', ')}) may hold a metadata lock on ${name} ` +
        '(the server does not show metadata locks): if one has touched the table, the operation waits for it up to the lock timeout.',
    );
  }
  const old = o.blockers.filter((b) => b.blocksOperation === false && (b.ageSeconds ?? 0) >= o.longer);
  if (old.length && dialectFacts(o.facts.dialect).oldTransactionsKeepRows && o.mode !== 'analyze') {
    w.push(
      `${old.length} transaction${old.length === 1 ? ' has' : 's have'} been open for more than ${o.longer} s (pid ${old.map((b) => b.pid).join(', ')}): ` +
        'rows deleted after they began are kept, because they may still see them.',
    );
  }
  if (o.plan.rewrites && o.plan.expectedBackBytes < Math.max(1024 * 1024, o.facts.totalBytes * 0.05)) {
    w.push(`Little to give back (about ${formatBytes(o.plan.expectedBackBytes)} of ${formatBytes(o.facts.totalBytes)}): a rewrite may not be worth its lock.`);
  }
  if (o.mode === 'vacuum') w.push('VACUUM makes dead rows reusable but returns almost no disk; VACUUM FULL gives it back.');
  return w;
}
