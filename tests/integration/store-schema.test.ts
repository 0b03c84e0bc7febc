// The store on SQLite (the embedded default) and on PostgreSQL: the same
// tables from the migrations, the same answers through Prisma, the same
// per-batch writes. prisma/migrations/*/postgres.sql is written by hand next
// to each migration.sql; a migration whose PostgreSQL twin is missing a
// column, an index or a type fails here.
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTempStore, queryStore, useStoreOfKind, type TempStore } from '../helpers/temp-store';
import { storeColumns, storeIndexes } from '../helpers/store-schema';
import { janitor } from '../helpers/cli';
import { storedRun } from '../helpers/store-runs';

const { store, storeDate } = await import('@/lib/store/client');
const { migrate } = await import('@/lib/store/migrate');
const { Prisma } = await import('@/lib/store/generated/client');
const { createRun, recordBatch, claimRun, finishRun } = await import('@/lib/store/runs/write-runs');

const made: TempStore[] = [];
afterAll(async () => {
  for (const s of made) await s.drop();
});

describe('the PostgreSQL store after its migrations', () => {
  it('has the tables, columns, types and indexes the SQLite store has', async () => {
    const [lite, pgs] = await Promise.all([createTempStore('sqlite'), createTempStore('postgres')]);
    made.push(lite, pgs);
    const [appliedLite, appliedPg] = [await migrate(lite.url), await migrate(pgs.url)];
    expect(appliedPg).toEqual(appliedLite);
    const [colsLite, colsPg] = [await storeColumns(lite.url), await storeColumns(pgs.url)];
    expect(Object.keys(colsPg).sort()).toEqual(Object.keys(colsLite).sort());
    for (const table of Object.keys(colsLite)) {
      const byName = (cols: { name: string }[]) => [...cols].sort((a, b) => a.name.localeCompare(b.name));
      // _janitor_migrations is the runners' own table, not a model: its column names must match, not its types.
      if (table === '_janitor_migrations') expect(colsPg[table]!.map((c) => c.name).sort(), table).toEqual(colsLite[table]!.map((c) => c.name).sort());
      else expect(byName(colsPg[table]!), table).toEqual(byName(colsLite[table]!));
    }
    expect(await storeIndexes(pgs.url)).toEqual(await storeIndexes(lite.url));
  });

  it('is migrated once: opening it again applies nothing', async () => {
    const s = await createTempStore('postgres');
    made.push(s);
    expect((await migrate(s.url)).length).toBeGreaterThan(0);
    expect(await migrate(s.url)).toEqual([]);
    const rows = await queryStore(s.url, 'SELECT name, COUNT(*) AS n FROM _janitor_migrations GROUP BY name');
    for (const r of rows) expect(Number(r.n)).toBe(1);
  });
});

