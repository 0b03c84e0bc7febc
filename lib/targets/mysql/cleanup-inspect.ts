// Reads what a cleanup needs to know about one table from MySQL / MariaDB's
// information_schema, and refuses a spec that cannot be cleaned: unknown table
// or column, a column whose type does not match the expiry type, a table
// without a usable primary key, a read-only server.
import 'server-only';
import type { ExpirySpec } from '../adapter';
import type { StrategyName, TableFacts } from '../../cleanup/driver';
import { AppError } from '../../errors';
import { mysqlReading, type MysqlRows } from './expiry-predicate';

export type { MysqlRows };

const TIMESTAMP_TYPES = new Set(['datetime', 'timestamp', 'date']);
const NUMBER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'double', 'float']);
/** Key types whose order the walk can follow and whose values survive a JSON cursor. */
const KEY_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'char', 'varchar', 'binary', 'varbinary']);

type TableRow = { TABLE_NAME: string; TABLE_TYPE: string; ENGINE: string | null; TABLE_ROWS: number | null; DATA_LENGTH: number | null };
type ColumnRow = { COLUMN_NAME: string; DATA_TYPE: string; COLUMN_TYPE: string };
type IndexRow = { INDEX_NAME: string; SEQ_IN_INDEX: number; COLUMN_NAME: string | null; SUB_PART: number | null };

export async function inspectMysqlTable(rows: MysqlRows, spec: ExpirySpec): Promise<TableFacts> {
  const label = `${spec.schema}.${spec.table}`;
  const [server] = await rows<{ version: string; read_only: number }>('SELECT VERSION() AS version, @@GLOBAL.read_only AS read_only');
  const [t] = await rows<TableRow>(
    `SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [spec.schema, spec.table],
  );
  if (!t) throw new AppError(`table ${label} does not exist`, 'not-found');
  if (t.TABLE_TYPE !== 'BASE TABLE') throw new AppError(`${label} is not a table (${t.TABLE_TYPE.toLowerCase()})`, 'input');
  if (Number(server!.read_only)) throw new AppError(`the target is read-only (read_only=ON); clean up ${label} on the primary`, 'input');

  const [col] = await rows<ColumnRow>(
    `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [spec.schema, spec.table, spec.expiryColumn],
  );
  if (!col) throw new AppError(`column "${spec.expiryColumn}" does not exist in ${label}`, 'not-found');
  const type = col.DATA_TYPE.toLowerCase();
  const wantsTimestamp = spec.expiryType === 'timestamp';
  if (wantsTimestamp ? !TIMESTAMP_TYPES.has(type) : !NUMBER_TYPES.has(type)) {
    throw new AppError(
      `column "${col.COLUMN_NAME}" of ${label} is ${col.COLUMN_TYPE}; expiry type ${spec.expiryType} needs ${
        wantsTimestamp ? 'a DATETIME or TIMESTAMP column' : 'an integer column holding epoch ' + (spec.expiryType === 'epoch-ms' ? 'milliseconds' : 'seconds')
      }`,
      'input',
    );
  }

  const reading = await mysqlReading(rows, type, spec);

  const indexRows = await rows<IndexRow>(
    `SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [spec.schema, spec.table],
  );
  const pkRows = indexRows.filter((r) => r.INDEX_NAME === 'PRIMARY');
  if (pkRows.length === 0) {
    throw new AppError(
      `${label} has no primary key: Janitor deletes in key ranges and cannot address its rows in small batches (add a primary key first)`,
      'input',
    );
  }
  const keyCols = await rows<ColumnRow>(
    `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_KEY = 'PRI'`,
    [spec.schema, spec.table],
  );
  for (const k of pkRows) {
    const c = keyCols.find((x) => x.COLUMN_NAME === k.COLUMN_NAME);
    if (!k.COLUMN_NAME || k.SUB_PART !== null || !c || !KEY_TYPES.has(c.DATA_TYPE.toLowerCase())) {
      throw new AppError(
        `${label}: primary key column "${k.COLUMN_NAME ?? '(expression)'}" (${c?.COLUMN_TYPE ?? 'prefix or expression'}) is not supported; Janitor walks integer, CHAR/VARCHAR and BINARY/VARBINARY keys`,
        'input',
      );
    }
  }
  const idx = indexRows.find((r) => r.SEQ_IN_INDEX === 1 && r.COLUMN_NAME === col.COLUMN_NAME && r.SUB_PART === null && r.INDEX_NAME !== 'PRIMARY');

  const strategies: StrategyName[] = ['pk-range'];
  const unsupported: TableFacts['unsupported'] = { 'heap-walk': 'heap walks are PostgreSQL only; MySQL walks the primary key' };
  if (idx) strategies.push('keyset');
  else unsupported.keyset = `no index on "${col.COLUMN_NAME}"`;

  const version = server!.version;
  const mariadb = /mariadb/i.test(version);
  const [maj = 0, min = 0, patch = 0] = (version.match(/^(\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  return {
    dialect: 'mysql',
    schema: spec.schema,
    table: t.TABLE_NAME,
    expiryColumn: col.COLUMN_NAME,
    expiryType: spec.expiryType,
    expiryDataType: col.COLUMN_TYPE,
    reading,
    ttlSeconds: spec.ttlSeconds,
    primaryKey: pkRows.map((r) => r.COLUMN_NAME!),
    expiryIndex: idx?.INDEX_NAME ?? null,
    rowEstimate: t.TABLE_ROWS === null ? -1 : Number(t.TABLE_ROWS),
    tableBytes: Number(t.DATA_LENGTH ?? 0),
    pages: 0,
    server: `${mariadb ? 'MariaDB' : 'MySQL'} ${maj}.${min}.${patch}`,
    versionNum: maj * 10000 + min * 100 + patch,
    strategies,
    unsupported,
  };
}
