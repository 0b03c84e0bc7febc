// Where the running demo database listens, for the CLI in another terminal:
// `janitor serve` writes it next to the store; `--target demo` reads it when
// no JANITOR_TARGET_DEMO is configured and the process that wrote it is alive.
// The URL carries only the demo's own user (no password; PGlite trusts local).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { env } from '../env';
import { storeFilesDir } from '../store/store-kind';
import { parseTargetUrl, type TargetConfig } from '../targets/target-url';

const fileSchema = z.object({ url: z.string().regex(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/), pid: z.number().int().positive() });

export function demoAddressFile(): string {
  return path.join(storeFilesDir(env().DATABASE_URL), 'demo-target.json');
}

export function writeDemoAddress(url: string) {
  mkdirSync(path.dirname(demoAddressFile()), { recursive: true });
  writeFileSync(demoAddressFile(), JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
}

export function removeDemoAddress() {
  rmSync(demoAddressFile(), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The demo target while `janitor serve` serves it, else null (a stale file from a killed serve is ignored). */
export function runningDemoTarget(): TargetConfig | null {
  const file = demoAddressFile();
  if (!existsSync(file)) return null;
  let parsed;
  try {
    parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
  if (!parsed.success || !alive(parsed.data.pid)) return null;
  return parseTargetUrl('demo', parsed.data.url, 'the demo');
}
