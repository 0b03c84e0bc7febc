// Plain shapes of the space report. Every byte and count is a JS number
// (pg returns bigint as strings; adapters convert before returning).

export type TableStat = {
  schema: string;
  name: string;
  rowEstimate: number;
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  totalBytes: number;
  /** PostgreSQL only; null on MySQL */
  deadRows: number | null;
  /** MySQL DATA_FREE; null on PostgreSQL */
  freeBytes: number | null;
  /** PostgreSQL only: ISO timestamps or null */
  lastVacuum?: string | null;
  lastAutovacuum?: string | null;
  lastAnalyze?: string | null;
  lastAutoanalyze?: string | null;
};

export type BloatMethod = 'estimate' | 'pgstattuple' | 'innodb';

export type IndexStat = {
  schema: string;
  table: string;
  name: string;
  bytes: number;
  /** null when no estimate is possible (e.g. no statistics yet) */
  bloatBytes: number | null;
  bloatRatio: number | null;
  bloatMethod: BloatMethod;
  /** PostgreSQL idx_scan; null on MySQL */
  scans?: number | null;
  primary?: boolean;
  unique?: boolean;
};

export type SessionPresetName = 'django' | 'rails' | 'laravel' | 'connect-pg-simple' | 'express-mysql-session';
export type ExpiryType = 'timestamp' | 'epoch-s' | 'epoch-ms';

export type SessionTableStat = {
  schema: string;
  table: string;
  preset: SessionPresetName | 'custom';
  expiryColumn: string;
  expired: number;
  live: number;
  total: number;
  /** false when the table was too large for an exact count */
  exact?: boolean;
  ttlSeconds?: number | null;
  expiryType?: ExpiryType;
};

export type DatabaseStat = { name: string; sizeBytes: number };

/** Exactly the JSON shape of `janitor stats --json` (issue #2). */
export type SpaceReportJson = {
  dialect: 'postgres' | 'mysql';
  database: DatabaseStat;
  tables: Array<Pick<TableStat, 'schema' | 'name' | 'rowEstimate' | 'tableBytes' | 'indexBytes' | 'toastBytes' | 'totalBytes' | 'deadRows' | 'freeBytes'>>;
  indexes: Array<Pick<IndexStat, 'schema' | 'table' | 'name' | 'bytes' | 'bloatBytes' | 'bloatRatio' | 'bloatMethod'>>;
  sessionTables: Array<Pick<SessionTableStat, 'schema' | 'table' | 'preset' | 'expiryColumn' | 'expired' | 'live' | 'total'>>;
};

/** The full report the dashboard shows: the JSON shape plus extras. */
export type SpaceReport = {
  dialect: 'postgres' | 'mysql';
  database: DatabaseStat;
  serverVersion: string;
  tables: TableStat[];
  indexes: IndexStat[];
  sessionTables: SessionTableStat[];
  /** how index bloat was obtained, for the label on the page */
  bloatNote: string;
  takenAt: string;
  ms: number;
};
