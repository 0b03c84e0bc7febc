// The tables, columns and indexes a store holds, read from its catalog, so a
// test can compare a PostgreSQL store with a SQLite one after the migrations.
import { queryStore } from './temp-store';

export type StoredColumn = { name: string; type: string; nullable: boolean };

// A SQLite migration's declared types and the PostgreSQL types postgres.sql must use for them (Prisma's mapping:
// String, Int, Float, DateTime, Boolean, BigInt, Decimal, Bytes, Json).
const PG_TYPE_OF: Record<string, string> = {
  TEXT: 'text',
  INTEGER: 'integer',
  REAL: 'double precision',
  DATETIME: 'timestamp(3)',
  BOOLEAN: 'boolean',
  BIGINT: 'bigint',
  DECIMAL: 'numeric',
  BLOB: 'bytea',
  JSONB: 'jsonb',
};

/** Each table's columns, by table name, with PostgreSQL's type names (a SQLite store's mapped to them). */
export async function storeColumns(url: string): Promise<Record<string, StoredColumn[]>> {
  const out: Record<string, StoredColumn[]> = {};
  if (url.startsWith('file:')) {
    const tables = await queryStore(url, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    for (const { name } of tables) {
      const cols = await queryStore(url, `SELECT name, type, "notnull" FROM pragma_table_info(?)`, [String(name)]);
      out[String(name)] = cols.map((c) => ({ name: String(c.name), type: PG_TYPE_OF[String(c.type)] ?? `sqlite ${String(c.type)}`, nullable: Number(c.notnull) === 0 }));
    }
    return out;
  }
  const cols = await queryStore(
    url,
    `SELECT table_name, column_name, data_type, datetime_precision, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  for (const c of cols) {
    const type = c.data_type === 'timestamp without time zone' ? `timestamp(${String(c.datetime_precision)})` : String(c.data_type);
    (out[String(c.table_name)] ??= []).push({ name: String(c.column_name), type, nullable: c.is_nullable === 'YES' });
  }
  return out;
}

/** The names of the store's indexes, primary keys left out (SQLite does not name them). */
export async function storeIndexes(url: string): Promise<string[]> {
  const rows = url.startsWith('file:')
    ? await queryStore(url, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'")
    : await queryStore(url, "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\\_pkey'");
  return rows.map((r) => String(r.name)).sort();
}
