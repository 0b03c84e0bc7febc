// Turns driver errors into one-line AppErrors that name the target, never its URL.
import { AppError } from '../errors';
import { redact } from '../redact';

type DriverError = Error & { code?: string; errno?: number; sqlState?: string; routine?: string };

export function describeDbError(err: unknown, target: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as DriverError;
  const code = e?.code ?? '';
  const msg = redact(String(e?.message ?? err)).split('\n')[0]!.slice(0, 300);
  const t = `target "${target}"`;
  switch (code) {
    case 'ECONNREFUSED':
      return new AppError(`${t} is unreachable: connection refused`, 'unreachable');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError(`${t} is unreachable: host not found`, 'unreachable');
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'PROTOCOL_CONNECTION_LOST':
      return new AppError(`${t} is unreachable: ${code === 'ETIMEDOUT' ? 'connection timed out' : 'connection lost'}`, 'unreachable');
    // PostgreSQL SQLSTATEs
    case '28P01':
    case '28000':
      return new AppError(`${t} refused the login: wrong user or password`, 'auth');
    case '3D000':
      return new AppError(`${t}: database does not exist`, 'not-found');
    case '42501':
      return new AppError(`${t}: permission denied (${msg})`, 'permission');
    case '42P01':
      return new AppError(`${t}: ${msg}`, 'not-found');
    case '57014':
      return new AppError(`${t}: statement timed out`, 'timeout');
    case '55P03':
      return new AppError(`${t}: could not get the lock in time (lock timeout)`, 'timeout');
    case '57P01':
    case '57P02':
    case '57P03':
      return new AppError(`${t} is unreachable: the server is shutting down or starting up`, 'unreachable');
    // MySQL / MariaDB
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return new AppError(`${t} refused the login: wrong user or password`, 'auth');
    case 'ER_BAD_DB_ERROR':
      return new AppError(`${t}: database does not exist`, 'not-found');
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return new AppError(`${t}: permission denied (${msg})`, 'permission');
    case 'ER_NO_SUCH_TABLE':
      return new AppError(`${t}: ${msg}`, 'not-found');
    // A name compared with the catalog (utf8mb3) holds a character outside the Basic Multilingual Plane:
    // no identifier can contain it, so the table or column does not exist.
    case 'ER_CANT_AGGREGATE_2COLLATIONS':
    case 'ER_CANT_AGGREGATE_3COLLATIONS':
    case 'ER_CANT_AGGREGATE_NCOLLATIONS':
      return new AppError(`${t}: no such table or column (MySQL names cannot contain characters such as emoji)`, 'not-found');
    case 'ER_LOCK_WAIT_TIMEOUT':
      return new AppError(`${t}: could not get the lock in time (lock wait timeout)`, 'timeout');
    case 'ER_STATEMENT_TIMEOUT':
    case 'ER_QUERY_TIMEOUT':
      return new AppError(`${t}: statement timed out`, 'timeout');
  }
  // Driver-side errors without a code when the server goes away mid-statement:
  // pg's "Connection terminated unexpectedly" (the server crashed or was
  // killed), its "not queryable" after a connection error, mysql2's
  // "closed state". A lost connection, to retry, not a bug.
  if (/Connection terminated|not queryable|server closed the connection|connection is in closed state/i.test(msg)) {
    return new AppError(`${t} is unreachable: connection lost`, 'unreachable');
  }
  if (/password authentication failed|no pg_hba.conf entry/i.test(msg)) {
    return new AppError(`${t} refused the login: wrong user or password`, 'auth');
  }
  if (/timeout/i.test(msg) && /connect/i.test(msg)) {
    return new AppError(`${t} is unreachable: connection timed out`, 'unreachable');
  }
  return new AppError(`${t}: ${msg}`, 'internal');
}

/** Errors worth retrying with backoff: the connection went away, a deadlock, a lock timeout. */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as DriverError)?.code ?? '';
  if (err instanceof AppError) return err.kind === 'unreachable' || err.kind === 'timeout';
  return [
    'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST',
    '57P01', '57P02', '57P03', '40P01', '40001', '55P03', '08006', '08003', '08001',
    'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR',
  ].includes(code) || /Connection terminated|connection lost|server closed the connection/i.test(String((err as Error)?.message));
}
