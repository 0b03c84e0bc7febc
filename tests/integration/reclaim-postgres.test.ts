// Reclaiming disk on a real PostgreSQL: VACUUM FULL gives the space of
// deleted rows back; with a transaction holding the table open it gives up
// after its lock timeout, names that session, leaves the table as it was, and
// readers of the table never wait much longer than the lock timeout; bad input,
// a cleanup in progress and a lost connection end with clear messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { useTempStore } from '../helpers/temp-store';
import { janitorAsync } from '../helpers/cli';
import { resetEnvCache } from '@/lib/env';
import { store, closeStore } from '@/lib/store/client';
import { AppError } from '@/lib/errors';
import { executeReclaim, startReclaim } from '@/lib/reclaim/execute';
import { preflightReclaim } from '@/lib/reclaim/preflight';
import { getOperation, listOperations } from '@/lib/store/operations/read-operations';
import type { ReclaimEvent } from '@/lib/reclaim/events';
import { targetKey } from '@/lib/targets/resolve';

const storeUrl = useTempStore();

let db: TestDb;
let client: pg.Client;

/** A django_session-shaped table with `rows` rows, `deleteShare` of them deleted at random (scattered over the heap). */
async function seed(table: string, rows: number, deleteShare: number) {
  await client.query(`CREATE TABLE ${table} (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL)`);
  await client.query(`CREATE INDEX ${table}_expire_date ON ${table} (expire_date)`);
  await client.query('SELECT setseed(0.42)');
  await client.query(
    `INSERT INTO ${table} SELECT md5(i::text) || lpad(i::text, 8, '0'), repeat('x', 200), now() - random() * interval '30 days'
       FROM generate_series(1, $1) i`,
    [rows],
  );
  if (deleteShare > 0) await client.query(`DELETE FROM ${table} WHERE random() < $1`, [deleteShare]);
  // what autovacuum would do after a cleanup: dead rows become free space, the file keeps its size
  await client.query(`VACUUM ANALYZE ${table}`);
}

async function totalSize(table: string): Promise<number> {
  const r = await client.query<{ b: string }>('SELECT pg_total_relation_size($1::regclass) AS b', [table]);
  return Number(r.rows[0]!.b);
}

async function count(table: string): Promise<number> {
  const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r.rows[0]!.n);
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
  db = await createPgDatabase('jt_reclaim');
  client = await pgClient(db.url);
  await seed('sessions_big', 100_000, 0.8);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
  await closeStore();
});

