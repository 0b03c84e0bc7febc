// A SQLite store: Prisma over @prisma/adapter-libsql, and libsql's own client
// for the per-batch writes.
import 'server-only';
import { BUSY_TIMEOUT_MS } from '../migrate-sqlite';
import type { Store, StoreDriver } from './types';

// BUSY_TIMEOUT_MS goes to every connection the clients open: a PRAGMA reaches
// only one of them, and Prisma's transactions (a run's batch record) get a
// connection of their own, which then failed at once with SQLITE_BUSY
// whenever another process was writing.

export const sqliteDriver: StoreDriver = {
  async openStore(url) {
    const [{ PrismaLibSql }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-libsql'), import('../generated/client')]);
    return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: BUSY_TIMEOUT_MS }) }) as Store;
  },

  // Prisma's `$transaction` (and its `upsert`, which it runs as one) over the
  // libsql adapter opens a new SQLite connection per transaction and leaves it
  // for the garbage collector to close; the JS side of one is tiny, so the
  // collector seldom runs while each holds ~200 KB of native memory, and a
  // 2M-row cleanup grew by 60 MB. libsql's `batch` runs BEGIN … COMMIT on the
  // client's own connection.
  async openWriter(url) {
    const { createClient } = await import('@libsql/client');
    const c = createClient({ url, timeout: BUSY_TIMEOUT_MS });
    // FULL: a batch's record survives the host losing power, not only the
    // process dying. NORMAL would skip the fsync (about 4 ms here, while the
    // batch's row locks are held on the target), but a power loss could then
    // lose records of batches that committed, and the run's total with them.
    await c.execute('PRAGMA synchronous = FULL');
    return {
      async write(statements) {
        const results = await c.batch(statements, 'write');
        return results.map((r) => r.rowsAffected);
      },
      async close() {
        c.close();
      },
    };
  },
};
