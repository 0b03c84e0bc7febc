// Configured targets and their adapters (one pool per target per process).
import 'server-only';
import { env } from '../env';
import { AppError } from '../errors';
import type { TargetAdapter } from './adapter';
import type { Dialect, TargetConfig } from './target-url';
import { createPostgresAdapter } from './postgres/adapter';
import { createMysqlAdapter } from './mysql/adapter';
import { runningDemoTarget } from '../demo/address-file';

/** What the UI may know about a target. */
export type TargetInfo = { name: string; dialect: Dialect };

const adapters = new Map<string, TargetAdapter>();

export function listTargets(): TargetInfo[] {
  return env().targets.map(({ name, dialect }) => ({ name, dialect }));
}

export function targetConfig(name: string): TargetConfig {
  const found = env().targets.find((t) => t.name === name.toLowerCase());
  if (!found) {
    // The CLI in another terminal while `npm start` serves the embedded demo.
    const demo = name.toLowerCase() === 'demo' ? runningDemoTarget() : null;
    if (demo) return demo;
    const known = env().targets.map((t) => t.name).join(', ') || 'none configured';
    const hint = name.toLowerCase() === 'demo' ? '; the demo answers while npm start serves it' : '';
    throw new AppError(`unknown target "${name.slice(0, 64)}" (known: ${known}${hint})`, 'not-found');
  }
  return found;
}

export function adapterFor(config: TargetConfig): TargetAdapter {
  return config.dialect === 'postgres'
    ? createPostgresAdapter(config)
    : createMysqlAdapter(config);
}

/** Cached adapter for a configured target. */
export function getTarget(name: string): TargetAdapter {
  const config = targetConfig(name);
  let a = adapters.get(config.name);
  if (!a) {
    a = adapterFor(config);
    adapters.set(config.name, a);
  }
  return a;
}

export async function closeAllTargets() {
  await Promise.allSettled([...adapters.values()].map((a) => a.close()));
  adapters.clear();
}
