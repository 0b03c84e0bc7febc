// The one interface behind which PostgreSQL and MySQL/MariaDB differ in
// behaviour. Callers never branch on dialect: they call an adapter, and read
// what differs as data (names, words, modes, strategies) from dialect-facts.ts.
import type { Dialect } from './target-url';
import type { DatabaseStat, IndexStat, SessionTableStat, TableStat } from '../stats/types';
import type { CleanupDriver, CleanupDriverOptions } from '../cleanup/driver';
import type { ReclaimDriver } from '../reclaim/driver';
import type { TimestampZone } from '../session-tables/timestamp-zone';
import type { ExpirySpec } from '../session-tables/expiry-spec';

export type ColumnInfo = {
  name: string;
  /** catalog type, lower-case, e.g. "timestamp with time zone", "int", "datetime" */
  dataType: string;
  kind: 'timestamp' | 'integer' | 'text' | 'other';
  nullable: boolean;
};

/** A table as read from the catalog, with its columns, for session-table detection. */
export type CatalogTable = { schema: string; table: string; columns: ColumnInfo[]; rowEstimate: number };

// Defined beside the session code, so lib/cleanup/driver.ts need not import this file (which imports it).
export type { ExpirySpec } from '../session-tables/expiry-spec';

export type SessionCounts = { expired: number; live: number; total: number; exact: boolean };

export type CountSessionsOptions = {
  now: Date;
  /** tables estimated at up to this many rows get one exact pass */
  exactMaxRows: number;
  /**
   * Above exactMaxRows, expired rows are counted through the expiry index
   * under a time limit (the report), or with false only estimated by the
   * planner, which reads no rows (the scheduled history sample).
   */
  indexCount?: boolean;
};

export interface StatsAdapter {
  readonly dialect: Dialect;
  /** The target's configured zone for naive timestamps (JANITOR_TIMESTAMP_ZONE_<NAME>), or null. */
  readonly timestampZone: TimestampZone | null;
  /** Cheap round trip; throws AppError('unreachable' | 'auth' | …) */
  ping(): Promise<void>;
  serverVersion(): Promise<string>;
  database(): Promise<DatabaseStat>;
  /** All user tables in one catalog query (no per-table loops). */
  tables(): Promise<TableStat[]>;
  /** All indexes, with bloat, in a bounded number of queries. */
  indexes(): Promise<{ indexes: IndexStat[]; note: string }>;
  /** Tables with their columns, for matching session presets. Only tables whose names could match are needed. */
  catalogTables(filter?: { names?: string[] }): Promise<CatalogTable[]>;
  /** Expired / live / total at `cutoff` (now), exact up to `exactMaxRows`. */
  countSessions(spec: ExpirySpec, opts: CountSessionsOptions): Promise<SessionCounts>;
}

export interface TargetAdapter extends StatsAdapter {
  readonly name: string;
  /** A driver for one cleanup run: a dedicated connection, the table lock, batched deletes. Close it when the run ends. */
  cleanupDriver(opts?: CleanupDriverOptions): CleanupDriver;
  /** A driver for one reclaim (VACUUM / OPTIMIZE) or its preflight: a dedicated connection and the table lock. Close it when done. */
  reclaimDriver(): ReclaimDriver;
  close(): Promise<void>;
}

export type SessionTableSummary = SessionTableStat;
