// Which rows of a session table count as expired: shared by the adapters
// (counting sessions) and the cleanup driver (deleting them), so it lives
// here rather than in either of them.
import type { ExpiryType } from '../stats/types';
import type { TimestampZone } from './timestamp-zone';

/** Which rows of a session table count as expired. Identifiers are catalog-checked before use. */
export type ExpirySpec = {
  schema: string;
  table: string;
  expiryColumn: string;
  expiryType: ExpiryType;
  /** expired when the column is older than now - ttl; 0/null: expired when column < now */
  ttlSeconds: number | null;
  /**
   * The zone naive timestamps were written in (timestamp-zone.ts), already
   * chosen from the operator's, the target's and the preset's; null: unknown,
   * and a naive column is refused. Instants and epochs ignore it.
   */
  timestampZone?: TimestampZone | null;
};
