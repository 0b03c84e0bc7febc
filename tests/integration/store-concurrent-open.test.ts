// Found by the bad-input suite: several Janitor processes opening a new store
// at the same moment (cron jobs, the app and the CLI) all applied the first
// migration, and all but one died on "table User already exists". Each
// migration must be applied exactly once, and every process must start.
// Found again by a loaded run of the whole suite: one of four died with
// SQLITE_BUSY, which SQLite returns at once, without waiting, when a
// connection that reads needs the write lock another one holds (switching a
// new store to WAL is such a step). The last tests hold that lock on purpose,
// so the collision happens every time instead of once in many loaded runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '@/lib/store/migrate';
import { MIGRATION_LOCK_KEYS } from '@/lib/store/migrate-postgres';
import { createClient } from '@libsql/client';
import { createTempStore, queryStore, type TempStore } from '../helpers/temp-store';
import { pgClient } from '../helpers/databases';

const dir = mkdtempSync(path.join(tmpdir(), 'janitor-store-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function migrateAt(url: string, startAt: number): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/migrate-at.ts'], { env: { ...process.env, DATABASE_URL: url, START_AT: String(startAt) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

it('processes opening a new store at once all start, and each migration is applied once', async () => {
  for (let round = 0; round < 2; round++) {
    const url = `file:${path.join(dir, `janitor-${round}.db`)}`;
    // Loaded first, then all released at the same moment.
    const startAt = Date.now() + 2_500;
    const runs = await Promise.all(Array.from({ length: 4 }, () => migrateAt(url, startAt)));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const db = createClient({ url });
    try {
      const applied = (await db.execute('SELECT name, COUNT(*) AS n FROM _janitor_migrations GROUP BY name')).rows;
      expect(applied.length).toBeGreaterThan(0);
      for (const row of applied) expect(Number(row.n)).toBe(1);
    } finally {
      db.close();
    }
  }
});

/** Another process's write transaction (here a second connection's), held for `ms`. */
async function holdWriteLock(url: string, ms: number): Promise<{ released: Promise<void> }> {
  const holder = createClient({ url });
  const tx = await holder.transaction('write');
  await tx.execute('CREATE TABLE IF NOT EXISTS held_by_another_process (x int)');
  const released = new Promise<void>((resolve) =>
    setTimeout(async () => {
      await tx.commit();
      holder.close();
      resolve();
    }, ms),
  );
  return { released };
}

for (const store of ['new', 'existing'] as const) {
  it(`a process opening ${store === 'new' ? 'a new' : 'an existing'} store while another holds its write lock starts once it is free`, async () => {
    const url = `file:${path.join(dir, `janitor-held-${store}.db`)}`;
    if (store === 'existing') await migrate(url);
    const { released } = await holdWriteLock(url, 1_500);
    const error = await migrate(url).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(error).toBe('');
    await released;
    const db = createClient({ url });
    try {
      const applied = (await db.execute('SELECT name, COUNT(*) AS n FROM _janitor_migrations GROUP BY name')).rows;
      expect(applied.length).toBeGreaterThan(0);
      for (const row of applied) expect(Number(row.n)).toBe(1);
    } finally {
      db.close();
    }
  });
}

// A PostgreSQL store (DATABASE_URL=postgresql://…): several workers and web
// instances start together on one new database. The migrations take a
// transaction-scoped advisory lock, so one process applies each while the
// others wait, then find it recorded.
describe('a PostgreSQL store', () => {
  const made: TempStore[] = [];
  afterAll(async () => {
    for (const s of made) await s.drop();
  });

  it('processes opening a new PostgreSQL store at once all start, and each migration is applied once', async () => {
    for (let round = 0; round < 2; round++) {
      const s = await createTempStore('postgres');
      made.push(s);
      const startAt = Date.now() + 2_500;
      const runs = await Promise.all(Array.from({ length: 4 }, () => migrateAt(s.url, startAt)));
      for (const r of runs) expect(r.status, r.stderr).toBe(0);
      const applied = await queryStore(s.url, 'SELECT name, COUNT(*) AS n FROM _janitor_migrations GROUP BY name ORDER BY name');
      expect(applied.map((r) => r.name)).toEqual(listMigrations('postgres').map((m) => m.name));
      for (const row of applied) expect(Number(row.n)).toBe(1);
    }
  });

  it('a process opening a new PostgreSQL store while another holds the migration lock waits for it, then starts', async () => {
    const s = await createTempStore('postgres');
    made.push(s);
    const holder = await pgClient(s.url);
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK_KEYS);
      let settled = false;
      const opening = migrate(s.url).finally(() => (settled = true));
      // Until the opening process is seen queued behind the lock on the server.
      for (const t0 = Date.now(); ; ) {
        const waiting = await holder.query('SELECT 1 FROM pg_locks WHERE locktype = $1 AND NOT granted AND classid::bigint = $2 AND objid::bigint = $3 AND objsubid = 2', ['advisory', ...MIGRATION_LOCK_KEYS]);
        if (waiting.rowCount) break;
        if (Date.now() - t0 > 60_000) throw new Error('the opening process never waited for the migration lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(settled).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK_KEYS);
      expect(await opening).toEqual(listMigrations('postgres').map((m) => m.name));
    } finally {
      await holder.end();
    }
  });
});
