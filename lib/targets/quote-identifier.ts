// The one place identifiers (schema, table, column names) become SQL text.
// Names come from the catalog or a zod-validated config; quoting doubles the
// quote character so even a hostile name stays one identifier.
import type { Dialect } from './target-url';

export function quoteIdent(dialect: Dialect, name: string): string {
  if (name.length === 0 || name.length > 128 || name.includes('\u0000')) {
    throw new Error(`invalid identifier of length ${name.length}`);
  }
  return dialect === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

/** schema.table, each part quoted. */
export function quoteQualified(dialect: Dialect, schema: string, table: string): string {
  return `${quoteIdent(dialect, schema)}.${quoteIdent(dialect, table)}`;
}
