// The only reader of process.env. Everything configurable is validated here
// once, with a one-line message that names the variable, never its value
// (values may hold connection strings and passwords).
import { z } from 'zod';
import { parseTargetUrl, type TargetConfig } from './targets/target-url';
import { AppError } from './errors';
import { parseTrustedProxies } from './auth/client-address';
import type { BlockList } from 'node:net';

const TARGET_PREFIX = 'JANITOR_TARGET_';

const baseSchema = z.object({
  DATABASE_URL: z.string().regex(/^file:/, 'must be a file: URL (SQLite), e.g. file:./data/janitor.db').default('file:./data/janitor.db'),
  JANITOR_ADMIN_USER: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1-64 letters, digits, or _.@-').optional(),
  JANITOR_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
  JANITOR_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  // How MySQL DATETIME columns (no time zone) are interpreted. Django stores UTC there.
  JANITOR_MYSQL_TIMEZONE: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must be an offset like +00:00').default('+00:00'),
  // Tables above this many estimated rows get estimated instead of exact session counts.
  JANITOR_EXACT_COUNT_MAX_ROWS: z.coerce.number().int().positive().default(5_000_000),
  // Proxies whose X-Forwarded-For is believed: IPs or CIDR ranges, comma-separated.
  JANITOR_TRUSTED_PROXIES: z.string().max(4000).default(''),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  NODE_ENV: z.string().optional(),
});

export type Env = z.infer<typeof baseSchema> & { targets: TargetConfig[]; trustedProxies: BlockList | null };

let cached: Env | undefined;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = baseSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(`${String(issue.path[0])} ${issue.message}`, 'config');
  }
  const targets: TargetConfig[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (!key.startsWith(TARGET_PREFIX) || value === undefined) continue;
    const rawName = key.slice(TARGET_PREFIX.length);
    targets.push(parseTargetUrl(rawName, value, key));
  }
  targets.sort((a, b) => a.name.localeCompare(b.name));
  let trustedProxies: BlockList | null = null;
  try {
    if (parsed.data.JANITOR_TRUSTED_PROXIES.trim()) trustedProxies = parseTrustedProxies(parsed.data.JANITOR_TRUSTED_PROXIES);
  } catch (e) {
    throw new AppError(`JANITOR_TRUSTED_PROXIES: ${(e as Error).message}`, 'config');
  }
  return { ...parsed.data, targets, trustedProxies };
}

export function env(): Env {
  cached ??= readEnv();
  return cached;
}

/** For tests that change the environment within one process. */
export function resetEnvCache() {
  cached = undefined;
}

/** The environment for a child process (the web server), with additions. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
