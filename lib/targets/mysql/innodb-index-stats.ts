import 'server-only';
import { AppError } from '../../errors';
import { toNumber, type MysqlSource } from './source';

export type PageCounts = { sizePages: number; leafPages: number | null };

export type InnodbIndexStats =
  | { ok: true; pageSize: number; byIndex: Map<string, PageCounts> }
  | { ok: false; pageSize: number; reason: string };

export const indexKey = (table: string, index: string) => `${table}\u0000${index}`;

type Row = { tableName: string; indexName: string; statName: string; value: unknown };

/**
 * Per-index page counts from InnoDB's persistent statistics, for the whole
 * database in one query. Partitions are stored as `table#P#p0` (MariaDB) or
 * `table#p#p0` (MySQL 8) and are summed into their table. Reading
 * mysql.innodb_index_stats needs SELECT on it; without that the report goes on
 * without per-index sizes (`ok: false`) instead of failing.
 */
export async function readInnodbIndexStats(src: MysqlSource): Promise<InnodbIndexStats> {
  const [page] = await src.query<{ pageSize: unknown }>('SELECT @@innodb_page_size AS pageSize');
  const pageSize = toNumber(page?.pageSize) ?? 16384;
  let rows: Row[];
  try {
    rows = await src.query<Row>(
      `SELECT table_name AS tableName, index_name AS indexName, stat_name AS statName, stat_value AS value
         FROM mysql.innodb_index_stats
        WHERE database_name = ? AND stat_name IN ('size', 'n_leaf_pages')`,
      [src.databaseName],
    );
  } catch (e) {
    if (e instanceof AppError && (e.kind === 'permission' || e.kind === 'not-found')) {
      return { ok: false, pageSize, reason: 'mysql.innodb_index_stats is not readable by this login (it needs SELECT on that table)' };
    }
    throw e;
  }
  const byIndex = new Map<string, PageCounts>();
  for (const r of rows) {
    const table = String(r.tableName).replace(/#p#.*$/i, '');
    const key = indexKey(table, String(r.indexName));
    const c = byIndex.get(key) ?? { sizePages: 0, leafPages: null };
    const v = toNumber(r.value) ?? 0;
    if (r.statName === 'size') c.sizePages += v;
    else c.leafPages = (c.leafPages ?? 0) + v;
    byIndex.set(key, c);
  }
  return { ok: true, pageSize, byIndex };
}
