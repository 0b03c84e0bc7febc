// Fault: the app restarts in a container with the same hostname and pid
// (often 1), so the pid stored as the owner of a dead worker's run or reclaim
// belongs to a live process again. Long work of both kinds is judged by its
// heartbeat then: stale means interrupted, whatever the pid, and the table is
// free for the next cleanup or reclaim.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { useTempStore } from '../helpers/temp-store';
import { resetEnvCache } from '@/lib/env';
import { closeStore, store } from '@/lib/store/client';
import { STALE_MS } from '@/lib/store/work/ownership';
import { createRun } from '@/lib/store/runs/write-runs';
import { getRun, listRuns } from '@/lib/store/runs/read-runs';
import { createOperation } from '@/lib/store/operations/write-operations';
import { getOperation, listOperations } from '@/lib/store/operations/read-operations';
import { cleanupParamsSchema } from '@/lib/schemas/cleanup-params';
import { reclaimParamsSchema } from '@/lib/schemas/reclaim';
import { executeReclaim } from '@/lib/reclaim/execute';
import { targetKey } from '@/lib/targets/resolve';

useTempStore();

// This very process: alive, but it runs no worker for what it is said to own.
const reusedPid = () => `${os.hostname()}:${process.pid}:before-restart`;
const staleBeat = () => new Date(Date.now() - STALE_MS - 5_000);

let db: TestDb;

beforeAll(async () => {
  resetEnvCache();
  await closeStore();
  db = await createPgDatabase('jt_pid');
  const c = await pgClient(db.url);
  for (const t of ['django_session', 'other_sessions']) {
    await c.query(`CREATE TABLE ${t} (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL)`);
    await c.query(`INSERT INTO ${t} SELECT md5(i::text), repeat('x', 200), now() - interval '1 day' FROM generate_series(1, 2000) i`);
  }
  await c.end();
});

afterAll(async () => {
  await db?.drop();
  await closeStore();
});

describe('a restarted process that got the same pid', () => {
  it('a run whose owner pid now belongs to a live process (a container restarted as pid 1) shows as interrupted once its heartbeat is stale', async () => {
    const newRun = (table: string) =>
      createRun({
        kind: 'cleanup', target: 'main', schema: 'public', table, preset: 'django', expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null,
        cutoff: new Date(), params: cleanupParamsSchema.parse({}), strategy: 'heap-walk', strategyReason: 'test', startedBy: 'tester',
        owner: reusedPid(), expiredAtStart: 10, cursor: null,
      });
    const stale = await newRun('django_session');
    const fresh = await newRun('other_sessions');
    await (await store()).run.update({ where: { id: stale }, data: { heartbeatAt: staleBeat() } });

    // What the runs list and the run page read.
    const listed = await listRuns({ target: 'main' });
    expect(listed.find((r) => r.id === stale)!.status).toBe('interrupted');
    expect((await getRun(stale))!.status).toBe('interrupted');
    // A beating worker in a live process is left alone.
    expect((await getRun(fresh))!.status).toBe('running');
  });

  it('a reclaim whose owner pid now belongs to a live process shows as interrupted once its heartbeat is stale, and the next reclaim of the table runs', async () => {
    const key = targetKey({ url: db.url });
    const newOperation = (table: string) =>
      createOperation({
        target: key, schema: 'public', table, mode: 'full',
        params: { ...reclaimParamsSchema.parse({ mode: 'full' }), dialect: 'postgres', estimatedSeconds: 1, expectedAfterBytes: null, lockMode: 'ACCESS EXCLUSIVE' },
        startedBy: 'tester', owner: reusedPid(),
      });
    const stale = await newOperation('django_session');
    const fresh = await newOperation('other_sessions');
    await (await store()).operation.update({ where: { id: stale }, data: { heartbeatAt: staleBeat() } });

    // The operator's next VACUUM FULL of the table is not refused as "already running".
    const r = await executeReclaim({ target: { url: db.url }, table: 'django_session', params: { mode: 'full' }, startedBy: 'tester' });
    expect(r.error).toBeNull();
    expect(r.status).toBe('completed');
    expect((await getOperation(stale))!.status).toBe('interrupted');
    // A beating worker in a live process is left alone, and still blocks its table.
    const ops = await listOperations({ target: key });
    expect(ops.find((o) => o.id === fresh)!.status).toBe('running');
    await expect(executeReclaim({ target: { url: db.url }, table: 'other_sessions', params: { mode: 'full' }, startedBy: 'tester' })).rejects.toThrow(
      `a reclaim of public.other_sessions is already running (operation ${fresh})`,
    );
  });
});
