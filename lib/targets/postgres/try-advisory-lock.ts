// The per-table advisory lock that keeps cleanups, reclaims and truncates of a
// table apart, shared by the cleanup and reclaim drivers. When it is taken,
// says who holds it, for the "already running" message.
import type { LockResult } from '../../cleanup/driver';

type Rows = <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

export async function tryPgAdvisoryLock(rows: Rows, key: string): Promise<LockResult> {
  const [r] = await rows<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
  if (r?.ok) return { acquired: true, holder: null };
  // Advisory locks on one bigint key appear in pg_locks split into classid (high half) and objid (low half).
  const [h] = await rows<{ pid: number; app: string | null; since: Date | null; client: string | null }>(
    `SELECT a.pid, a.application_name AS app, a.backend_start AS since, host(a.client_addr) AS client
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = (($1::bigint >> 32) & 4294967295)::oid
        AND l.objid = ($1::bigint & 4294967295)::oid AND l.objsubid = 1
      LIMIT 1`,
    [key],
  );
  const holder = h
    ? `pid ${h.pid}${h.app ? ` (${h.app})` : ''}${h.client ? ` from ${h.client}` : ''}${h.since ? ` since ${h.since.toISOString()}` : ''}`
    : null;
  return { acquired: false, holder };
}
