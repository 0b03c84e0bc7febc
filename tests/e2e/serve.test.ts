// `janitor serve`, what `npm start` runs: the dashboard comes up on PORT with
// the configured target, and stopping the command (SIGTERM, as a process
// manager or `kill` sends it) stops the web server too and frees its port.
// It used to start Next through `npx`, which did not pass SIGTERM on: the
// server kept the port, and a restart failed with EADDRINUSE.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type TestDb } from '../helpers/databases';
import { cleanEnv, freePort } from '../helpers/app-server';

const root = path.resolve(import.meta.dirname, '../..');

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

describe('janitor serve', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createPgDatabase('jt_serve');
    dir = mkdtempSync(path.join(tmpdir(), 'janitor-serve-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the dashboard on PORT, and SIGTERM stops the web server with it and frees the port', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(root, 'cli', 'janitor.mjs'), 'serve'], {
      cwd: root,
      env: cleanEnv({ PORT: String(port), DATABASE_URL: `file:${path.join(dir, 'janitor.db')}`, JANITOR_TARGET_MAIN: db.url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Up: the sign-in page answers (the build is fresh, so serve does not build).
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status, () => 0);
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status, output).toBe(200);
      expect(output).toContain('targets: main (postgres)');
      expect(output).not.toContain(db.url);

      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
      expect(code, 'janitor serve did not exit after SIGTERM').not.toBe('hung');
      // The web server went with it: nothing answers and the port can be bound again.
      const after = await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status, () => 0);
      expect(after).toBe(0);
      expect(await portIsFree(port)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
