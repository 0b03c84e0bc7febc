// The web door's one mapping from an error's kind (lib/errors.ts) to the HTTP
// status a route handler answers with. A failure of the target database
// (down, refused the login, denied a permission, timed out) is the gateway's
// upstream failing: 502, whatever route it happens in.
import { isAppError, toUserMessage, type ErrorKind } from '../errors';

const STATUS: Record<ErrorKind, number> = {
  input: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unreachable: 502,
  auth: 502,
  permission: 502,
  timeout: 502,
  config: 500,
  internal: 500,
};

export function httpStatus(kind: ErrorKind): number {
  return STATUS[kind];
}

/** `{ error }` with the status of its kind; unknown errors are a generic 500 that never leaks internals. */
export function errorResponse(e: unknown): Response {
  return failure(isAppError(e) ? e.kind : 'internal', toUserMessage(e));
}

/** `{ error: message }` with the status of `kind`, for failures a route handler finds itself. */
export function failure(kind: ErrorKind, message: string): Response {
  return Response.json({ error: message }, { status: httpStatus(kind) });
}
