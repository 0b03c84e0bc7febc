// Runs the built web app (`next start`) for browser tests: a free port, a
// fresh store in a temp file with an operator and a viewer, and the given
// JANITOR_TARGET_* targets. Build first (tests/e2e/global-setup.ts does).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type AppUser = { username: string; password: string; role: 'operator' | 'viewer' };

export type AppServer = {
  baseUrl: string;
  /** The app's own store (a file: URL, or the emptyStoreUrl given), for tests that check what it recorded. */
  databaseUrl: string;
  operator: AppUser;
  viewer: AppUser;
  /** Signs `page` in through the login form and waits until it has left /login. */
  signIn(page: Page, user: AppUser): Promise<void>;
  /** pid of the Next server process (`next start` serves from this one process). */
  pid: number;
  /** The server's recent output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
  /** kill -9 of the server's process group: no shutdown, no cleanup. The store stays for a restart. */
  crash(): Promise<void>;
};

/** An existing store and its users, to start another app process on (a restart, or a second instance). */
export type AppStore = Pick<AppServer, 'databaseUrl' | 'operator' | 'viewer'>;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The parent's environment without anything that configures Janitor, so only what a test passes applies. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('JANITOR_') && k !== 'DATABASE_URL' && k !== 'PORT' && k !== 'NODE_ENV'),
  );
  return { ...base, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

function addUser(env: NodeJS.ProcessEnv, user: AppUser) {
  const r = spawnSync(process.execPath, [path.join(root, 'cli', 'janitor.mjs'), 'users', 'add', user.username, '--role', user.role], {
    cwd: root,
    env,
    input: user.password,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`janitor users add ${user.username} failed: ${r.stderr || r.stdout}`);
}

export async function startApp(opts: {
  targets: Record<string, string>;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Serve from this store instead of a fresh one; its directory then belongs to whoever created it. */
  store?: AppStore;
  /** A new, empty store to serve from (a PostgreSQL one, tests/helpers/temp-store.ts) instead of a SQLite file; its users are added as to a fresh one. */
  emptyStoreUrl?: string;
  /** Listen here (a restart on the address the browser already has); default: a free port. */
  port?: number;
}): Promise<AppServer> {
  const dir = opts.store || opts.emptyStoreUrl ? null : mkdtempSync(path.join(os.tmpdir(), 'janitor-e2e-'));
  const databaseUrl = opts.store?.databaseUrl ?? opts.emptyStoreUrl ?? `file:${path.join(dir!, 'store.db')}`;
  const storeEnv = cleanEnv({ DATABASE_URL: databaseUrl, ...opts.env });
  const operator: AppUser = opts.store?.operator ?? { username: 'olivia', password: `op-${randomBytes(6).toString('hex')}`, role: 'operator' };
  const viewer: AppUser = opts.store?.viewer ?? { username: 'victor', password: `view-${randomBytes(6).toString('hex')}`, role: 'viewer' };
  if (!opts.store) {
    // One after the other: the first also creates the store's tables.
    addUser(storeEnv, operator);
    addUser(storeEnv, viewer);
  }

  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const targetEnv = Object.fromEntries(Object.entries(opts.targets).map(([name, url]) => [`JANITOR_TARGET_${name.toUpperCase()}`, url]));
  const child: ChildProcess = spawn(process.execPath, ['--import', path.join(root, 'cli', 'peer-address-hook.mjs'), path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...storeEnv, ...targetEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() ends the server and anything it started.
    detached: true,
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };

  const crash = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`next start exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    const ok = await fetch(`${baseUrl}/login`, { redirect: 'manual' }).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start was not ready within ${opts.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    baseUrl,
    databaseUrl,
    operator,
    viewer,
    pid: child.pid!,
    logs: () => output,
    stop,
    crash,
    async signIn(page, user) {
      await page.goto(`${baseUrl}/login`);
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The overview renders every target's card first: seconds on a busy machine.
      await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 });
    },
  };
}
