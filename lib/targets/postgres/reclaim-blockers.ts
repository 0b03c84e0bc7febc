// Sessions in the way of a reclaim on PostgreSQL, from pg_stat_activity and
// pg_locks: whoever holds or waits for a lock on the table (or its indexes /
// TOAST) that conflicts with the operation's lock, and transactions open for
// a while — those keep VACUUM from removing rows they might still see, even
// when they never touched the table.
import 'server-only';
import type { Blocker, ReclaimMode } from '../../reclaim/driver';
import { redact } from '../../redact';
import { pgLockConflicts } from './reclaim-plan';
import type { PgRows } from './reclaim-inspect';

type Row = {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  backend_type: string | null;
  query: string | null;
  age_seconds: number | null;
  statement_seconds: number | null;
  held: string[] | null;
  waiting: string[] | null;
  in_transaction: boolean;
};

const SQL = `
WITH rels AS (
  SELECT $1::oid AS oid
  UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = $1::oid
  UNION ALL SELECT reltoastrelid FROM pg_class WHERE oid = $1::oid AND reltoastrelid <> 0
),
locks AS (
  SELECT l.pid,
    array_agg(DISTINCT l.mode) FILTER (WHERE l.granted) AS held,
    array_agg(DISTINCT l.mode) FILTER (WHERE NOT l.granted) AS waiting
  FROM pg_locks l
  WHERE l.locktype = 'relation'
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.relation IN (SELECT oid FROM rels)
  GROUP BY l.pid
)
SELECT a.pid, a.usename::text AS user, a.application_name AS application, host(a.client_addr) AS client,
  a.state, a.backend_type, left(a.query, 300) AS query,
  EXTRACT(EPOCH FROM now() - coalesce(a.xact_start, a.query_start))::float8 AS age_seconds,
  CASE WHEN a.state = 'active' THEN EXTRACT(EPOCH FROM now() - a.query_start)::float8 END AS statement_seconds,
  locks.held, locks.waiting, a.xact_start IS NOT NULL AS in_transaction
FROM pg_stat_activity a
LEFT JOIN locks ON locks.pid = a.pid
WHERE a.pid <> pg_backend_pid()
  AND (locks.pid IS NOT NULL
    OR a.pid = ANY($3::int[])
    OR (a.datname = current_database() AND a.xact_start < now() - make_interval(secs => $2::float8)))
ORDER BY age_seconds DESC NULLS LAST
LIMIT 50`;

const QUERY_CHARS = 200;

export async function pgBlockers(
  rows: PgRows,
  oid: number,
  opts: { mode: ReclaimMode; longerThanSeconds: number; pids?: number[] },
): Promise<Blocker[]> {
  const seen = new Set(opts.pids ?? []);
  const found = await rows<Row>(SQL, [oid, opts.longerThanSeconds, [...seen]]);
  return found.map((r) => {
    const held = r.held ?? [];
    const waiting = r.waiting ?? [];
    const reasons: Blocker['reasons'] = [];
    if (held.length) reasons.push('holds-lock');
    if (waiting.length) reasons.push('waiting-for-lock');
    if (r.state?.startsWith('idle in transaction')) reasons.push('idle-in-transaction');
    else if (r.in_transaction && (r.age_seconds ?? 0) >= opts.longerThanSeconds) reasons.push('open-transaction');
    if ((r.statement_seconds ?? 0) >= opts.longerThanSeconds) reasons.push('long-statement');
    if (seen.has(Number(r.pid))) reasons.push('blocked-attempt');
    // A queued request ahead of ours that conflicts with our lock is served first.
    // Autovacuum gives its lock up when it blocks someone (deadlock_timeout),
    // except a vacuum that prevents transaction-id wraparound.
    const yields = r.backend_type === 'autovacuum worker' && !/wraparound/i.test(r.query ?? '');
    const blocks = seen.has(Number(r.pid)) || (!yields && [...held, ...waiting].some((m) => pgLockConflicts(opts.mode, m)));
    return {
      pid: Number(r.pid),
      user: r.user,
      application: r.application || (r.backend_type && r.backend_type !== 'client backend' ? r.backend_type : null),
      client: r.client,
      state: r.state ?? r.backend_type,
      query: r.query ? redact(r.query).slice(0, QUERY_CHARS) : null,
      ageSeconds: r.age_seconds === null ? null : Math.round(Number(r.age_seconds) * 10) / 10,
      heldLocks: held.map(lockName),
      reasons,
      blocksOperation: blocks,
    };
  });
}

/** "AccessShareLock" → "ACCESS SHARE", as the documentation and LOCK TABLE name them. */
function lockName(m: string): string {
  return m.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
