import 'server-only';
import type { CatalogTable } from '../adapter';
import { columnKind } from './column-kind';
import { toNumber, type MysqlSource } from './source';

type Row = { tableName: string; rowEstimate: unknown; columnName: string; dataType: string; nullable: string };

/**
 * Tables of the database with their columns, for matching session presets:
 * one join of COLUMNS and TABLES, limited to the given table names (the
 * comparison follows information_schema's case-insensitive collation, so a
 * `Sessions` table is offered too; detection decides).
 */
export async function catalogTables(src: MysqlSource, filter: { names?: string[] } = {}): Promise<CatalogTable[]> {
  const names = filter.names;
  if (names && names.length === 0) return [];
  const params: unknown[] = [src.databaseName];
  let byName = '';
  if (names) {
    byName = `AND t.TABLE_NAME IN (${names.map(() => '?').join(', ')})`;
    params.push(...names);
  }
  const rows = await src.catalogQuery<Row>(
    `SELECT t.TABLE_NAME AS tableName, t.TABLE_ROWS AS rowEstimate, c.COLUMN_NAME AS columnName,
            c.DATA_TYPE AS dataType, c.IS_NULLABLE AS nullable
       FROM information_schema.TABLES t
       JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
      WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ${byName}
      ORDER BY t.TABLE_NAME, c.ORDINAL_POSITION`,
    params,
  );
  const tables = new Map<string, CatalogTable>();
  for (const r of rows) {
    let t = tables.get(r.tableName);
    if (!t) {
      t = { schema: src.databaseName, table: r.tableName, columns: [], rowEstimate: toNumber(r.rowEstimate) ?? 0 };
      tables.set(r.tableName, t);
    }
    const dataType = String(r.dataType).toLowerCase();
    t.columns.push({ name: r.columnName, dataType, kind: columnKind(dataType), nullable: r.nullable === 'YES' });
  }
  return [...tables.values()];
}
