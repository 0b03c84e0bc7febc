// The session tables Janitor knows (product.md). A preset names the table and
// expiry column it expects, the column shape that confirms it, and its expiry
// rule. Detection matches the catalog against `signature`; nothing here is SQL.
import type { ExpiryType, SessionPresetName } from '../stats/types';
import type { ColumnInfo } from '../targets/adapter';
import type { TimestampZone } from './timestamp-zone';

export type SessionPreset = {
  name: SessionPresetName;
  table: string;
  expiryColumn: string;
  expiryType: ExpiryType;
  /** Expired when older than now - ttl. null: the column holds the expiry moment itself. */
  defaultTtlSeconds: number | null;
  /** Other columns that must exist for the table to be this preset (tells the `sessions` tables apart). */
  signature: string[];
  expiryKind: ColumnInfo['kind'];
  /**
   * The zone the framework writes naive timestamps in (timestamp-zone.ts):
   * what its own code does by default. Instants and epochs ignore it.
   */
  zone: TimestampZone | null;
  description: string;
};

export const PRESETS: readonly SessionPreset[] = [
  {
    name: 'django',
    table: 'django_session',
    expiryColumn: 'expire_date',
    expiryType: 'timestamp',
    defaultTtlSeconds: null,
    signature: ['session_key', 'session_data'],
    expiryKind: 'timestamp',
    // USE_TZ=True: timestamptz on PostgreSQL, UTC in a MySQL DATETIME.
    zone: 'utc',
    description: 'Django: expired when expire_date < now',
  },
  {
    name: 'rails',
    table: 'sessions',
    expiryColumn: 'updated_at',
    expiryType: 'timestamp',
    defaultTtlSeconds: 30 * 24 * 3600,
    signature: ['session_id', 'data'],
    expiryKind: 'timestamp',
    // ActiveRecord's default_timezone is :utc.
    zone: 'utc',
    description: 'Rails activerecord-session_store: expired when updated_at is older than the TTL (default 30 days)',
  },
  {
    name: 'laravel',
    table: 'sessions',
    expiryColumn: 'last_activity',
    expiryType: 'epoch-s',
    defaultTtlSeconds: 120 * 60,
    signature: ['id', 'payload'],
    expiryKind: 'integer',
    zone: null,
    description: 'Laravel: expired when last_activity is older than SESSION_LIFETIME (default 120 minutes)',
  },
  {
    name: 'connect-pg-simple',
    table: 'session',
    expiryColumn: 'expire',
    expiryType: 'timestamp',
    defaultTtlSeconds: null,
    signature: ['sid', 'sess'],
    expiryKind: 'timestamp',
    // Writes to_timestamp(n) into `expire timestamp(6)`: the connection's TimeZone, by default the database's.
    zone: 'server',
    description: 'connect-pg-simple: expired when expire < now',
  },
  {
    name: 'express-mysql-session',
    table: 'sessions',
    expiryColumn: 'expires',
    expiryType: 'epoch-s',
    defaultTtlSeconds: null,
    signature: ['session_id', 'data'],
    expiryKind: 'integer',
    zone: null,
    description: 'express-mysql-session: expired when expires (epoch seconds) < now',
  },
];

export const PRESET_NAMES = PRESETS.map((p) => p.name) as [SessionPresetName, ...SessionPresetName[]];

export function presetByName(name: string): SessionPreset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/** Table names worth reading columns for during detection. */
export const PRESET_TABLE_NAMES = [...new Set(PRESETS.map((p) => p.table))];
