import 'server-only';
import type { TableStat } from '../../stats/types';
import { toNumber, type MysqlSource } from './source';
import { withStatementTimeout } from './statement-timeout';

/** information_schema.TABLES can wait on a table's metadata lock (an ALTER in progress): give up rather than hold a connection. */
const CATALOG_TIMEOUT_MS = 30_000;

type Row = { name: string; rowEstimate: unknown; dataLength: unknown; indexLength: unknown; dataFree: unknown };

/**
 * Every table of the database in one information_schema query. The figures
 * are the engine's statistics (InnoDB refreshes them on ANALYZE TABLE and
 * after about 10% of a table changes), not a scan, so they cost no I/O on
 * the tables themselves. DATA_FREE is free space in the table's tablespace:
 * per table with innodb_file_per_table, shared otherwise.
 */
export async function listTables(src: MysqlSource): Promise<TableStat[]> {
  // MariaDB lists system-versioned tables as their own TABLE_TYPE; they hold
  // rows like any base table. Views and sequences have no storage worth listing.
  const q = withStatementTimeout(
    await src.flavor(),
    `SELECT TABLE_NAME AS name, TABLE_ROWS AS rowEstimate, DATA_LENGTH AS dataLength,
            INDEX_LENGTH AS indexLength, DATA_FREE AS dataFree
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')`,
    CATALOG_TIMEOUT_MS,
  );
  const rows = await src.catalogQuery<Row>(q.sql, [...q.params, src.databaseName]);
  return rows.map((r) => {
    const tableBytes = toNumber(r.dataLength) ?? 0;
    const indexBytes = toNumber(r.indexLength) ?? 0;
    return {
      schema: src.databaseName,
      name: String(r.name),
      rowEstimate: toNumber(r.rowEstimate) ?? 0,
      tableBytes,
      indexBytes,
      toastBytes: 0,
      totalBytes: tableBytes + indexBytes,
      deadRows: null,
      freeBytes: toNumber(r.dataFree),
    };
  });
}
