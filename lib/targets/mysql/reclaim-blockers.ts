// Sessions in the way of OPTIMIZE / ANALYZE TABLE on MySQL/MariaDB.
//
// The lock they wait for is a metadata lock, and any transaction that has
// read or written the table holds one until it commits. Who holds metadata
// locks is visible only with instrumentation: MySQL 8's
// performance_schema.metadata_locks, or MariaDB's METADATA_LOCK_INFO plugin.
// Without it, every open transaction is a possible blocker and is listed as
// such (blocksOperation: null). Open transactions come from
// information_schema.INNODB_TRX and from SHOW ENGINE INNODB STATUS: MariaDB
// leaves a transaction that has only read (the usual blocker: a request that
// read the table and never committed) out of INNODB_TRX.
import 'server-only';
import type { Blocker, ReclaimMode } from '../../reclaim/driver';
import { redact } from '../../redact';
import { toNumber, type MysqlFlavor } from './source';
import type { MysqlRows } from './reclaim-inspect';

type MdlRow = { id: unknown; mode: string; status: string | null };

type SessionRow = {
  id: unknown;
  user: string | null;
  host: string | null;
  command: string | null;
  state: string | null;
  time: unknown;
  info: string | null;
  trxAge: unknown;
  trxQuery: string | null;
};

const QUERY_CHARS = 200;

