// PostgreSQL implementation of TargetAdapter.
import type pg from 'pg';
import type { TargetAdapter } from '../adapter';
import type { TargetConfig } from '../target-url';
import { describeDbError } from '../describe-error';
import { createPgPool } from './connect';

export class PostgresAdapter implements TargetAdapter {
  readonly dialect = 'postgres' as const;
  readonly name: string;
  readonly pool: pg.Pool;

  constructor(config: TargetConfig) {
    this.name = config.name;
    this.pool = createPgPool(config.url);
  }

  /** Runs one query, mapping driver errors to one-line AppErrors. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (e) {
      throw describeDbError(e, this.name);
    }
  }

  async ping() {
    await this.query('SELECT 1');
  }

  async serverVersion() {
    const [r] = await this.query<{ v: string }>('SELECT version() AS v');
    return r!.v;
  }

  async database(): Promise<never> { throw new Error('not implemented'); }
  async tables(): Promise<never> { throw new Error('not implemented'); }
  async indexes(): Promise<never> { throw new Error('not implemented'); }
  async catalogTables(): Promise<never> { throw new Error('not implemented'); }
  async countSessions(): Promise<never> { throw new Error('not implemented'); }

  async close() {
    await this.pool.end();
  }
}

export function createPostgresAdapter(config: TargetConfig): PostgresAdapter {
  return new PostgresAdapter(config);
}
