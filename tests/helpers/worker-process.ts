// Runs `janitor worker` as a real process, optionally as if on another host:
// `unshare --uts` gives it a hostname of its own, so the other workers cannot
// look its pid up and must wait for its lease to lapse, as with a lost host.
import { spawn } from 'node:child_process';
import { cliEnv } from './cli';

export type WorkerProcess = {
  pid: number;
  /** the worker's id (host:pid:nonce), as its runs' owner */
  id: Promise<string>;
  logs(): string;
  /** kill -9: no batch finished, no hand-back */
  kill9(): Promise<void>;
  /** SIGTERM: runs go back to the queue after their batch */
  stop(): Promise<void>;
};

export function startWorkerProcess(o: { databaseUrl: string; targets: Record<string, string>; concurrency?: number; host?: string; env?: Record<string, string> }): WorkerProcess {
  const targetEnv = Object.fromEntries(Object.entries(o.targets).map(([name, url]) => [`JANITOR_TARGET_${name.toUpperCase()}`, url]));
  const args = ['cli/janitor.mjs', 'worker', '--concurrency', String(o.concurrency ?? 2)];
  const env = cliEnv({ DATABASE_URL: o.databaseUrl, ...targetEnv, ...o.env });
  const child = o.host
    ? spawn('unshare', ['--uts', 'sh', '-c', `hostname ${o.host} && exec "$0" "$@"`, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-50_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const id = new Promise<string>((resolve, reject) => {
    const t0 = Date.now();
    const look = setInterval(() => {
      const m = /worker: (\S+) working queued runs/.exec(out);
      if (m) {
        clearInterval(look);
        resolve(m[1]!);
      } else if (child.exitCode !== null || Date.now() - t0 > 60_000) {
        clearInterval(look);
        reject(new Error(`janitor worker did not start:\n${out}`));
      }
    }, 50);
  });
  return {
    pid: child.pid!,
    id,
    logs: () => out,
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}