for (const kind of STORE_KINDS) {
  describe(`the ${kind} store through Prisma`, () => {
    const s = useStoreOfKind(kind);

    it('every Prisma model answers on a fresh store', async () => {
      const db = (await store()) as unknown as Record<string, { count(): Promise<number>; findFirst(): Promise<unknown> }>;
      const models = Object.values(Prisma.ModelName);
      expect(models.length).toBeGreaterThan(0);
      for (const m of models) {
        const delegate = db[m[0]!.toLowerCase() + m.slice(1)]!;
        expect(await delegate.count(), m).toBe(0);
        expect(await delegate.findFirst(), m).toBeNull();
      }
    });

    it('a batch recorded by the per-batch write path reads back with its exact totals and the time it was written, in any process zone', async () => {
      const tz = process.env.TZ;
      process.env.TZ = 'Asia/Kolkata'; // +05:30: a local time mistaken for UTC is hours off
      try {
        const started = newRun('sessions');
        const runId = await createRun(started);
        const before = new Date();
        expect(await recordBatch(runId, 'me', batch(1, 500, 500))).toBe(true);
        expect(await recordBatch(runId, 'me', batch(2, 300, 800))).toBe(true);
        // the same batch stored again (a retry) replaces it instead of adding a row
        expect(await recordBatch(runId, 'me', batch(2, 250, 750))).toBe(true);
        const after = new Date();
        const db = await store();
        const run = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { batches: { orderBy: { n: 'asc' } } } });
        expect(run).toMatchObject({ totalDeleted: 750, batchCount: 2, activeSeconds: 1.5 });
        expect(run.batches.map((b) => [b.n, b.deleted])).toEqual([
          [1, 500],
          [2, 250],
        ]);
        for (const t of [run.heartbeatAt!, ...run.batches.map((b) => b.at)]) {
          expect(t.getTime()).toBeGreaterThanOrEqual(before.getTime());
          expect(t.getTime()).toBeLessThanOrEqual(after.getTime());
        }
        // read straight from the store, as the fault tests do (tests/helpers/store-runs.ts)
        const stored = await storedRun(s.url, runId);
        expect(stored).toMatchObject({ totalDeleted: 750, batchDeleted: 750, batchCount: 2 });
        expect(new Date(stored.cutoff!).toISOString()).toBe(started.cutoff.toISOString());
        // a worker that no longer owns the run changes nothing on it
        expect(await recordBatch(runId, 'someone-else', batch(3, 1, 751))).toBe(false);
        expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ totalDeleted: 750, batchCount: 2 });
        // Prisma's own DateTime writes and writeAtomically's agree on the stored form.
        const stamp = new Date('2026-03-29T01:30:00.123Z');
        await db.run.update({ where: { id: runId }, data: { startedAt: stamp } });
        const same = await queryStore(s.url, 'SELECT COUNT(*) AS n FROM "Run" WHERE "id" = ? AND "startedAt" = ?', [runId, storeDate(stamp)]);
        expect(Number(same[0]!.n)).toBe(1);
      } finally {
        process.env.TZ = tz;
      }
    });

    it('refuses a second active run on a table, and a claim while another run is active', async () => {
      const first = await createRun(newRun('busy'));
      await expect(createRun(newRun('busy'))).rejects.toMatchObject({ kind: 'conflict', details: { runId: first } });
      expect(await finishRun(first, 'me', 'failed', { error: 'test' })).toBe(true);
      const second = await createRun(newRun('busy'));
      // taking the failed run back up would make two active runs on the table
      expect(await claimRun(first, 'me-again', ['failed'])).toBe(false);
      expect(await finishRun(second, 'me', 'completed', {})).toBe(true);
      expect(await claimRun(first, 'me-again', ['failed'])).toBe(true);
    });
  });
}

function newRun(table: string) {
  return {
    kind: 'cleanup' as const,
    target: 'main',
    schema: 'public',
    table,
    preset: null,
    expiryColumn: 'expire_date',
    expiryType: 'timestamp',
    ttlSeconds: null,
    cutoff: new Date(),
    params: { deleteCount: 500, sleepSeconds: 0 } as never,
    strategy: 'pk-range',
    strategyReason: 'test',
    startedBy: 'tester',
    owner: 'me',
    expiredAtStart: 1000,
    cursor: null,
  };
}

function batch(n: number, deleted: number, totalDeleted: number) {
  return { n, deleted, totalDeleted, ms: 12.5, size: 500, cursor: { n }, check: null, throttle: { state: 'ok', reason: null } as never, activeSeconds: 1.5 };
}

describe('a PostgreSQL store that cannot be opened', () => {
  it('stops the CLI with one line naming DATABASE_URL, never the connection string or its password', () => {
    const urls = ['postgresql://janitor_test:Zq9wrong@127.0.0.1:5432/janitor_no_such_store', 'postgresql://janitor:Zq9secret@127.0.0.1:1/janitor'];
    for (const url of urls) {
      const r = janitor(['runs', 'list'], { env: { DATABASE_URL: url } });
      expect(r.status, url).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^janitor: the store's PostgreSQL database \(DATABASE_URL\) could not be opened: \S/);
      expect(r.stderr + r.stdout).not.toContain('Zq9');
      expect(r.stderr).not.toMatch(/postgres(ql)?:\/\//);
    }
  });
});
