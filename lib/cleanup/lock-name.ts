// Names of the per-table cleanup locks on the target database. Every process
// (web app, CLI, a second app instance) derives the same name for the same
// table, so the database itself enforces one run per table.
import { createHash } from 'node:crypto';

function digest(parts: string[]): Buffer {
  return createHash('sha256').update(`janitor.cleanup\u0000${parts.join('\u0000')}`).digest();
}

/** PostgreSQL advisory locks take one bigint; locks are per database, so schema and table suffice. */
export function pgLockKey(schema: string, table: string): string {
  return digest([schema, table]).readBigInt64BE(0).toString();
}

/** MySQL GET_LOCK names are server-wide and at most 64 characters. */
export function mysqlLockName(database: string, table: string): string {
  return `janitor.cleanup.${digest([database, table]).toString('hex').slice(0, 40)}`;
}
