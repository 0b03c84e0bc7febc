// What the stats modules need from the adapter: bound-parameter queries on the
// target database, and which server flavor answers them.
export type MysqlFlavor = 'mariadb' | 'mysql';

export type MysqlSource = {
  /** target name, for error messages (never the URL) */
  readonly name: string;
  /** the database named in the URL: the only schema a report looks at */
  readonly databaseName: string;
  /** One statement with bound values; driver errors become one-line AppErrors. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Like query, for information_schema statistics: on MySQL 8 the session first
   * sets information_schema_stats_expiry = 0, so sizes and row counts are read
   * from the storage engine instead of a cache up to 24 hours old.
   */
  catalogQuery<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  flavor(): Promise<MysqlFlavor>;
};

/** MariaDB says so in VERSION(), e.g. "10.11.6-MariaDB-0+deb12u1". */
export function flavorOf(version: string): MysqlFlavor {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/**
 * Catalog and stats columns arrive as numbers, or as strings when a BIGINT is
 * beyond 2^53 or a driver option changes; NULL stays null.
 */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
