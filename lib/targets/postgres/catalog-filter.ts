// SQL fragments shared by the catalog queries. Static text only: no values or
// identifiers from outside are ever spliced in here.

/** True for schemas that hold user relations (not the system catalogs, TOAST or temp schemas). */
export function userSchemaPredicate(nspname: string): string {
  return `(${nspname} NOT IN ('pg_catalog', 'information_schema')
    AND ${nspname} !~ '^pg_toast'
    AND ${nspname} !~ '^pg_temp_')`;
}

/**
 * Relations someone holds or awaits an ACCESS EXCLUSIVE lock on (VACUUM FULL,
 * TRUNCATE, ALTER TABLE …). The size functions take ACCESS SHARE, which would
 * queue behind such a lock for as long as it lives, so the report reads those
 * relations' sizes from pg_class (relpages) instead of waiting.
 */
export const LOCKED_RELATIONS_CTE = `locked AS (
  SELECT DISTINCT l.relation
  FROM pg_locks l
  WHERE l.locktype = 'relation'
    AND l.mode = 'AccessExclusiveLock'
    AND l.pid <> pg_backend_pid()
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
)`;

/** Catalog reads must not hang on a lock that slipped past the `locked` check. */
export const CATALOG_GUARD = { statementTimeoutMs: 30_000, lockTimeoutMs: 3_000 } as const;
