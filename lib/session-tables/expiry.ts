// The cutoff of an expiry rule, as an instant: fixed once when a run or a
// count starts. Each dialect's expiry predicate then writes it in the column's
// own terms (storedCutoff) and compares `column < cutoff` in one place.
import type { ExpirySpec } from './expiry-spec';

/** Rows whose expiry is before this instant are expired: now, less the TTL for "older than" rules. */
export function cutoffInstant(spec: Pick<ExpirySpec, 'ttlSeconds'>, now: Date): Date {
  return new Date(now.getTime() - (spec.ttlSeconds ?? 0) * 1000);
}

/**
 * The cutoff of a "log everyone out" run: far enough in the future that every
 * session is older, yet a value the column type can hold (a bound parameter
 * takes the column's type: epoch seconds often live in a 32-bit int, and a
 * MySQL DATETIME ends in 9999 whatever the zone).
 */
export function logoutAllCutoff(expiryType: ExpirySpec['expiryType']): Date {
  return expiryType === 'epoch-s' ? new Date(2147483647 * 1000) : new Date('9999-12-30T00:00:00.000Z');
}
