// What both ways of logging everyone out (the graceful run, the instant
// TRUNCATE) and their preview share: the session table resolved from the
// catalog with no TTL, the bound beyond every expiry value, and what is
// already working on the table.
import 'server-only';
import { AppError } from '../errors';
import { sessionSpecSchema, type SessionSpecInput } from '../schemas/session-spec';
import { defaultSchemaOf, resolveTarget, targetKey } from '../targets/resolve';
import type { TargetAdapter } from '../targets/adapter';
import { findActiveRun } from '../store/runs/read-runs';
import { findActiveOperation } from '../store/operations/read-operations';
import { logoutAllCutoff } from './expiry';
import { resolveSessionSpec, type ResolvedSpec } from './resolve-spec';

export type TargetSelection = { url?: string; target?: string };

export type LogoutAllTable = {
  adapter: TargetAdapter;
  /** the target's key in the store */
  key: string;
  spec: ResolvedSpec;
  /** beyond every expiry value: every session with an expiry is older (driver.storedCutoff writes it in the column's terms) */
  cutoff: Date;
  /** closes an ad-hoc --url adapter; a configured target's stays open for others */
  release: () => Promise<void>;
};

export async function openLogoutAllTable(target: TargetSelection, input: SessionSpecInput | Record<string, unknown>): Promise<LogoutAllTable> {
  const parsed = sessionSpecSchema.safeParse(input);
  if (!parsed.success) throw new AppError(parsed.error.issues[0]!.message, 'input');
  const adapter = resolveTarget(target);
  const release = async () => {
    if (target.url) await adapter.close().catch(() => undefined);
  };
  try {
    const resolved = await resolveSessionSpec(adapter, parsed.data, defaultSchemaOf(target));
    const spec = forLogoutAll(resolved);
    return { adapter, key: targetKey(target), spec, cutoff: logoutAllCutoff(spec.expiryType), release };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * Logging everyone out ends every session whatever its age: no TTL, and the
 * zone of naive timestamps does not matter (the cutoff is beyond them all).
 */
export function forLogoutAll(spec: ResolvedSpec): ResolvedSpec {
  return { ...spec, ttlSeconds: null, timestampZone: spec.timestampZone ?? 'utc' };
}

export type ActiveWork = { runId: string | null; runStatus: string | null; operationId: string | null };

/** A cleanup run (running or paused) or a reclaim operation on the table, after dead processes' ones are marked interrupted. */
export async function activeWorkOn(key: string, schema: string, table: string): Promise<ActiveWork> {
  const run = await findActiveRun(key, schema, table);
  const op = await findActiveOperation(key, schema, table);
  return { runId: run?.id ?? null, runStatus: run?.status ?? null, operationId: op?.id ?? null };
}
