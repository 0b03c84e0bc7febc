// Reclaiming disk on a real MariaDB: OPTIMIZE TABLE gives the space of
// deleted rows back (DATA_LENGTH + INDEX_LENGTH go down); an open transaction
// that read the table holds a metadata lock, so OPTIMIZE gives up after
// lock_wait_timeout and reports that session; a lost connection and bad input
// end with clear messages and the table intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createMysqlDatabase, mysqlConn, type TestDb } from '../helpers/databases';
import { useTempStore } from '../helpers/temp-store';
import { resetEnvCache } from '@/lib/env';
import { closeStore, store } from '@/lib/store/client';
import { AppError } from '@/lib/errors';
import { executeReclaim, startReclaim } from '@/lib/reclaim/execute';
import { preflightReclaim } from '@/lib/reclaim/preflight';
import { getOperation } from '@/lib/store/operations/read-operations';
import type { ReclaimEvent } from '@/lib/reclaim/events';

useTempStore();

let db: TestDb;
let conn: mysql.Connection;

async function seed(table: string, rows: number, deleteShare: number) {
  await conn.query(`CREATE TABLE ${table} (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL,
    expire_date datetime(6) NOT NULL, KEY ${table}_expire_date (expire_date)) ENGINE=InnoDB`);
  await conn.query(
    `INSERT INTO ${table} SELECT CONCAT(LPAD(seq, 8, '0'), MD5(seq)), REPEAT('x', 200), UTC_TIMESTAMP() - INTERVAL FLOOR(RAND(7) * 2592000) SECOND FROM seq_1_to_${rows}`,
  );
  if (deleteShare > 0) {
    await conn.query(`DELETE FROM ${table} WHERE RAND(11) < ?`, [deleteShare]);
    await settled(table);
  }
  await conn.query(`ANALYZE TABLE ${table}`);
}

/**
 * Deleted rows leave the pages once InnoDB's purge has run, in the background;
 * only then do the statistics show the free pages a rebuild gives back (a
 * cleanup run leaves minutes to hours for that; the test waits until the
 * table's page counts stop changing).
 */
