// What differs between PostgreSQL and MySQL/MariaDB as plain facts: names,
// the words for a server connection, the maintenance modes, the cleanup
// strategies and what a size figure means. Pages, the CLI and lib read this
// table instead of branching on the dialect; what differs in behaviour lives
// behind the adapters. Plain data with type-only imports, so client
// components can import it too.
import type { Dialect } from './target-url';
import type { ReclaimMode } from '../schemas/reclaim';
import type { STRATEGY_CHOICES } from '../schemas/cleanup-params';
import type { StrategyName } from '../cleanup/driver';

export type DialectFacts = {
  /** the badge on target cards and pages */
  label: string;
  /** in sentences and error messages */
  name: string;
  /** what a server connection's id is called */
  connectionId: {
    /** before the number in lists: "pid 4242", "connection 17" */
    word: string;
    /** the column heading of the blockers table */
    heading: string;
    /** in a failed operation's error: "blocked by connection id 17" */
    inErrors: string;
  };
  /** the lock TRUNCATE takes (log everyone out, instant) */
  truncateLock: string;
  /** where the reclaim page's list of sessions in the way comes from */
  blockersSource: string;
  /** a transaction open since before a delete keeps the deleted rows (PostgreSQL's MVCC horizon), so a rewrite cannot give them back */
  oldTransactionsKeepRows: boolean;
  /** the environment variable a target's naive-timestamp zone falls back to, when it has none of its own */
  zoneFallbackEnv: string | null;
  reclaim: {
    /** the modes this dialect runs, the rewrite that gives disk back first */
    modes: readonly ReclaimMode[];
    /** the statement that rewrites a table and gives its disk back */
    rewriteStatement: string;
    /** what each mode runs */
    labels: Partial<Record<ReclaimMode, string>>;
    /** what each mode does, in a sentence, for the mode choice */
    descriptions: Partial<Record<ReclaimMode, string>>;
    /** what a running rewrite's progress is read from: pg_stat_progress_cluster's heap blocks, or the process list's stages */
    progress: 'heap-blocks' | 'stages';
    /** what the size before and after an operation counts */
    sizeMeasure: string;
  };
  cleanup: {
    /** the strategy that walks the whole table in its physical / clustered order */
    walkStrategy: StrategyName;
    /** the strategy choices the cleanup form offers (the planner refuses the others anyway, with the reason) */
    strategyChoices: readonly (typeof STRATEGY_CHOICES)[number][];
  };
  report: {
    /** whether tables have out-of-line (TOAST) storage worth a column */
    toast: boolean;
    /** what the space report's waste column is: dead row versions waiting for VACUUM, or DATA_FREE (allocated but unused) */
    waste: 'dead-rows' | 'data-free';
    /** that column's heading in the CLI */
    wasteHeading: string;
    /** whether the catalog records the last (auto)vacuum and (auto)analyze */
    maintenanceTimes: boolean;
  };
};

export const DIALECT_FACTS: Record<Dialect, DialectFacts> = {
  postgres: {
    label: 'PostgreSQL',
    name: 'PostgreSQL',
    connectionId: { word: 'pid', heading: 'PID', inErrors: 'pid' },
    truncateLock: 'an ACCESS EXCLUSIVE lock',
    blockersSource: 'From pg_stat_activity and pg_locks.',
    oldTransactionsKeepRows: true,
    zoneFallbackEnv: null,
    reclaim: {
      modes: ['full', 'vacuum', 'analyze'],
      rewriteStatement: 'VACUUM FULL',
      labels: { full: 'VACUUM FULL (with ANALYZE)', vacuum: 'VACUUM (with ANALYZE)', analyze: 'ANALYZE' },
      descriptions: {
        full: 'Rewrites the table and its indexes into new files and gives the disk back. Reads and writes of the table wait while it runs.',
        vacuum: 'Marks dead rows reusable and refreshes statistics. Reads and writes go on; gives almost no disk back.',
        analyze: 'Refreshes the planner statistics only. Reads and writes go on.',
      },
      progress: 'heap-blocks',
      sizeMeasure: 'total with indexes and TOAST',
    },
    cleanup: { walkStrategy: 'heap-walk', strategyChoices: ['auto', 'heap-walk', 'keyset'] },
    report: { toast: true, waste: 'dead-rows', wasteHeading: 'dead rows', maintenanceTimes: true },
  },
  mysql: {
    label: 'MySQL / MariaDB',
    name: 'MySQL/MariaDB',
    connectionId: { word: 'connection', heading: 'Connection', inErrors: 'connection id' },
    truncateLock: 'an exclusive metadata lock',
    blockersSource: 'From information_schema.innodb_trx and the process list.',
    oldTransactionsKeepRows: false,
    zoneFallbackEnv: 'JANITOR_MYSQL_TIMEZONE',
    reclaim: {
      modes: ['optimize', 'analyze'],
      rewriteStatement: 'OPTIMIZE TABLE',
      labels: { optimize: 'OPTIMIZE TABLE', analyze: 'ANALYZE TABLE' },
      descriptions: {
        optimize: 'Rebuilds the InnoDB table online and gives the disk back; exclusive locks only for a moment at the start and the end.',
        analyze: 'Refreshes index statistics and the sizes in the report. Writes wait for a moment.',
      },
      progress: 'stages',
      sizeMeasure: 'DATA_LENGTH + INDEX_LENGTH',
    },
    cleanup: { walkStrategy: 'pk-range', strategyChoices: ['auto', 'pk-range', 'keyset'] },
    report: { toast: false, waste: 'data-free', wasteHeading: 'free', maintenanceTimes: false },
  },
};

export function dialectFacts(dialect: Dialect): DialectFacts {
  return DIALECT_FACTS[dialect];
}

/** "pid" on PostgreSQL, "connection" on MySQL/MariaDB: the word before a server connection's id in lists. */
export function connectionIdLabel(dialect: Dialect): string {
  return DIALECT_FACTS[dialect].connectionId.word;
}

/** What a reclaim mode runs on this dialect ("VACUUM FULL (with ANALYZE)"), or the mode itself. */
export function modeLabel(dialect: Dialect, mode: ReclaimMode): string {
  return DIALECT_FACTS[dialect].reclaim.labels[mode] ?? mode;
}
