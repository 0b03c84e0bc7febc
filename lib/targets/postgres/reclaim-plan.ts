// What each PostgreSQL reclaim mode locks and roughly how long it takes.
//
// Rates measured on this project's 2-core test machine (PostgreSQL 15, warm
// page cache, a django_session-shaped table: varchar(40) key, 200-byte data,
// indexed timestamptz):
//
//   VACUUM (FULL)   2.0M rows, nothing deleted:  826 MB → 766 MB in 7.75 s
//   VACUUM (FULL)   2.0M rows, 80% deleted:      766 MB → 153 MB in 1.44 s
//   VACUUM (FULL)   3.0M rows, 50% deleted:    1,228 MB → 574 MB in 7.09 s
//   VACUUM          3.0M rows, 50% just deleted: 1,228 MB in 6.89 s (766 MB, 80%: 2.99 s)
//   ANALYZE         3.0M rows: 0.22–0.28 s (it reads a fixed-size sample)
//
// A rewrite's time follows what it writes (the new heap and the rebuilt
// indexes), ~95 MB/s, plus reading the old heap, which was too fast to
// separate from noise with a warm cache; 1 GB/s stands in for it. On a cold
// cache or a slower disk it takes longer: a completed operation on the same
// target calibrates the estimate (lib/reclaim/calibrate.ts).
import type { LockDescription, ReclaimMode, ReclaimTable } from '../../reclaim/driver';

export const PG_REWRITE_WRITE_BYTES_PER_SEC = 95e6;
export const PG_REWRITE_READ_BYTES_PER_SEC = 1e9;
export const PG_VACUUM_BYTES_PER_SEC = 180e6;
/** ANALYZE samples 300 × default_statistics_target (100) rows: at most 30,000 pages. */
const ANALYZE_SAMPLE_BYTES = 30_000 * 8192;
const ANALYZE_FIXED_SECONDS = 0.3;

export function pgEstimateSeconds(mode: ReclaimMode, s: { beforeBytes: number; afterBytes: number; tableBytes: number }): number {
  switch (mode) {
    case 'full':
      return s.afterBytes / PG_REWRITE_WRITE_BYTES_PER_SEC + s.beforeBytes / PG_REWRITE_READ_BYTES_PER_SEC;
    case 'vacuum':
      return s.beforeBytes / PG_VACUUM_BYTES_PER_SEC;
    default:
      return ANALYZE_FIXED_SECONDS + Math.min(s.tableBytes, ANALYZE_SAMPLE_BYTES) / PG_REWRITE_READ_BYTES_PER_SEC;
  }
}

/** pg_locks.mode names of the locks each mode requests, and what they conflict with (the table in the PostgreSQL docs, "Table-Level Lock Modes"). */
export const PG_LOCK_FOR_MODE: Record<string, string> = {
  full: 'AccessExclusiveLock',
  vacuum: 'ShareUpdateExclusiveLock',
  analyze: 'ShareUpdateExclusiveLock',
};

const CONFLICTS: Record<string, string[]> = {
  AccessExclusiveLock: [
    'AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock',
    'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
  ],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
};

/** Whether a lock held (or requested earlier) in `held` mode makes this reclaim mode wait. */
export function pgLockConflicts(mode: ReclaimMode, held: string): boolean {
  const wanted = PG_LOCK_FOR_MODE[mode];
  return wanted ? (CONFLICTS[wanted] ?? []).includes(held) : false;
}

export function pgLockFor(_table: ReclaimTable, mode: ReclaimMode): LockDescription {
  if (mode === 'full') {
    return {
      mode: 'ACCESS EXCLUSIVE',
      blocksReads: true,
      blocksWrites: true,
      held: 'the whole operation',
      summary:
        'VACUUM FULL takes an ACCESS EXCLUSIVE lock for the whole rewrite: every read and write of the table waits until it ends. ' +
        'While it waits for the lock, later readers queue behind it, so the wait is bounded by the lock timeout. ' +
        'The rewrite is WAL-logged: replicas replay it and may cancel their own queries on the table.',
    };
  }
  return {
    mode: 'SHARE UPDATE EXCLUSIVE',
    blocksReads: false,
    blocksWrites: false,
    held: 'the whole operation',
    summary:
      mode === 'vacuum'
        ? 'VACUUM takes a SHARE UPDATE EXCLUSIVE lock: reads and writes go on; schema changes, other VACUUMs and ANALYZE of the table wait. ' +
          'At the end it may take ACCESS EXCLUSIVE for a moment to cut empty pages off the end of the file, only if it can without waiting.'
        : 'ANALYZE takes a SHARE UPDATE EXCLUSIVE lock while it samples the table: reads and writes go on; schema changes and VACUUM wait.',
  };
}
