// "Log everyone out", instant: TRUNCATE the session table. Only when an
// operator explicitly chooses it over the graceful run. It takes the same
// per-table lock as cleanup runs and reclaims (the target's advisory lock /
// GET_LOCK) and is refused while either is active on the table; its own lock
// (ACCESS EXCLUSIVE / exclusive metadata lock) is waited for no longer than
// the lock timeout, so readers never queue behind it for long.
import 'server-only';
import { AppError, isAppError } from '../errors';
import { audit } from '../audit/record';
import type { SessionSpecInput } from '../schemas/session-spec';
import { RECLAIM_DEFAULTS } from '../schemas/reclaim';
import type { TargetAdapter } from '../targets/adapter';
import { rewriteMode } from '../reclaim/modes';
import { connectionIdLabel } from '../targets/dialect-facts';
import { activeWorkOn, openLogoutAllTable, type TargetSelection } from './logout-all-table';

export type LogoutAllInstantResult = { target: string; schema: string; table: string; removed: number; seconds: number };

export async function logoutAllInstant(input: {
  target: TargetSelection;
  spec: SessionSpecInput | Record<string, unknown>;
  startedBy: string;
  /** how long the TRUNCATE may wait for its lock (default: the reclaim default, 5 s) */
  lockTimeoutSeconds?: number;
}): Promise<LogoutAllInstantResult> {
  const t = await openLogoutAllTable(input.target, input.spec);
  const where = `${t.key}:${t.spec.schema}.${t.spec.table}`;
  const started = performance.now();
  const lockSeconds = input.lockTimeoutSeconds ?? RECLAIM_DEFAULTS.lockTimeoutSeconds;
  const driver = t.adapter.cleanupDriver({ lockTimeoutMs: lockSeconds * 1000 });
  try {
    const table = await driver.inspect(t.spec);
    const active = await activeWorkOn(t.key, table.schema, table.table);
    if (active.runId) {
      throw new AppError(`a cleanup run (${active.runId}) is ${active.runStatus} on ${table.schema}.${table.table}; let it end or cancel it first`, 'conflict', { runId: active.runId });
    }
    if (active.operationId) {
      throw new AppError(`a reclaim of ${table.schema}.${table.table} is running (operation ${active.operationId})`, 'conflict', { operationId: active.operationId });
    }
    const lock = await driver.tryLock(table);
    if (!lock.acquired) {
      throw new AppError(`a cleanup or reclaim of ${table.schema}.${table.table} is running elsewhere${lock.holder ? ` (table lock held by ${lock.holder})` : ''}`, 'conflict');
    }
    let removed: number;
    try {
      ({ removed } = await driver.truncate(table));
    } catch (e) {
      if (!isAppError(e) || e.kind !== 'timeout' || !/lock/.test(e.message)) throw e;
      throw new AppError(
        `TRUNCATE could not get its lock on ${table.schema}.${table.table} within ${lockSeconds} s; nothing was removed${await inTheWay(t.adapter, table)}`,
        'conflict',
      );
    }
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    await audit({ actor: input.startedBy, action: 'logout-all.instant', target: where, detail: { removed, seconds, method: 'truncate' }, outcome: 'ok' });
    return { target: t.key, schema: table.schema, table: table.table, removed, seconds };
  } catch (e) {
    const outcome = isAppError(e) && e.kind === 'conflict' ? 'denied' : 'error';
    await audit({ actor: input.startedBy, action: 'logout-all.instant', target: where, detail: { error: isAppError(e) ? e.message : 'unexpected error' }, outcome }).catch(() => undefined);
    throw e;
  } finally {
    await driver.close().catch(() => undefined);
    await t.release();
  }
}

/**
 * "; in the way: pid 4242 (idle in transaction, app)…" — the sessions the reclaim
 * preflight lists for a rewrite, whose lock (ACCESS EXCLUSIVE / exclusive
 * metadata lock) is the one TRUNCATE needs too.
 */
async function inTheWay(adapter: TargetAdapter, ref: { schema: string; table: string }): Promise<string> {
  const driver = adapter.reclaimDriver();
  try {
    const facts = await driver.inspect(ref);
    const blockers = (await driver.blockers(facts, { mode: rewriteMode(facts.dialect), longerThanSeconds: 1 })).filter((b) => b.blocksOperation !== false);
    if (!blockers.length) return '';
    const id = connectionIdLabel(facts.dialect);
    return `; in the way: ${blockers.map((b) => `${id} ${b.pid}${b.state ? ` (${b.state}${b.user ? `, ${b.user}` : ''})` : ''}`).join(', ')}`;
  } catch {
    return '';
  } finally {
    await driver.close().catch(() => undefined);
  }
}
