// Who may read /api/metrics: a scraper presenting JANITOR_METRICS_TOKEN as a
// bearer token. Without a configured token the endpoint does not exist.
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '../env';

export type MetricsAccess = 'off' | 'denied' | 'allowed';

export function metricsAccess(authorization: string | null): MetricsAccess {
  const token = env().JANITOR_METRICS_TOKEN;
  if (!token) return 'off';
  const given = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!given) return 'denied';
  // Digests have one length, so timingSafeEqual compares in constant time whatever was sent.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'denied';
}
