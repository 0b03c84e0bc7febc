// Reads an app's store directly (SQLite or PostgreSQL), to check what a
// process recorded without going through the app, which would itself update
// runs it reads.
import { createClient } from '@libsql/client';
import { queryStore } from './temp-store';

export type StoredRun = {
  id: string;
  target: string;
  schema: string;
  table: string;
  status: string;
  totalDeleted: number;
  batchCount: number;
  error: string | null;
  throttle: string | null;
  cutoff: string | null;
  /** sum of the run's stored batches */
  batchDeleted: number;
  /** rows of the last batch as stored just before its COMMIT; null when none is recorded */
  lastBatchDeleted: number | null;
};

export async function storedRuns(databaseUrl: string): Promise<StoredRun[]> {
  // PostgreSQL: the TIMESTAMP(3) as text (UTC wall-clock), made ISO below; node-pg would read it as local time.
  const cutoff = databaseUrl.startsWith('file:') ? 'r."cutoff"' : `replace(r."cutoff"::text, ' ', 'T') || 'Z'`;
  const rows = await queryStore(
    databaseUrl,
    `SELECT r."id", r."target", r."schema", r."table", r."status", r."totalDeleted", r."batchCount", r."error", r."throttle", ${cutoff} AS "cutoff", r."lastBatchCheck",
            (SELECT COALESCE(SUM(b."deleted"), 0) FROM "Batch" b WHERE b."runId" = r."id") AS "batchDeleted"
       FROM "Run" r ORDER BY r."createdAt"`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    target: String(row.target),
    schema: String(row.schema),
    table: String(row.table),
    status: String(row.status),
    totalDeleted: Number(row.totalDeleted),
    batchCount: Number(row.batchCount),
    error: row.error === null ? null : String(row.error),
    throttle: row.throttle === null ? null : String(row.throttle),
    cutoff: row.cutoff === null ? null : typeof row.cutoff === 'number' ? new Date(row.cutoff).toISOString() : String(row.cutoff),
    batchDeleted: Number(row.batchDeleted),
    lastBatchDeleted: row.lastBatchCheck === null ? null : Number((JSON.parse(String(row.lastBatchCheck)) as { deleted?: number }).deleted ?? 0),
  }));
}

export async function storedRun(databaseUrl: string, id: string): Promise<StoredRun> {
  const run = (await storedRuns(databaseUrl)).find((r) => r.id === id);
  if (!run) throw new Error(`run ${id} is not in the store`);
  return run;
}

/**
 * SQLite stores only. Holds the store's write lock (BEGIN IMMEDIATE) until release(), as a
 * busy second process would: the app's and the CLI's next store writes wait.
 */
export async function holdStore(databaseUrl: string) {
  const c = createClient({ url: databaseUrl });
  await c.execute('PRAGMA busy_timeout = 10000');
  const tx = await c.transaction('write');
  let held = true;
  return {
    release: async () => {
      if (held) await tx.rollback();
      held = false;
    },
    close: () => c.close(),
  };
}
