// The Django 3.2 site of bench/cleanup-impact.ts: bench/django_workload.py
// under Debian's Python (python3-django and its drivers), spoken to in JSON
// lines. Its sessions are loaded, changed, saved and created by SessionStore,
// and its big DELETE is `clearsessions`.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

/** What a workload reports per phase, the TS one and the Django one alike. */
export type PhaseStats = {
  phase: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
  byOp: Record<string, { n: number; p99: number; max: number }>;
  /** loads of live keys (reads and refreshes) that found their session */
  loads?: { hit: number; miss: number };
  /** every operation's time in the order they happened */
  series: number[];
};

export type BigDelete = { deleted: number; ms: number };

export type Workload = {
  ready: Promise<unknown>;
  phase(phase: string, table: string): Promise<void>;
  stop(): Promise<{ stats: PhaseStats[]; errors?: number }>;
  /** Django's `clearsessions` on the current table, while the workers go on */
  clearsessions?(): Promise<BigDelete>;
};

/** Debian's interpreter: a `python3` first on PATH may be another one, without Django. */
const PYTHON = process.env.TEST_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'django_workload.py');
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

/** One session payload as SessionStore encodes it (with the workload's SECRET_KEY), for the seed's session_data. */
export function djangoSessionPayload(): string {
  return execFileSync(PYTHON, [SCRIPT, '--encode'], { env, encoding: 'utf8' }).trim();
}

function djangoDatabase(kind: 'pg' | 'mysql', url: string) {
  const u = new URL(url);
  return {
    engine: kind === 'pg' ? 'postgresql' : 'mysql',
    host: u.hostname,
    port: Number(u.port || (kind === 'pg' ? 5432 : 3306)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    name: u.pathname.slice(1),
  };
}

export function startDjangoWorkload(o: { kind: 'pg' | 'mysql'; url: string; cutoff: Date; table: string; workers: number; rate: number }): Workload {
  const args = ['--db', JSON.stringify(djangoDatabase(o.kind, o.url)), '--cutoff', o.cutoff.toISOString(), '--table', o.table];
  const child = spawn(PYTHON, [SCRIPT, ...args, '--workers', String(o.workers), '--rate', String(o.rate)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  // One reply line per request, in order.
  let pending: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void } | null = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line, (_k, v: unknown) => (v === null ? NaN : v)) as Record<string, unknown>;
    if (m.error) pending?.reject(new Error(`django_workload.py: ${String(m.error)}`));
    else pending?.resolve(m);
  });
  child.on('exit', (code) => pending?.reject(new Error(`django_workload.py exited with ${code}`)));
  child.on('error', (e) => pending?.reject(e));
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => (pending = { resolve, reject }));
  const request = (m: Record<string, unknown>) => {
    const reply = next();
    child.stdin.write(`${JSON.stringify(m)}\n`);
    return reply;
  };
  return {
    ready: next(),
    async phase(phase, table) {
      await request({ cmd: 'phase', phase, table });
    },
    async clearsessions() {
      return (await request({ cmd: 'clearsessions' })) as BigDelete;
    },
    async stop() {
      return (await request({ cmd: 'stop' })) as { stats: PhaseStats[]; errors: number };
    },
  };
}
