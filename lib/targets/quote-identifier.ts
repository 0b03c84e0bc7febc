// The one place identifiers (schema, table, column names) become SQL text.
// Names come from the catalog or a zod-validated config; quoting doubles the
// quote character so even a hostile name stays one identifier.
import { AppError } from '../errors';
import type { Dialect } from './target-url';

/**
 * The longest name each server keeps as given. PostgreSQL silently truncates
 * a longer identifier to 63 bytes (NAMEDATALEN - 1), which would name a
 * different table; MySQL refuses more than 64 characters.
 */
const tooLong = (dialect: Dialect, name: string) => (dialect === 'postgres' ? Buffer.byteLength(name, 'utf8') > 63 : name.length > 64);

export function quoteIdent(dialect: Dialect, name: string): string {
  if (name.length === 0 || name.includes('\u0000') || tooLong(dialect, name)) {
    throw new AppError(`invalid identifier of length ${name.length}: empty, too long for ${dialect === 'postgres' ? 'PostgreSQL (63 bytes)' : 'MySQL (64 characters)'} or containing NUL`, 'input');
  }
  return dialect === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

/** schema.table, each part quoted. */
export function quoteQualified(dialect: Dialect, schema: string, table: string): string {
  return `${quoteIdent(dialect, schema)}.${quoteIdent(dialect, table)}`;
}
