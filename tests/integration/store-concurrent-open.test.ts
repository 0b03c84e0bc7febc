// Found by the bad-input suite: several Janitor processes opening a new store
// at the same moment (cron jobs, the app and the CLI) all applied the first
// migration, and all but one died on "table User already exists". Each
// migration must be applied exactly once, and every process must start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
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
