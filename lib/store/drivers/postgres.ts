// A PostgreSQL store: Prisma over @prisma/adapter-pg (the client generated
// from the schema derived for PostgreSQL, lib/store/generated-pg), and a small
// node-pg pool of its own for the per-batch writes.
import 'server-only';
import { toPositional } from '../positional-params';
import { poolConfig, postgresPool, storeUnreachable } from './postgres-connect';
import type { Store, StoreDriver } from './types';

/** Connections for writeAtomically: enough for the runs one process executes at once. */
const WRITER_CONNECTIONS = 4;

export const postgresDriver: StoreDriver = {
  async openStore(url) {
    const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-pg'), import('../generated-pg/client')]);
    // onPoolError: an idle connection the server closed is dropped by the pool; unheard, it would end the process.
    const client = new PrismaClient({ adapter: new PrismaPg(poolConfig(url), { onPoolError: () => undefined }) });
    // Both generated clients share the schema's models, so they share the model API.
    return client as unknown as Store;
  },

  async openWriter(url) {
    const pool = await postgresPool(url, { max: WRITER_CONNECTIONS });
    return {
      // One transaction per call on a connection of its own, so concurrent
      // runs in one process never interleave their statements. The batch's
      // record is durable once COMMIT returns (synchronous_commit, on by
      // default, flushes the WAL first).
      async write(statements) {
        const c = await pool.connect().catch((e: unknown) => {
          throw storeUnreachable(e);
        });
        let broken: Error | undefined;
        try {
          await c.query('BEGIN');
          const counts: number[] = [];
          for (const s of statements) counts.push((await c.query(toPositional(s.sql), s.args)).rowCount ?? 0);
          await c.query('COMMIT');
          return counts;
        } catch (e) {
          // A connection that cannot even roll back is dropped, not reused.
          await c.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          throw e;
        } finally {
          c.release(broken);
        }
      },
      async close() {
        await pool.end();
      },
    };
  },
};
