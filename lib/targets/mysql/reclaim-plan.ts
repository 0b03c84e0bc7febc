// What OPTIMIZE TABLE and ANALYZE TABLE lock on MySQL/MariaDB and roughly
// how long they take.
//
// Rates measured on this project's 2-core test machine (MariaDB 10.11, warm
// buffer pool, a django_session-shaped table: varchar(40) key, longtext data
// of 200 bytes, indexed datetime(6)):
//
//   OPTIMIZE TABLE  1.0M rows, nothing deleted:  502 MB → 358 MB in 7.39 s
//   OPTIMIZE TABLE  1.0M rows, 80% deleted:      357 MB →  77 MB in 2.97 s
//
// On InnoDB OPTIMIZE is "recreate + analyze": an online rebuild that reads the
// old clustered index and writes the new one. Fitting seconds = before / R +
// after / W to the two runs gives R ≈ 180 MB/s and W ≈ 78 MB/s. ANALYZE TABLE
// samples a fixed number of pages per index (innodb_stats_persistent_sample_pages)
// and took well under a second. A completed operation on the same target
// calibrates these (lib/reclaim/calibrate.ts).
import type { LockDescription, ReclaimMode, ReclaimTable } from '../../reclaim/driver';

export const MYSQL_REBUILD_READ_BYTES_PER_SEC = 180e6;
export const MYSQL_REBUILD_WRITE_BYTES_PER_SEC = 78e6;
const ANALYZE_SECONDS = 0.5;

export function mysqlEstimateSeconds(mode: ReclaimMode, s: { beforeBytes: number; afterBytes: number; tableBytes: number }): number {
  if (mode === 'optimize') return s.beforeBytes / MYSQL_REBUILD_READ_BYTES_PER_SEC + s.afterBytes / MYSQL_REBUILD_WRITE_BYTES_PER_SEC;
  return ANALYZE_SECONDS;
}

const BINLOG = ' OPTIMIZE and ANALYZE are written to the binary log, so replicas run them too (and may lag meanwhile).';

export function mysqlLockFor(table: ReclaimTable, mode: ReclaimMode): LockDescription {
  const innodb = (table.engine ?? '').toLowerCase() === 'innodb';
  if (mode === 'analyze') {
    return {
      mode: 'READ',
      blocksReads: false,
      blocksWrites: true,
      held: 'while it samples the table (well under a second on InnoDB)',
      summary: 'ANALYZE TABLE takes a read lock while it samples index pages: reads go on, writes wait for a moment.' + BINLOG,
    };
  }
  if (innodb && !table.hasFulltext) {
    return {
      mode: 'EXCLUSIVE metadata lock at start and end (online rebuild)',
      blocksReads: false,
      blocksWrites: false,
      held: 'a moment at the start and at the end',
      summary:
        'OPTIMIZE TABLE rebuilds an InnoDB table online: reads and writes go on during the copy, but it needs an exclusive metadata lock ' +
        'for a moment at the start and at the end. Both wait behind any open transaction that has touched the table, and while they ' +
        'wait every new query on the table waits too, so the wait is bounded by the lock timeout.' +
        BINLOG,
    };
  }
  if (innodb) {
    return {
      mode: 'SHARED NO WRITE (table copy: FULLTEXT index)',
      blocksReads: false,
      blocksWrites: true,
      held: 'the whole operation',
      summary: 'The table has a FULLTEXT index, so OPTIMIZE TABLE copies it: reads go on, writes wait for the whole rebuild.' + BINLOG,
    };
  }
  return {
    mode: 'WRITE (table lock)',
    blocksReads: true,
    blocksWrites: true,
    held: 'the whole operation',
    summary: `OPTIMIZE TABLE on ${table.engine ?? 'this engine'} locks the table for the whole operation: reads and writes wait.` + BINLOG,
  };
}
