// Tables (by name, in any user schema) with their columns, for matching the
// session presets. One catalog query; names are bound as an array parameter
// and matched case-insensitively, as detection compares lower-cased names.
import 'server-only';
import type { CatalogTable, ColumnInfo } from '../adapter';
import { userSchemaPredicate } from './catalog-filter';
import { pgColumnKind } from './column-kind';
import type { PgQuery } from './pg-query';

type Row = {
  schema: string;
  table: string;
  reltuples: number;
  live_tuples: number | null;
  columns: Array<{ name: string; data_type: string; typname: string; nullable: boolean }>;
};

// Partitioned parents ('p') are included: a partitioned session table is
// counted and cleaned through its parent.
const SQL = `
SELECT n.nspname AS schema, c.relname AS table, c.reltuples,
  pg_stat_get_live_tuples(c.oid) AS live_tuples,
  (SELECT coalesce(json_agg(json_build_object(
            'name', a.attname,
            'data_type', format_type(a.atttypid, a.atttypmod),
            'typname', CASE WHEN ty.typtype = 'd' THEN base.typname ELSE ty.typname END,
            'nullable', NOT a.attnotnull) ORDER BY a.attnum), '[]'::json)
   FROM pg_attribute a
   JOIN pg_type ty ON ty.oid = a.atttypid
   LEFT JOIN pg_type base ON base.oid = ty.typbasetype
   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND ${userSchemaPredicate('n.nspname')}
  AND ($1::text[] IS NULL OR lower(c.relname) IN (SELECT lower(x) FROM unnest($1::text[]) x))
ORDER BY n.nspname, c.relname
`;

export async function readCatalogTables(query: PgQuery, filter: { names?: string[] } = {}): Promise<CatalogTable[]> {
  if (filter.names && filter.names.length === 0) return [];
  const rows = await query<Row>(SQL, [filter.names ?? null]);
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    rowEstimate: r.reltuples >= 0 ? Math.round(r.reltuples) : Number(r.live_tuples ?? 0),
    columns: r.columns.map(
      (c): ColumnInfo => ({ name: c.name, dataType: c.data_type, kind: pgColumnKind(c.typname), nullable: c.nullable }),
    ),
  }));
}
