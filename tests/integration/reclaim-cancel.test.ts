// Cancelling a reclaim from another process: the operator's request goes
// through the store, so it reaches a `janitor reclaim` running in the CLI the
// same way it reaches one in the web app. The operation ends failed
// ("cancelled"), the table is as it was, and the request is audit-logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';
import { seedDjangoSessions } from '../helpers/session-tables';
import { resetEnvCache } from '@/lib/env';
import { store, closeStore } from '@/lib/store/client';
import { cancelOperation } from '@/lib/reclaim/cancel-operation';
import { getOperation } from '@/lib/store/operations/read-operations';
import { AppError } from '@/lib/errors';

const storeUrl = useTempStore();
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 30_000) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

let db: TestDb;
let holder: pg.Client;

beforeAll(async () => {
  resetEnvCache();
  db = await createPgDatabase('jcancel');
  await seedDjangoSessions('postgres', db.url, 5_000);
  // Keeps VACUUM FULL from its lock, so the operation is still going when the cancel comes.
  holder = await pgClient(db.url);
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM django_session');
});

afterAll(async () => {
  await holder?.query('COMMIT').catch(() => undefined);
  await holder?.end();
  await db?.drop();
  await closeStore();
});

describe('cancelling a reclaim from another process', () => {
  it('a VACUUM FULL waiting in the CLI stops within seconds of an operator cancelling it elsewhere, and nothing changes', async () => {
    const cli = janitorAsync(
      ['reclaim', '--url', db.url, '--table', 'django_session', '--mode', 'full', '--lock-timeout', '2', '--retries', '20', '--retry-pause', '2', '--json'],
      { env: { DATABASE_URL: storeUrl } },
    );
    await waitFor(() => lines(cli.output()).some((l) => l.type === 'retry'));
    const id = lines(cli.output()).find((l) => l.type === 'started').operationId as string;

    const t0 = Date.now();
    await cancelOperation(id, 'olivia');
    const r = await cli.done;
    // Uncancelled, its 21 attempts (2 s lock timeout, 2 s pause) would go on for
    // over 80 s; a cancel reaches it through the store within about a second.
    // The margin is for a busy machine, not for the cancel.
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.status).toBe(1);
    const done = lines(r.stdout).at(-1);
    expect(done).toMatchObject({ type: 'done', status: 'failed' });
    expect(done.error).toMatch(/cancel/);

    const op = await getOperation(id);
    expect(op).toMatchObject({ status: 'failed', control: null });
    expect(op!.events.length).toBeGreaterThan(0);
    expect(op!.events[0]).toMatchObject({ type: 'retry', attempt: 1 });
    expect(op!.beforeBytes).toBe(op!.afterBytes);

    const audit = await (await store()).auditLog.findMany({ where: { action: 'reclaim.cancel' } });
    expect(audit).toMatchObject([{ actor: 'olivia', outcome: 'ok' }]);

    // A finished operation cannot be cancelled again.
    await expect(cancelOperation(id, 'olivia')).rejects.toThrow(AppError);
  });
});
