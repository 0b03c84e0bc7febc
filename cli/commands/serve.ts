// janitor serve — what `npm start` runs: validate the config, migrate the
// store, create the admin, start the embedded demo target when no target is
// configured, build the web app if needed, and run `next start`.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { env, childEnv } from '@/lib/env';
import { parseFlags } from '../args';
import { bootstrap } from '@/lib/bootstrap';
import { startDemoServer } from '@/lib/demo/server';
import { demoAddressFile, removeDemoAddress, writeDemoAddress } from '@/lib/demo/address-file';
import { store } from '@/lib/store/client';
import { upsertUser } from '@/lib/auth/users';

const DEMO_USER = 'demo';
const DEMO_PASSWORD = 'janitor-demo';
const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'instrumentation.ts', 'next.config.js', 'package-lock.json', 'app/globals.css'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const d of readdirSync(p)) if (d !== 'generated') max = Math.max(max, newestMtime(path.join(p, d)));
  return max;
}

/**
 * Builds the web app when the sources are newer than the build. Its ~40 lines
 * of output go to data/build.log; the terminal gets a line every 15 s, so a
 * first start is not a silent minute, and the sign-in printed later does not
 * scroll away.
 */
async function buildIfNeeded(logDir: string) {
  const buildId = '.next/BUILD_ID';
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (built && SOURCES.every((s) => newestMtime(s) <= built)) return;
  const logFile = path.join(logDir, 'build.log');
  console.log(`web: ${built ? 'sources changed, rebuilding' : 'building the dashboard (first start, about a minute on two cores)'}; output in ${logFile.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), logFile) : logFile}`);
  const started = Date.now();
  // With a PostgreSQL store nothing else may have made the folder yet.
  mkdirSync(logDir, { recursive: true });
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [createRequire(import.meta.url).resolve('next/dist/bin/next'), 'build'], { stdio: ['ignore', log, log], env: childEnv({ NEXT_TELEMETRY_DISABLED: '1' }) });
  const tick = setInterval(() => console.log(`web: still building (${Math.round((Date.now() - started) / 1000)} s)…`), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(tick);
  closeSync(log);
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(`next build failed (exit ${code}); the end of ${logFile}:\n${tail}`);
  }
  console.log(`web: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Waits until the dashboard answers, so the address is printed when it works. */
async function waitUntilServing(port: number, child: { exitCode: number | null }) {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' }).then((r) => r.status < 500, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** How long the closing lines wait for the worker's start line (a worker that cannot start says why itself). */
const WORKER_LINE_WAIT_MS = 15_000;

/** Copies a child's output to ours; resolves once a line matches. */
function watchFor(out: NodeJS.ReadableStream, line: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    out.on('data', (d: Buffer) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-4096);
      if (line.test(tail)) resolve();
    });
  });
}

export async function serveCommand(argv: string[] = []) {
  const { flags } = parseFlags(argv, { 'no-worker': { type: 'boolean', default: false } }, z.object({ 'no-worker': z.boolean() }));
  const e = env();
  await bootstrap();
  const extra: Record<string, string> = { NEXT_TELEMETRY_DISABLED: '1' };
  // The server works queued runs and schedules on a thread of its own (instrumentation.ts) unless told not to.
  if (flags['no-worker']) extra.JANITOR_WORKER = 'off';
  let demo: Awaited<ReturnType<typeof startDemoServer>> | undefined;
  if (e.targets.length === 0) {
    // Beside the store (./data/demo by default), so each store has its own demo.
    demo = await startDemoServer({ log: console.log, dataDir: path.join(path.dirname(demoAddressFile()), 'demo') });
    extra.JANITOR_TARGET_DEMO = demo.url;
    writeDemoAddress(demo.url);
    const db = await store();
    if (!(await db.user.findUnique({ where: { username: DEMO_USER } })) && !e.JANITOR_ADMIN_USER) {
      await upsertUser({ username: DEMO_USER, password: DEMO_PASSWORD, role: 'operator' });
    }
    console.log('demo: no JANITOR_TARGET_* configured, serving the embedded demo database');
  } else {
    console.log(`targets: ${e.targets.map((t) => `${t.name} (${t.dialect})`).join(', ')}`);
  }
  await buildIfNeeded(path.dirname(demoAddressFile()));
  // Next's own bin under this node, not `npx next`: npx and its shell do not pass
  // SIGTERM on, so stopping `janitor serve` left the server holding the port
  // (and serving without the demo database).
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, ['--import', path.resolve('cli/peer-address-hook.mjs'), nextBin, 'start', '-p', String(e.PORT)], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env: childEnv(extra),
  });
  // The server's output passes through; its worker's start line is watched
  // for, so the closing lines below come after it rather than above it.
  const workerStarted = watchFor(child.stdout!, /^worker: .* working queued runs/m);
  const stop = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  // Last, once the page answers: what a newcomer needs, below Next's own lines.
  // A SIGTERM while waiting for the worker's line ends the wait (and prints nothing).
  const serving = await waitUntilServing(e.PORT, child);
  if (serving && !flags['no-worker']) await Promise.race([workerStarted, exited, new Promise((r) => setTimeout(r, WORKER_LINE_WAIT_MS))]);
  if (serving && child.exitCode === null && child.signalCode === null) {
    console.log(`\nJanitor is ready: http://localhost:${e.PORT}`);
    if (demo && !e.JANITOR_ADMIN_USER) console.log(`  sign in as "${DEMO_USER}" with password "${DEMO_PASSWORD}"`);
    if (demo) console.log('  the CLI reaches the demo from another terminal: npx janitor stats --target demo');
  }
  const code = await exited;
  if (demo) removeDemoAddress();
  await demo?.stop();
  process.exit(code);
}
