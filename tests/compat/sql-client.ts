// One small client over both dialects for the frameworks whose writers are
// mirrored as SQL (Rails, Laravel): statements are written with `?` and sent
// as the framework's driver sends them, values always bound.
import pg from 'pg';
import mysql from 'mysql2/promise';
import type { TestDb } from '../helpers/databases';
import { connectionParts, mysqlDatabaseIn, pgDatabaseIn } from './janitor-steps';
import type { ServerZone } from './cells';

export type Dialect = 'postgres' | 'mysql';
export type SqlClient = {
  dialect: Dialect;
  db: TestDb;
  /** Runs one statement; rows for a SELECT. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Rows a DELETE removed. */
  delete(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
};

/** A fresh database in the zone, with a connection as the app's own would have (the database's / server's default zone). */
export async function sqlClientIn(dialect: Dialect, zone: ServerZone): Promise<SqlClient> {
  if (dialect === 'postgres') {
    const db = await pgDatabaseIn(zone);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const toPg = (sql: string) => {
      let i = 0;
      return sql.replace(/\?/g, () => `$${++i}`);
    };
    return {
      dialect,
      db,
      query: async (sql, params = []) => (await c.query(toPg(sql), params)).rows,
      delete: async (sql, params = []) => (await c.query(toPg(sql), params)).rowCount ?? 0,
      close: async () => {
        await c.end().catch(() => {});
        await db.drop();
      },
    };
  }
  const db = await mysqlDatabaseIn(zone);
  const c = await mysql.createConnection({ ...connectionParts(db.url), multipleStatements: false });
  return {
    dialect,
    db,
    query: async <T,>(sql: string, params: unknown[] = []) => (await c.query(sql, params))[0] as T[],
    delete: async (sql, params = []) => ((await c.query(sql, params))[0] as mysql.ResultSetHeader).affectedRows,
    close: async () => {
      await c.end().catch(() => {});
      await db.drop();
    },
  };
}

/** A count from `SELECT COUNT(*) AS n …` on either dialect (bigint text on PostgreSQL). */
export async function countOf(c: SqlClient, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await c.query<{ n: number | string }>(sql, params);
  return Number(row!.n);
}
