// janitor serve — what `npm start` runs: validate the config, migrate the
// store, create the admin, start the embedded demo target when no target is
// configured, build the web app if needed, and run `next start`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { env, childEnv } from '@/lib/env';
import { bootstrap } from '@/lib/bootstrap';
import { startDemoServer } from '@/lib/demo/server';
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

function buildIfNeeded() {
  const buildId = '.next/BUILD_ID';
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (built && SOURCES.every((s) => newestMtime(s) <= built)) return;
  console.log(built ? 'web: sources changed, rebuilding…' : 'web: building the dashboard (once, about a minute)…');
  const r = spawnSync('npx', ['--no-install', 'next', 'build'], { stdio: 'inherit', env: childEnv({ NEXT_TELEMETRY_DISABLED: '1' }) });
  if (r.status !== 0) throw new Error('next build failed');
}

export async function serveCommand() {
  const e = env();
  await bootstrap();
  const extra: Record<string, string> = { NEXT_TELEMETRY_DISABLED: '1' };
  let demo: Awaited<ReturnType<typeof startDemoServer>> | undefined;
  if (e.targets.length === 0) {
    demo = await startDemoServer({ log: console.log });
    extra.JANITOR_TARGET_DEMO = demo.url;
    const db = await store();
    if (!(await db.user.findUnique({ where: { username: DEMO_USER } })) && !e.JANITOR_ADMIN_USER) {
      await upsertUser({ username: DEMO_USER, password: DEMO_PASSWORD, role: 'operator' });
    }
    console.log('demo: no JANITOR_TARGET_* configured, serving the embedded demo database');
    if (!e.JANITOR_ADMIN_USER) console.log(`demo: sign in as "${DEMO_USER}" with password "${DEMO_PASSWORD}"`);
  } else {
    console.log(`targets: ${e.targets.map((t) => `${t.name} (${t.dialect})`).join(', ')}`);
  }
  buildIfNeeded();
  // Next's own bin under this node, not `npx next`: npx and its shell do not pass
  // SIGTERM on, so stopping `janitor serve` left the server holding the port
  // (and serving without the demo database).
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(e.PORT)], { stdio: 'inherit', env: childEnv(extra) });
  console.log(`web: http://localhost:${e.PORT}`);
  const stop = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  await demo?.stop();
  process.exit(code);
}
