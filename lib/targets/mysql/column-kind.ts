import type { ColumnInfo } from '../adapter';

const TIMESTAMP = new Set(['datetime', 'timestamp', 'date']);
const INTEGER = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric']);
const TEXT = new Set([
  'char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext',
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
]);

/**
 * How session detection sees a column: an expiry column is either a moment
 * (DATETIME/TIMESTAMP/DATE) or epoch seconds in an integer (Laravel,
 * express-mysql-session). `dataType` is information_schema.COLUMNS.DATA_TYPE.
 */
export function columnKind(dataType: string): ColumnInfo['kind'] {
  const t = dataType.toLowerCase();
  if (TIMESTAMP.has(t)) return 'timestamp';
  if (INTEGER.has(t)) return 'integer';
  if (TEXT.has(t)) return 'text';
  return 'other';
}
