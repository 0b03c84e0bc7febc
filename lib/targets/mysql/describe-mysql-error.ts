import { AppError } from '../../errors';
import { describeDbError } from '../describe-error';

type DriverError = Error & { code?: string; errno?: number };

/**
 * describeDbError, plus MariaDB's own error numbers that mysql2 (which knows
 * MySQL's list) leaves without a code: 1969 is max_statement_time exceeded.
 */
export function describeMysqlError(err: unknown, target: string): AppError {
  const e = err as DriverError;
  if (!(err instanceof AppError) && !e?.code && e?.errno === 1969) {
    return new AppError(`target "${target}": statement timed out`, 'timeout');
  }
  return describeDbError(err, target);
}