async function settled(table: string) {
  let last = '';
  for (let i = 0; i < 120; i++) {
    await conn.query(`ANALYZE TABLE ${table}`);
    const [rows] = await conn.query(
      `SELECT GROUP_CONCAT(index_name, stat_name, stat_value ORDER BY index_name, stat_name) AS s,
              SUM(IF(index_name = 'PRIMARY' AND stat_name = 'n_leaf_pages', stat_value, 0)) AS leaf,
              SUM(IF(index_name = 'PRIMARY' AND stat_name = 'size', stat_value, 0)) AS size
         FROM mysql.innodb_index_stats WHERE database_name = ? AND table_name = ? AND stat_name IN ('n_leaf_pages', 'size')`,
      [db.name, table],
    );
    const r = (rows as { s: string; leaf: number; size: number }[])[0]!;
    // purged (most leaves emptied and merged) and no longer changing
    if (Number(r.leaf) < Number(r.size) * 0.5 && r.s === last) return;
    last = r.s;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error('InnoDB purge did not settle within a minute');
}

/** Sizes agree within 1% (InnoDB's page counts move a little while purge finishes). */
function near(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(expected * 0.01);
}

/** DATA_LENGTH + INDEX_LENGTH after ANALYZE TABLE, so InnoDB's figures are fresh. */
async function size(table: string): Promise<number> {
  await conn.query(`ANALYZE TABLE ${table}`);
  const [rows] = await conn.query('SELECT DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db.name, table]);
  return Number((rows as { b: number }[])[0]!.b);
}

async function count(table: string): Promise<number> {
  const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number((rows as { n: number }[])[0]!.n);
}

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const target = () => ({ url: db.url });

beforeAll(async () => {
  resetEnvCache();
  db = await createMysqlDatabase('jt_reclaim');
  conn = await mysqlConn(db.url);
  await seed('sessions_big', 100_000, 0.8);
});

afterAll(async () => {
  await conn?.end();
  await db?.drop();
  await closeStore();
});

describe('reclaim on MariaDB', () => {
  it('operator runs OPTIMIZE TABLE after deleting 80% of a table and DATA_LENGTH + INDEX_LENGTH come down, recorded before/after', async () => {
    const rowsBefore = await count('sessions_big');
    const sizeBefore = await size('sessions_big');
    const pre = await preflightReclaim({ target: target(), table: 'sessions_big', mode: 'optimize' });
    expect(pre.schema).toBe(db.name);
    expect(pre.lock).toMatchObject({ blocksReads: false, blocksWrites: false, held: 'a moment at the start and at the end' });
    expect(pre.facts.engine).toBe('InnoDB');
    expect(pre.expectedBackBytes).toBeGreaterThan(sizeBefore * 0.4);

    const r = await executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'optimize' }, startedBy: 'alice' });
    expect(r.status).toBe('completed');
    near(r.beforeBytes, sizeBefore);
    const sizeAfter = await size('sessions_big');
    expect(r.afterBytes).toBe(sizeAfter);
    expect(sizeAfter).toBeLessThan(sizeBefore * 0.5);
    expect(await count('sessions_big')).toBe(rowsBefore);
    // the preflight's estimate of what comes back is in the right range
    expect(pre.expectedBackBytes).toBeGreaterThan((sizeBefore - sizeAfter) * 0.7);
    expect(pre.expectedBackBytes).toBeLessThan((sizeBefore - sizeAfter) * 1.3);
    expect(r.messages.join(' ')).toContain('recreate + analyze');

    expect(await getOperation(r.operationId)).toMatchObject({ status: 'completed', mode: 'optimize', schema: db.name, beforeBytes: r.beforeBytes, afterBytes: sizeAfter });
    const s = await store();
    const audit = await s.auditLog.findMany({ where: { action: { startsWith: 'reclaim.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['reclaim.start', 'ok'],
      ['reclaim.completed', 'ok'],
    ]);
  });

  it('ANALYZE TABLE completes', async () => {
    const r = await executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'analyze' }, startedBy: 'cli' });
    expect(r).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('an open transaction that read the table holds a metadata lock: OPTIMIZE gives up after lock_wait_timeout, names that connection, changes nothing', async () => {
    await seed('sessions_held', 20_000, 0.8);
    const sizeBefore = await size('sessions_held');
    const holder = await mysqlConn(db.url);
    const [idRows] = await holder.query('SELECT CONNECTION_ID() AS id');
    const holderId = Number((idRows as { id: number }[])[0]!.id);
    await holder.query('BEGIN');
    await holder.query('SELECT COUNT(*) FROM sessions_held');
    // information_schema.INNODB_TRX is a cache refreshed at most every 100 ms
    await new Promise((r) => setTimeout(r, 300));
    try {
      const pre = await preflightReclaim({ target: target(), table: 'sessions_held', mode: 'optimize', longerThanSeconds: 0 });
      expect(pre.blockers.map((b) => b.pid)).toContain(holderId);

      const events: ReclaimEvent[] = [];
      const r = await executeReclaim({
        target: target(),
        table: 'sessions_held',
        params: { mode: 'optimize', lockTimeoutSeconds: 1, retries: 1, retryPauseSeconds: 0.2 },
        startedBy: 'alice',
        onEvent: (e) => events.push(e),
        pollMs: 100,
      });
      expect(r.status).toBe('failed');
      expect(r.reason).toBe('lock-timeout');
      expect(r.attempts).toBe(2);
      expect(r.error).toContain('could not get its metadata lock within 1 s');
      expect(r.error).toMatch(new RegExp(`connection id [0-9, ]*\\b${holderId}\\b`));
      const blocker = r.blockers.find((b) => b.pid === holderId);
      // MariaDB without the METADATA_LOCK_INFO plugin does not say who holds metadata locks
      expect(blocker).toMatchObject({ reasons: expect.arrayContaining(['idle-in-transaction']) });
      expect(blocker!.blocksOperation === null || blocker!.blocksOperation === true).toBe(true);
      expect(events.some((e) => e.type === 'progress' && e.waitingForLock)).toBe(true);
      expect(events.filter((e) => e.type === 'blocked')).toHaveLength(1);
      expect((await getOperation(r.operationId))?.blockers.map((b) => b.pid)).toContain(holderId);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await count('sessions_held')).toBeGreaterThan(0);
    near(await size('sessions_held'), sizeBefore);
  });

  it('a mode that does not fit the dialect and a table that does not exist are clear errors', async () => {
    const wrong = await appError(executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'full' }, startedBy: 'cli' }));
    expect(wrong.kind).toBe('input');
    expect(wrong.message).toBe('mode "full" is not available on MySQL/MariaDB (it is for PostgreSQL); use optimize, analyze');
    const missing = await appError(executeReclaim({ target: target(), table: 'no_such_table', params: { mode: 'optimize' }, startedBy: 'cli' }));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toBe(`table ${db.name}.no_such_table does not exist`);
  });

  it('the connection going away mid-rebuild fails the operation with a clear message and leaves the table intact', async () => {
    await seed('sessions_cut', 150_000, 0);
    const rowsBefore = await count('sessions_cut');
    let killed = false;
    const started = await startReclaim({
      target: target(),
      table: 'sessions_cut',
      params: { mode: 'optimize' },
      startedBy: 'cli',
      pollMs: 50,
      onEvent: (e) => {
        if (e.type === 'progress' && e.phase === 'altering table' && !killed) {
          killed = true;
          void (async () => {
            const [rows] = await conn.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'OPTIMIZE TABLE%sessions_cut%'");
            for (const r of rows as { id: number }[]) await conn.query('KILL ?', [r.id]);
          })();
        }
      },
    });
    const r = await started.done;
    expect(killed).toBe(true);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('connection-lost');
    expect(r.error).toMatch(/^lost the connection during the OPTIMIZE TABLE of jt_reclaim_\w+\.sessions_cut \(.*\); an interrupted rebuild is rolled back, so the table is as it was$/);
    expect(await count('sessions_cut')).toBe(rowsBefore);
    const [check] = await conn.query('CHECK TABLE sessions_cut');
    expect((check as { Msg_text: string }[]).at(-1)!.Msg_text).toBe('OK');
  });
});
