// Maps a PostgreSQL type name (pg_type.typname of the column, or of a domain's
// base type) to the coarse kind session detection matches on.
import type { ColumnInfo } from '../adapter';

const KINDS: Record<string, ColumnInfo['kind']> = {
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  date: 'timestamp',
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'integer',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
};

export function pgColumnKind(typname: string): ColumnInfo['kind'] {
  return KINDS[typname] ?? 'other';
}
