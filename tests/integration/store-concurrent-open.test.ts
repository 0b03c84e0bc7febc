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
import { afterAll, expect, it } from 'vitest';
import { migrate } from '@/lib/store/migrate';
import { createClient } from '@libsql/client';

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
