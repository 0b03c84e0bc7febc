// Runs the real `janitor` command as a user would, with a clean environment.
import { spawn, spawnSync } from 'node:child_process';

export type CliResult = { status: number | null; stdout: string; stderr: string };

export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JANITOR_TARGET_')));
  return { ...base, ...extra } as NodeJS.ProcessEnv;
}

export function janitor(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ['cli/janitor.mjs', ...args], {
    env: cliEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Same, without blocking the event loop (for tests that act while the command runs). */
export function janitorAsync(args: string[], opts: { env?: Record<string, string | undefined> } = {}) {
  const child = spawn(process.execPath, ['cli/janitor.mjs', ...args], { env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return { child, done, output: () => stdout, errors: () => stderr };
}
