// Builds the web app once before the browser tests, unless the build in
// .next is newer than every source it is made from. The tests then run
// `next start` against it (tests/helpers/app-server.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];

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

export default function setup() {
  if (buildIsFresh()) return;
  console.log('[e2e] building the web app (next build)…');
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  if (r.status !== 0) {
    // The build's own output names the failing file (a type error, a bad import).
    throw new Error(`next build failed (exit ${r.status}):\n${(r.stdout + r.stderr).split('\n').slice(-40).join('\n')}`);
  }
  console.log(`[e2e] built in ${Math.round((Date.now() - started) / 1000)} s`);
}
