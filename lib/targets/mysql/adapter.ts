// MySQL / MariaDB implementation of TargetAdapter. The schema is the database
// named in the URL; each statistic lives in its own module.
import 'server-only';
import type mysql from 'mysql2/promise';
import type { CatalogTable, CountSessionsOptions, ExpirySpec, SessionCounts, TargetAdapter } from '../adapter';
import type { DatabaseStat, IndexStat, TableStat } from '../../stats/types';
import type { TargetConfig } from '../target-url';
import type { CleanupDriver, CleanupDriverOptions } from '../../cleanup/driver';
import { MysqlCleanupDriver } from './cleanup-driver';
import { MysqlReclaimDriver } from './reclaim-driver';
import type { ReclaimDriver } from '../../reclaim/driver';
import { createMysqlPool } from './connect';
import { describeMysqlError } from './describe-mysql-error';
import { flavorOf, type MysqlFlavor, type MysqlSource } from './source';
import { databaseSize } from './database-size';
import { listTables } from './tables';
import { listIndexes } from './indexes';
import { catalogTables } from './catalog-tables';
import { countSessions } from './count-sessions';

export class MysqlAdapter implements TargetAdapter, MysqlSource {
  readonly dialect = 'mysql' as const;
  readonly name: string;
  readonly timestampZone: string | null;
  readonly databaseName: string;
  readonly pool: mysql.Pool;
  private flavorPromise: Promise<MysqlFlavor> | undefined;

  constructor(config: TargetConfig) {
    this.name = config.name;
    this.timestampZone = config.timestampZone ?? null;
    this.databaseName = config.database;
    this.pool = createMysqlPool(config.url);
  }

  /** Runs one query with bound values, mapping driver errors to one-line AppErrors. */
  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      const [rows] = await this.pool.query(sql, params);
      return rows as R[];
    } catch (e) {
      throw describeMysqlError(e, this.name);
    }
  }

  async catalogQuery<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if ((await this.flavor()) === 'mariadb') return this.query<R>(sql, params);
    // MySQL 8 caches information_schema statistics for up to a day
    // (information_schema_stats_expiry); 0 reads them from the engine. The
    // setting stays on this pooled connection, which only makes later reads fresher.
    let conn: mysql.PoolConnection | undefined;
    try {
      conn = await this.pool.getConnection();
      await conn.query('SET SESSION information_schema_stats_expiry = 0');
      const [rows] = await conn.query(sql, params);
      return rows as R[];
    } catch (e) {
      throw describeMysqlError(e, this.name);
    } finally {
      conn?.release();
    }
  }

  flavor(): Promise<MysqlFlavor> {
    if (!this.flavorPromise) {
      const p = this.serverVersion().then(flavorOf);
      // A failed probe (target down) is retried on the next call.
      p.catch(() => {
        if (this.flavorPromise === p) this.flavorPromise = undefined;
      });
      this.flavorPromise = p;
    }
    return this.flavorPromise;
  }

  async ping() {
    await this.query('SELECT 1');
  }

  async serverVersion() {
    const [r] = await this.query<{ v: string }>('SELECT VERSION() AS v');
    return r!.v;
  }

  database(): Promise<DatabaseStat> {
    return databaseSize(this);
  }

  tables(): Promise<TableStat[]> {
    return listTables(this);
  }

  indexes(): Promise<{ indexes: IndexStat[]; note: string }> {
    return listIndexes(this);
  }

  catalogTables(filter?: { names?: string[] }): Promise<CatalogTable[]> {
    return catalogTables(this, filter);
  }

  countSessions(spec: ExpirySpec, opts: CountSessionsOptions): Promise<SessionCounts> {
    return countSessions(this, spec, opts);
  }

  cleanupDriver(opts?: CleanupDriverOptions): CleanupDriver {
    return new MysqlCleanupDriver(this.pool, this.name, this.databaseName, opts);
  }

  reclaimDriver(): ReclaimDriver {
    return new MysqlReclaimDriver(this.pool, this.name, this.databaseName);
  }

  async close() {
    // mysql2's end() rejects with the error of a connection that never opened
    // (wrong password, server down). That error was already reported, as an
    // AppError, by the query that hit it; closing must not replace it.
    await this.pool.end().catch(() => {});
  }
}

export function createMysqlAdapter(config: TargetConfig): MysqlAdapter {
  return new MysqlAdapter(config);
}
