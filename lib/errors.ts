// Errors a user may see. `message` is written for an operator: one line, no
// stack, no connection string. Anything else that escapes is a bug and is shown
// as a generic failure (see toUserMessage).
export type ErrorKind =
  | 'config'
  | 'input'
  | 'not-found'
  | 'unreachable'
  | 'auth'
  | 'permission'
  | 'conflict'
  | 'timeout'
  | 'forbidden'
  | 'internal';

export class AppError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'internal',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** One line for the page or the terminal; never leaks internals of unknown errors. */
export function toUserMessage(e: unknown): string {
  if (isAppError(e)) return e.message;
  return 'Unexpected error; see the server log for details.';
}
