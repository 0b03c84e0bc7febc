// Builds the web app once before the browser tests, unless the build in
// .next is newer than every source it is made from. The tests then run
// `next start` against it (tests/helpers/app-server.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'instrumentation.ts', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const d of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, d)));
  return max;
}

export function buildIsFresh(): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

// Two test runs on one checkout must not build into .next at the same time.
const LOCK = path.join(os.tmpdir(), `janitor-next-build-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.lock`);
const STALE_LOCK_MS = 10 * 60 * 1000;

async function withBuildLock(fn: () => void) {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (existsSync(LOCK) ? statSync(LOCK).mtimeMs : Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export default async function setup() {
  if (buildIsFresh()) return;
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    // Another run may have built while this one waited for the lock.
    let busy = false;
    await withBuildLock(() => {
      if (!buildIsFresh()) busy = build() === 'busy';
    });
    if (!busy) return;
    // `npm start` or a developer's own `next build` holds Next's lock: wait for it, then check again.
    if (Date.now() > deadline) throw new Error('next build: another build kept .next locked for 10 minutes');
    await new Promise((r) => setTimeout(r, 3000));
  }
}

function build(): 'built' | 'busy' {
  console.log('[e2e] building the web app (next build)…');
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  if (r.status !== 0 && /Another next build process is already running/.test(r.stdout + r.stderr)) {
    console.log('[e2e] another next build is running; waiting for it');
    return 'busy';
  }
  if (r.status !== 0) {
    // The build's own output names the failing file (a type error, a bad import).
    throw new Error(`next build failed (exit ${r.status}):\n${(r.stdout + r.stderr).split('\n').slice(-40).join('\n')}`);
  }
  console.log(`[e2e] built in ${Math.round((Date.now() - started) / 1000)} s`);
  return 'built';
}