/** Holders and waiters of metadata locks on the table, or null when the server does not show them. */
async function metadataLocks(rows: MysqlRows, flavor: MysqlFlavor, ref: { schema: string; table: string }): Promise<MdlRow[] | null> {
  try {
    if (flavor === 'mariadb') {
      // Only present when the METADATA_LOCK_INFO plugin is installed; it lists granted locks.
      return await rows<MdlRow>(
        `SELECT THREAD_ID AS id, LOCK_MODE AS mode, 'GRANTED' AS status
           FROM information_schema.METADATA_LOCK_INFO WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
        [ref.schema, ref.table],
      );
    }
    const [on] = await rows<{ enabled: string | null }>(
      `SELECT IF(@@performance_schema = 1, (SELECT ENABLED FROM performance_schema.setup_instruments
                                          WHERE NAME = 'wait/lock/metadata/sql/mdl'), 'NO') AS enabled`,
    );
    if (on?.enabled !== 'YES') return null;
    return await rows<MdlRow>(
      `SELECT t.PROCESSLIST_ID AS id, m.LOCK_TYPE AS mode, m.LOCK_STATUS AS status
         FROM performance_schema.metadata_locks m
         JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
        WHERE m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = ? AND m.OBJECT_NAME = ? AND t.PROCESSLIST_ID IS NOT NULL`,
      [ref.schema, ref.table],
    );
  } catch {
    return null;
  }
}

/** Connection id → seconds its transaction has been active, from SHOW ENGINE INNODB STATUS; empty without the PROCESS privilege. */
export async function activeTransactions(rows: MysqlRows): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  let text: string;
  try {
    const [r] = await rows<{ Status: string }>('SHOW ENGINE INNODB STATUS');
    text = String(r?.Status ?? '');
  } catch {
    return out;
  }
  for (const block of text.split('\n---TRANSACTION ').slice(1)) {
    const active = /^[^\n]*\bACTIVE (?:\(PREPARED\) )?(\d+) sec/.exec(block);
    const thread = /\b(?:MariaDB|MySQL) thread id (\d+)/.exec(block);
    if (active && thread) out.set(Number(thread[1]), Number(active[1]));
  }
  return out;
}

/** Whether a metadata lock held in `mode` makes this reclaim mode wait. */
function mdlConflicts(mode: ReclaimMode, held: string): boolean {
  // OPTIMIZE needs an exclusive metadata lock at its start and end: everything conflicts.
  if (mode === 'optimize') return true;
  // ANALYZE reads: only locks that keep readers out, or writers of the table's definition, conflict.
  return /EXCLUSIVE|NO_READ|NO_WRITE|UPGRADABLE/.test(held);
}

export async function mysqlBlockers(
  rows: MysqlRows,
  flavor: MysqlFlavor,
  ref: { schema: string; table: string },
  opts: { mode: ReclaimMode; longerThanSeconds: number; pids?: number[] },
): Promise<Blocker[]> {
  const mdl = await metadataLocks(rows, flavor, ref);
  const seen = new Set(opts.pids ?? []);
  const held = new Map<number, string[]>();
  const waiting = new Set<number>();
  for (const m of mdl ?? []) {
    const id = toNumber(m.id);
    if (id === null) continue;
    const mode = String(m.mode).replace(/^MDL_/, '');
    if (m.status === 'PENDING') waiting.add(id);
    else held.set(id, [...(held.get(id) ?? []), mode]);
  }
  const ids = [...new Set([...held.keys(), ...waiting, ...seen])];
  const trxFromStatus = await activeTransactions(rows);
  const longTrx = [...trxFromStatus].filter(([, age]) => age >= opts.longerThanSeconds).map(([id]) => id);
  const list = (xs: number[]) => (xs.length ? xs.map(() => '?').join(', ') : 'NULL');
  // Known lock holders and waiters are listed wherever they are; open
  // transactions and long statements only for sessions using the table's
  // database (or none): on a shared server the rest are almost always someone
  // else's. Age is seconds since the transaction began; TIMESTAMPDIFF compares both sides in the session's time zone.
  const sessions = await rows<SessionRow>(
    `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.COMMAND AS command, p.STATE AS state, p.TIME AS time,
            LEFT(p.INFO, 300) AS info, TIMESTAMPDIFF(SECOND, x.trx_started, NOW()) AS trxAge, LEFT(x.trx_query, 300) AS trxQuery
       FROM information_schema.PROCESSLIST p
       LEFT JOIN information_schema.INNODB_TRX x ON x.trx_mysql_thread_id = p.ID
      WHERE p.ID <> CONNECTION_ID()
        AND (((p.DB = ? OR p.DB IS NULL)
              AND ((x.trx_id IS NOT NULL AND TIMESTAMPDIFF(SECOND, x.trx_started, NOW()) >= ?)
                OR (p.COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL') AND p.TIME >= ?)
                OR p.STATE LIKE 'Waiting for table metadata lock%'
                OR p.ID IN (${list(longTrx)})))
          OR p.ID IN (${list(ids)}))
      ORDER BY trxAge DESC, p.TIME DESC
      LIMIT 50`,
    [ref.schema, opts.longerThanSeconds, opts.longerThanSeconds, ...longTrx, ...ids],
  );

  return sessions.map((s) => {
    const id = toNumber(s.id)!;
    const trxAge = toNumber(s.trxAge) ?? trxFromStatus.get(id) ?? null;
    const time = toNumber(s.time);
    const locks = held.get(id) ?? [];
    const reasons: Blocker['reasons'] = [];
    if (locks.length) reasons.push('holds-lock');
    if (waiting.has(id) || (s.state ?? '').startsWith('Waiting for table metadata lock')) reasons.push('waiting-for-lock');
    if (trxAge !== null) reasons.push(s.command === 'Sleep' ? 'idle-in-transaction' : 'open-transaction');
    if (s.command !== 'Sleep' && (time ?? 0) >= opts.longerThanSeconds) reasons.push('long-statement');
    if (seen.has(id)) reasons.push('blocked-attempt');
    let blocks: boolean | null;
    if (seen.has(id) || locks.some((m) => mdlConflicts(opts.mode, m)) || waiting.has(id)) blocks = true;
    else if (mdl !== null) blocks = false;
    else blocks = trxAge !== null ? null : false;
    const query = s.info ?? s.trxQuery;
    return {
      pid: id,
      user: s.user,
      application: null,
      client: s.host,
      state: [s.command, s.state].filter(Boolean).join(': ') || null,
      query: query ? redact(query).slice(0, QUERY_CHARS) : null,
      ageSeconds: trxAge ?? time,
      heldLocks: locks,
      reasons,
      blocksOperation: blocks,
    };
  });
}
