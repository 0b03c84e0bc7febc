// PostgreSQL implementation of TargetAdapter. Each stats concern lives in its
// own module (tables.ts, indexes.ts, catalog-tables.ts, count-sessions.ts);
// this class wires them to one pool.
import 'server-only';
import type pg from 'pg';
import type { CatalogTable, CountSessionsOptions, ExpirySpec, SessionCounts, TargetAdapter } from '../adapter';
import type { TargetConfig } from '../target-url';
import type { DatabaseStat, IndexStat, TableStat } from '../../stats/types';
import { createPgPool } from './connect';
import { PgCleanupDriver } from './cleanup-driver';
import type { CleanupDriver, CleanupDriverOptions } from '../../cleanup/driver';
import { PgReclaimDriver } from './reclaim-driver';
import type { ReclaimDriver } from '../../reclaim/driver';
import { createPgSession, type PgSession } from './pg-query';
import { readDatabase } from './database';
import { readTables } from './tables';
import { readIndexes } from './indexes';
import { readCatalogTables } from './catalog-tables';
import { countPgSessions } from './count-sessions';
import type { MeasureOptions } from './pgstattuple-bloat';

export type PostgresAdapterOptions = {
  /** how many indexes pgstatindex may measure, and for how long */
  measure?: MeasureOptions;
};

export class PostgresAdapter implements TargetAdapter {
  readonly dialect = 'postgres' as const;
  readonly name: string;
  readonly timestampZone: string | null;
  readonly pool: pg.Pool;
  private readonly session: PgSession;
  private readonly options: PostgresAdapterOptions;

  constructor(config: TargetConfig, options: PostgresAdapterOptions = {}) {
    this.name = config.name;
    this.timestampZone = config.timestampZone ?? null;
    this.pool = createPgPool(config.url);
    this.session = createPgSession(this.pool, this.name);
    this.options = options;
  }

  /** Runs one query, mapping driver errors to one-line AppErrors. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.session.query<R>(sql, params);
  }

  async ping() {
    await this.query('SELECT 1');
  }

  async serverVersion() {
    const [r] = await this.query<{ v: string }>('SELECT version() AS v');
    return r!.v;
  }

  database(): Promise<DatabaseStat> {
    return readDatabase(this.session.query);
  }

  tables(): Promise<TableStat[]> {
    return readTables(this.session);
  }

  indexes(): Promise<{ indexes: IndexStat[]; note: string }> {
    return readIndexes(this.session, { measure: this.options.measure });
  }

  catalogTables(filter?: { names?: string[] }): Promise<CatalogTable[]> {
    return readCatalogTables(this.session.query, filter);
  }

  countSessions(spec: ExpirySpec, opts: CountSessionsOptions): Promise<SessionCounts> {
    return countPgSessions(this.session, this.name, spec, opts);
  }

  cleanupDriver(opts?: CleanupDriverOptions): CleanupDriver {
    return new PgCleanupDriver(this.pool, this.name, opts);
  }

  reclaimDriver(): ReclaimDriver {
    return new PgReclaimDriver(this.pool, this.name);
  }

  async close() {
    await this.pool.end();
  }
}

export function createPostgresAdapter(config: TargetConfig, options: PostgresAdapterOptions = {}): PostgresAdapter {
  return new PostgresAdapter(config, options);
}
