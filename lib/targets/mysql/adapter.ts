// MySQL / MariaDB implementation of TargetAdapter.
import type mysql from 'mysql2/promise';
import type { TargetAdapter } from '../adapter';
import type { TargetConfig } from '../target-url';
import { describeDbError } from '../describe-error';
import { createMysqlPool } from './connect';

export class MysqlAdapter implements TargetAdapter {
  readonly dialect = 'mysql' as const;
  readonly name: string;
  readonly databaseName: string;
  readonly pool: mysql.Pool;

  constructor(config: TargetConfig, opts: { timezone?: string } = {}) {
    this.name = config.name;
    this.databaseName = config.database;
    this.pool = createMysqlPool(config.url, { timezone: opts.timezone });
  }

  /** Runs one query with bound values, mapping driver errors to one-line AppErrors. */
  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      const [rows] = await this.pool.query(sql, params);
      return rows as R[];
    } catch (e) {
      throw describeDbError(e, this.name);
    }
  }

  async ping() {
    await this.query('SELECT 1');
  }

  async serverVersion() {
    const [r] = await this.query<{ v: string }>('SELECT VERSION() AS v');
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

export function createMysqlAdapter(config: TargetConfig, opts: { timezone?: string } = {}): MysqlAdapter {
  return new MysqlAdapter(config, opts);
}
