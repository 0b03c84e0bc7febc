import 'server-only';
import type { DatabaseStat } from '../../stats/types';
import { toNumber, type MysqlSource } from './source';

/** The database's size: every table's data and indexes, as information_schema reports them. */
export async function databaseSize(src: MysqlSource): Promise<DatabaseStat> {
  const [row] = await src.catalogQuery<{ size: unknown }>(
    `SELECT COALESCE(SUM(COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)), 0) AS size
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ?`,
    [src.databaseName],
  );
  return { name: src.databaseName, sizeBytes: toNumber(row?.size) ?? 0 };
}
