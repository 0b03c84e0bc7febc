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
