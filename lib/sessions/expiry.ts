// The expiry predicate's bound value. The SQL is always `<col> < <param>`: the
// cutoff is computed once (when a run or a count starts) and bound as a value,
// so the same predicate can be re-checked by every DELETE.
import type { ExpirySpec } from '../targets/adapter';

/** The value rows are compared against: column < value means expired. */
export function expiryBound(spec: Pick<ExpirySpec, 'expiryType' | 'ttlSeconds'>, now: Date): Date | number {
  const ms = now.getTime() - (spec.ttlSeconds ?? 0) * 1000;
  switch (spec.expiryType) {
    case 'timestamp':
      return new Date(ms);
    case 'epoch-s':
      return Math.floor(ms / 1000);
    case 'epoch-ms':
      return ms;
  }
}

/**
 * The cutoff of a "log everyone out" run: far enough in the future that every
 * session is older, yet a value the column type can hold (a bound parameter
 * takes the column's type: epoch seconds often live in a 32-bit int).
 */
export function logoutAllCutoff(expiryType: ExpirySpec['expiryType']): Date {
  return expiryType === 'epoch-s' ? new Date(2147483647 * 1000) : new Date('9999-12-31T23:59:59.000Z');
}
