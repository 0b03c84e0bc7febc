// Name and on-disk size of the connected database.
import 'server-only';
import type { DatabaseStat } from '../../stats/types';
import type { PgQuery } from './pg-query';

export async function readDatabase(query: PgQuery): Promise<DatabaseStat> {
  const [row] = await query<{ name: string; size: number }>(
    'SELECT current_database() AS name, pg_database_size(current_database()) AS size',
  );
  return { name: row!.name, sizeBytes: Number(row!.size) };
}
