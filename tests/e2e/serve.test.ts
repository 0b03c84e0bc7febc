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
import { janitor } from '../helpers/cli';

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

  it('with no target: the address and the demo sign-in come last once the page answers, and the CLI reaches the demo meanwhile', async () => {
    const port = await freePort();
    const store = `file:${path.join(dir, 'demo-store', 'janitor.db')}`;
    const child = spawn(process.execPath, [path.join(root, 'cli', 'janitor.mjs'), 'serve'], {
      cwd: root,
      env: cleanEnv({ PORT: String(port), DATABASE_URL: store }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!output.includes('Janitor is ready') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 300));
      const lines = output.trimEnd().split('\n');
      expect(lines.slice(-3), output).toEqual([
        `Janitor is ready: http://localhost:${port}`,
        '  sign in as "demo" with password "janitor-demo"',
        '  the CLI reaches the demo from another terminal: npx janitor stats --target demo',
      ]);
      expect(await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status)).toBe(200);

      const stats = janitor(['stats', '--target', 'demo', '--json'], { env: { DATABASE_URL: store } });
      expect(stats.status, stats.stderr).toBe(0);
      expect(JSON.parse(stats.stdout).sessionTables.map((t: { table: string }) => t.table)).toContain('django_session');

      child.kill('SIGTERM');
      await exited;
      const after = janitor(['stats', '--target', 'demo'], { env: { DATABASE_URL: store } });
      expect(after.status).toBe(1);
      expect(after.stderr.trim()).toBe('janitor: unknown target "demo" (known: none configured; the demo answers while npm start serves it)');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