describe('reclaim on PostgreSQL', () => {
  it('operator runs VACUUM FULL after deleting 80% of a table and gets the disk back, recorded with before/after sizes', async () => {
    const rowsBefore = await count('sessions_big');
    const sizeBefore = await totalSize('sessions_big');

    const pre = await preflightReclaim({ target: target(), table: 'sessions_big', mode: 'full' });
    expect(pre.lock).toMatchObject({ mode: 'ACCESS EXCLUSIVE', blocksReads: true, blocksWrites: true });
    expect(pre.facts.totalBytes).toBe(sizeBefore);
    expect(pre.blockers.filter((b) => b.blocksOperation !== false)).toEqual([]);
    expect(pre.extraDiskMaxBytes).toBe(sizeBefore);
    expect(pre.estimatedSeconds).toBeGreaterThan(0);

    const events: ReclaimEvent[] = [];
    const r = await executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'full' }, startedBy: 'alice', onEvent: (e) => events.push(e), pollMs: 50 });
    expect(r.status).toBe('completed');
    expect(r.error).toBeNull();
    expect(r.beforeBytes).toBe(sizeBefore);
    const sizeAfter = await totalSize('sessions_big');
    expect(r.afterBytes).toBe(sizeAfter);
    expect(sizeAfter).toBeLessThan(sizeBefore * 0.4);
    expect(await count('sessions_big')).toBe(rowsBefore);
    // the preflight's estimate of the size after the rewrite is in the right range
    expect(pre.expectedAfterBytes).toBeGreaterThan(sizeAfter * 0.7);
    expect(pre.expectedAfterBytes).toBeLessThan(sizeAfter * 1.3);
    expect(events[0]).toMatchObject({ type: 'started', beforeBytes: sizeBefore });

    const op = await getOperation(r.operationId);
    expect(op).toMatchObject({ status: 'completed', mode: 'full', schema: 'public', table: 'sessions_big', startedBy: 'alice', beforeBytes: sizeBefore, afterBytes: sizeAfter, target: targetKey(target()) });
    expect(op!.progress).toMatchObject({ phase: 'done', fraction: 1 });
    const db_ = await store();
    const audit = await db_.auditLog.findMany({ where: { action: { startsWith: 'reclaim.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor, a.outcome])).toEqual([
      ['reclaim.start', 'alice', 'ok'],
      ['reclaim.completed', 'alice', 'ok'],
    ]);
  });

  it('with pgstattuple installed, the size after VACUUM FULL is estimated from measured live rows', async () => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    await seed('sessions_measured', 50_000, 0.8);
    const pre = await preflightReclaim({ target: target(), table: 'sessions_measured', mode: 'full' });
    expect(pre.estimateMethod).toContain('pgstattuple_approx');
    const r = await executeReclaim({ target: target(), table: 'sessions_measured', params: { mode: 'full' }, startedBy: 'cli' });
    expect(r.status).toBe('completed');
    expect(pre.expectedAfterBytes).toBeGreaterThan(r.afterBytes! * 0.8);
    expect(pre.expectedAfterBytes).toBeLessThan(r.afterBytes! * 1.2);
  });

  it('VACUUM and ANALYZE complete and take the lock that lets reads and writes go on', async () => {
    for (const mode of ['vacuum', 'analyze'] as const) {
      const pre = await preflightReclaim({ target: target(), table: 'sessions_big', mode });
      expect(pre.lock).toMatchObject({ mode: 'SHARE UPDATE EXCLUSIVE', blocksReads: false, blocksWrites: false });
      expect(pre.extraDiskBytes).toBe(0);
      const r = await executeReclaim({ target: target(), table: 'sessions_big', params: { mode }, startedBy: 'cli' });
      expect(r).toMatchObject({ status: 'completed', mode, attempts: 1 });
    }
  });

  it('with a transaction holding the table open, VACUUM FULL gives up after its lock timeout, names that pid, changes nothing, and readers wait at most about the lock timeout', async () => {
    await seed('sessions_held', 20_000, 0.8);
    const sizeBefore = await totalSize('sessions_held');
    const rowsBefore = await count('sessions_held');

    // The application's open transaction: it read the table, so it holds ACCESS SHARE until it ends.
    const holder = await pgClient(db.url);
    const reader = await pgClient(db.url);
    const holderPid = Number((await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    await holder.query('BEGIN');
    await holder.query('SELECT count(*) FROM sessions_held');

    // Live traffic: a loop of reads from a third connection, each timed.
    let reading = true;
    let maxReadMs = 0;
    let reads = 0;
    const readerLoop = (async () => {
      while (reading) {
        const t0 = performance.now();
        await reader.query("SELECT session_data FROM sessions_held WHERE session_key = md5('7') || lpad('7', 8, '0')");
        maxReadMs = Math.max(maxReadMs, performance.now() - t0);
        reads++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    try {
      const pre = await preflightReclaim({ target: target(), table: 'sessions_held', mode: 'full' });
      const listed = pre.blockers.find((b) => b.pid === holderPid);
      expect(listed).toMatchObject({ blocksOperation: true, heldLocks: ['ACCESS SHARE'], state: 'idle in transaction' });
      expect(listed!.reasons).toEqual(expect.arrayContaining(['holds-lock', 'idle-in-transaction']));
      expect(listed!.query).toContain('SELECT count(*) FROM sessions_held');
      expect(pre.warnings.join(' ')).toContain(String(holderPid));

      const events: ReclaimEvent[] = [];
      const started = await startReclaim({
        target: target(),
        table: 'sessions_held',
        params: { mode: 'full', lockTimeoutSeconds: 1, retries: 2, retryPauseSeconds: 0.5 },
        startedBy: 'alice',
        onEvent: (e) => events.push(e),
        pollMs: 100,
      });
      // A second operator (or process) on the same table meanwhile is refused.
      const second = await appError(executeReclaim({ target: target(), table: 'sessions_held', params: { mode: 'full' }, startedBy: 'bob' }));
      expect(second.kind).toBe('conflict');

      const r = await started.done;
      expect(r.status).toBe('failed');
      expect(r.reason).toBe('lock-timeout');
      expect(r.attempts).toBe(3);
      expect(r.error).toContain(`pid ${holderPid}`);
      expect(r.blockers.find((b) => b.pid === holderPid)).toMatchObject({ blocksOperation: true, reasons: expect.arrayContaining(['holds-lock', 'blocked-attempt']) });
      // what the page shows while it waits: the blocking pid, and the retries
      expect(events.some((e) => e.type === 'progress' && e.waitingForLock && e.blockedBy.includes(holderPid))).toBe(true);
      expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
      expect(events.filter((e) => e.type === 'blocked')).toHaveLength(1);

      // nothing half-done
      expect(await totalSize('sessions_held')).toBe(sizeBefore);
      expect(r.afterBytes).toBe(sizeBefore);
      expect(await count('sessions_held')).toBe(rowsBefore);
      const op = await getOperation(r.operationId);
      expect(op).toMatchObject({ status: 'failed', beforeBytes: sizeBefore });
      expect(op!.blockers.map((b) => b.pid)).toContain(holderPid);
      expect(op!.error).toContain('could not get its ACCESS EXCLUSIVE lock within 1 s');
    } finally {
      reading = false;
      await readerLoop;
      await holder.query('ROLLBACK');
      await holder.end();
      await reader.end();
    }
    // While each attempt waited for its lock, the reads queued behind it (so they
    // did wait), and never for much longer than the 1 s lock timeout: without
    // it they would wait as long as the holder holds its lock (this whole test).
    // The margin is for a read's own latency on a busy machine.
    expect(reads).toBeGreaterThan(20);
    expect(maxReadMs).toBeGreaterThan(300);
    expect(maxReadMs).toBeLessThan(1_000 + 2_000);
  });

  it('a mode that does not fit the dialect and a table that does not exist are clear errors, and nothing is recorded', async () => {
    const before = (await listOperations({ target: targetKey(target()) })).length;
    const wrong = await appError(executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'optimize' }, startedBy: 'cli' }));
    expect(wrong.kind).toBe('input');
    expect(wrong.message).toBe('mode "optimize" is not available on PostgreSQL (it is for MySQL/MariaDB); use full, vacuum, analyze');
    const bogus = await appError(executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'shrink' }, startedBy: 'cli' }));
    expect(bogus.kind).toBe('input');
    expect(bogus.message).toContain('mode must be one of full, vacuum, analyze, optimize');
    const missing = await appError(executeReclaim({ target: target(), table: 'no_such_table', params: { mode: 'full' }, startedBy: 'cli' }));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toBe('table public.no_such_table does not exist');
    const pre = await appError(preflightReclaim({ target: target(), schema: 'nope', table: 'sessions_big', mode: 'full' }));
    expect(pre.message).toBe('table nope.sessions_big does not exist');
    expect((await listOperations({ target: targetKey(target()) })).length).toBe(before);
  });

  it('is refused while a cleanup run is running on the same table, and says which', async () => {
    const s = await store();
    const run = await s.run.create({
      data: { target: targetKey(target()), schema: 'public', table: 'sessions_big', params: '{}', status: 'running', startedBy: 'bob', owner: `elsewhere:1:x`, heartbeatAt: new Date() },
    });
    try {
      const e = await appError(executeReclaim({ target: target(), table: 'sessions_big', params: { mode: 'full' }, startedBy: 'alice' }));
      expect(e.kind).toBe('conflict');
      expect(e.message).toBe(`a cleanup run (${run.id}) is running on public.sessions_big; reclaim the disk after it ends`);
      const pre = await preflightReclaim({ target: target(), table: 'sessions_big', mode: 'full' });
      expect(pre.activeRunId).toBe(run.id);
      const denied = await s.auditLog.findFirst({ where: { action: 'reclaim.start', outcome: 'denied' }, orderBy: { id: 'desc' } });
      expect(denied?.actor).toBe('alice');
    } finally {
      await s.run.update({ where: { id: run.id }, data: { status: 'completed' } });
    }
  });

  it('the database connection going away mid-rewrite fails the operation with a clear message and leaves the table intact', async () => {
    await seed('sessions_cut', 400_000, 0);
    const sizeBefore = await totalSize('sessions_cut');
    const rowsBefore = await count('sessions_cut');
    let killed = false;
    const started = await startReclaim({
      target: target(),
      table: 'sessions_cut',
      params: { mode: 'full' },
      startedBy: 'cli',
      pollMs: 50,
      onEvent: (e) => {
        // once the rewrite is under way, end its session as a server restart or network cut would
        if (e.type === 'progress' && !e.waitingForLock && e.phase !== 'starting' && !killed) {
          killed = true;
          void client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'janitor reclaim' AND query LIKE 'VACUUM%'`);
        }
      },
    });
    const r = await started.done;
    expect(killed).toBe(true);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('connection-lost');
    expect(r.error).toMatch(/^lost the connection during the VACUUM FULL of public\.sessions_cut \(.*\); PostgreSQL discards an unfinished VACUUM FULL, so the table is as it was$/);
    expect(await count('sessions_cut')).toBe(rowsBefore);
    expect(await totalSize('sessions_cut')).toBe(sizeBefore);
    expect((await getOperation(r.operationId))?.status).toBe('failed');
  });

  it('the CLI prints progress as JSON lines and ends with the done line; a blocked run names the blocker and exits non-zero', async () => {
    await seed('sessions_cli', 30_000, 0.8);
    const env = { DATABASE_URL: storeUrl };
    const ok = janitorAsync(['reclaim', '--url', db.url, '--table', 'sessions_cli', '--mode', 'full', '--json'], { env });
    const res = await ok.done;
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'preflight', lock: 'ACCESS EXCLUSIVE' });
    const done = lines.at(-1);
    expect(Object.keys(done)).toEqual(['type', 'status', 'beforeBytes', 'afterBytes', 'seconds']);
    expect(done).toMatchObject({ type: 'done', status: 'completed' });
    expect(done.afterBytes).toBe(await totalSize('sessions_cli'));
    expect(done.afterBytes).toBeLessThan(done.beforeBytes * 0.4);

    const holder = await pgClient(db.url);
    const holderPid = Number((await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM sessions_cli LIMIT 1');
    try {
      const blocked = janitorAsync(
        ['reclaim', '--url', db.url, '--table', 'sessions_cli', '--mode', 'full', '--lock-timeout', '0.5', '--retries', '1', '--retry-pause', '0.2', '--json'],
        { env },
      );
      const b = await blocked.done;
      expect(b.status).toBe(1);
      const out = b.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(out.find((l) => l.type === 'blocked').blockers.map((x: { pid: number }) => x.pid)).toContain(holderPid);
      expect(out.at(-1)).toMatchObject({ type: 'done', status: 'failed', blockers: expect.arrayContaining([holderPid]) });
      expect(out.at(-1).beforeBytes).toBe(out.at(-1).afterBytes);
      expect(b.stderr).toBe('');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});
