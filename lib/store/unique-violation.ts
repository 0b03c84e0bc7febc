// Whether a store error is a unique-index violation (a second active run or
// operation on a table, a duplicate key), whichever store and path raised it:
// Prisma's P2002 on either store, PostgreSQL's SQLSTATE 23505 from node-pg
// (writeAtomically), SQLite's constraint message from libsql.
type Coded = { code?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };

export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as Coded | undefined, depth = 0; err && typeof err === 'object' && depth < 4; err = err.cause as Coded | undefined, depth++) {
    if (err.code === 'P2002' || err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
    if (err.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation') return true;
    if (/UNIQUE constraint failed|Unique constraint failed/i.test(String(err.message ?? ''))) return true;
  }
  return false;
}
