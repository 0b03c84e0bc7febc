// The only reader of process.env. Everything configurable is validated here
// once, with a one-line message that names the variable, never its value
// (values may hold connection strings and passwords).
import { z } from 'zod';
import { parseTargetUrl, type TargetConfig } from './targets/target-url';
import { dialectFacts } from './targets/dialect-facts';
import { AppError } from './errors';
import { isStoreUrl } from './store/store-kind';
import { timestampZoneSchema, ZONE_HELP } from './session-tables/timestamp-zone';
import { parseTrustedProxies } from './auth/client-address';
import type { BlockList } from 'node:net';

const TARGET_PREFIX = 'JANITOR_TARGET_';
const ZONE_PREFIX = 'JANITOR_TIMESTAMP_ZONE_';

const baseSchema = z.object({
  // Janitor's own store: a SQLite file (the embedded default) or a PostgreSQL database.
  DATABASE_URL: z
    .string()
    .refine(isStoreUrl, 'must be a file: URL (SQLite), e.g. file:./data/janitor.db, or a postgresql://user:password@host:port/database URL')
    .default('file:./data/janitor.db'),
  JANITOR_ADMIN_USER: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1-64 letters, digits, or _.@-').optional(),
  JANITOR_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
  JANITOR_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  // Older spelling of a zone for every MySQL target's naive DATETIME columns
  // (JANITOR_TIMESTAMP_ZONE_<NAME> is per target and wins over it).
  JANITOR_MYSQL_TIMEZONE: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must be an offset like +00:00').optional(),
  // Tables above this many estimated rows get estimated instead of exact session counts.
  JANITOR_EXACT_COUNT_MAX_ROWS: z.coerce.number().int().positive().default(5_000_000),
  // Proxies whose X-Forwarded-For is believed: IPs or CIDR ranges, comma-separated.
  JANITOR_TRUSTED_PROXIES: z.string().max(4000).default(''),
  // The web server's own worker for queued runs and schedules: off when
  // `janitor serve --no-worker` leaves the work to `janitor worker` processes.
  JANITOR_WORKER: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  JANITOR_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  // Size history (lib/history): minutes between two samples of every target.
  JANITOR_HISTORY_INTERVAL_MINUTES: z.coerce.number({ error: 'must be a whole number of minutes' }).int('must be a whole number of minutes').min(1, 'must be at least 1').max(1440, 'must be at most 1440 (a day)').default(15),
  // GET /api/metrics answers only with `Authorization: Bearer <this>`; unset, the endpoint is off (404).
  JANITOR_METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').max(512, 'must be at most 512 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional()),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Where people open Janitor: alerts link to its pages. Default: this server on localhost.
  JANITOR_PUBLIC_URL: z
    .string()
    .url('must be an http(s) URL, e.g. https://janitor.example.com')
    .regex(/^https?:\/\//i, 'must be an http(s) URL, e.g. https://janitor.example.com')
    .optional(),
  // Alert delivery: attempts before a delivery is marked failed, the first
  // retry's pause (doubling after each failure), and each POST's timeout.
  JANITOR_ALERT_ATTEMPTS: z.coerce.number().int().min(1, 'must be at least 1').max(20, 'must be at most 20').default(5),
  JANITOR_ALERT_BACKOFF_SECONDS: z.coerce.number().min(0.01, 'must be at least 0.01').max(3600, 'must be at most 3600').default(10),
  JANITOR_ALERT_TIMEOUT_SECONDS: z.coerce.number().min(0.1, 'must be at least 0.1').max(120, 'must be at most 120').default(10),
  NODE_ENV: z.string().optional(),
});

export type Env = z.infer<typeof baseSchema> & { targets: TargetConfig[]; trustedProxies: BlockList | null; publicUrl: string };

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
  for (const t of targets) t.timestampZone = targetZone(source, t);
  for (const key of Object.keys(source)) {
    if (!key.startsWith(ZONE_PREFIX)) continue;
    const name = key.slice(ZONE_PREFIX.length).toLowerCase();
    if (!targets.some((t) => t.name === name)) throw new AppError(`${key} names no target (set JANITOR_TARGET_${name.toUpperCase()} too)`, 'config');
  }
  targets.sort((a, b) => a.name.localeCompare(b.name));
  let trustedProxies: BlockList | null = null;
  try {
    if (parsed.data.JANITOR_TRUSTED_PROXIES.trim()) trustedProxies = parseTrustedProxies(parsed.data.JANITOR_TRUSTED_PROXIES);
  } catch (e) {
    throw new AppError(`JANITOR_TRUSTED_PROXIES: ${(e as Error).message}`, 'config');
  }
  // No trailing slash: alerts append paths that start with one.
  const publicUrl = (parsed.data.JANITOR_PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/+$/, '');
  return { ...parsed.data, targets, trustedProxies, publicUrl };
}

/** The zone a target's naive timestamps are written in, when its configuration says (timestamp-zone.ts). */
function targetZone(source: Record<string, string | undefined>, t: TargetConfig): string | null {
  const key = Object.keys(source).find((k) => k.startsWith(ZONE_PREFIX) && k.slice(ZONE_PREFIX.length).toLowerCase() === t.name);
  const fallback = dialectFacts(t.dialect).zoneFallbackEnv;
  const raw = key ? source[key] : fallback ? source[fallback] : undefined;
  if (raw === undefined || raw === '') return null;
  const parsed = timestampZoneSchema.safeParse(raw);
  if (!parsed.success) throw new AppError(`${key ?? fallback} must be ${ZONE_HELP}`, 'config');
  return parsed.data;
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
