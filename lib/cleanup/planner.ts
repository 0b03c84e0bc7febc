// Chooses how a run walks the table, and says why in words an operator reads
// on the run page. findings.md measured the trade-off: walking the table in
// its physical / clustered order (PostgreSQL TID ranges, InnoDB primary-key
// ranges) reads every row once, needs no index and runs near the speed of one
// big DELETE with flat batches; following the expiry index reads only expired
// rows but pays a random heap or clustered-index visit per row (about a
// seventh of the speed on MariaDB, 0.6x on PostgreSQL). So the index wins only
// when expired rows are a small share of a big table.
import { AppError } from '../errors';
import { dialectFacts } from '../targets/dialect-facts';
import type { ExpiredEstimate, StrategyName, TableFacts } from './driver';

/** Below this expired share (and above SMALL_TABLE_ROWS) following the expiry index reads less than walking everything. */
export const KEYSET_MAX_FRACTION = 0.05;
/** On tables this small every strategy is quick; the walk is chosen for its flat batches. */
export const SMALL_TABLE_ROWS = 100_000;

export type CleanupPlan = { strategy: StrategyName; reason: string };

export function describeStrategy(s: StrategyName): string {
  switch (s) {
    case 'heap-walk':
      return 'walking the heap in physical order (TID ranges)';
    case 'pk-range':
      return 'walking the primary key in ranges';
    case 'keyset':
      return 'following the expiry index from the oldest expired row';
  }
}

function pct(f: number): string {
  const p = f * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toPrecision(1)}%`;
}

function rows(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

export function planCleanup(opts: {
  table: TableFacts;
  estimate: ExpiredEstimate;
  /** the operator's choice; 'auto' (default) lets the planner decide */
  requested?: StrategyName | 'auto';
  /** log everyone out: every row goes, so the reason speaks of sessions, not of an expired share */
  everySession?: boolean;
}): CleanupPlan {
  const { table, estimate } = opts;
  const label = `${table.schema}.${table.table}`;
  const col = table.expiryColumn;
  if (table.strategies.length === 0) {
    const why = Object.values(table.unsupported).join('; ');
    throw new AppError(`cannot clean up ${label} in batches: ${why}`, 'input');
  }
  const requested = opts.requested ?? 'auto';
  if (requested !== 'auto') {
    if (!table.strategies.includes(requested)) {
      throw new AppError(`cannot use ${requested} on ${label}: ${table.unsupported[requested] ?? 'not available'}`, 'input');
    }
    return { strategy: requested, reason: `${describeStrategy(requested)}, as requested` };
  }

  const walk = dialectFacts(table.dialect).cleanup.walkStrategy;
  const share = opts.everySession
    ? `every session goes (${rows(estimate.total)} rows${estimate.method === 'exact' ? '' : ', estimated'}, expired or not)`
    : `${pct(estimate.fraction)} of ${rows(estimate.total)} rows are expired${estimate.method === 'exact' ? '' : ' (estimated)'}`;
  if (!table.strategies.includes(walk)) {
    return { strategy: 'keyset', reason: `following the index on "${col}" from the oldest expired row, since ${table.unsupported[walk]}` };
  }
  if (!table.strategies.includes('keyset')) {
    return { strategy: walk, reason: `${describeStrategy(walk)}, which needs no index (there is none on "${col}"); ${share}` };
  }
  if (estimate.fraction < KEYSET_MAX_FRACTION && estimate.total > SMALL_TABLE_ROWS) {
    return {
      strategy: 'keyset',
      reason: `only ${share}: following the index on "${col}" reads just those rows instead of the whole table`,
    };
  }
  return {
    strategy: walk,
    reason: `${share}: ${describeStrategy(walk)} reads each row once and keeps batches flat, near the speed of one big DELETE`,
  };
}
