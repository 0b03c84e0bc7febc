// The one frame of an operator's server action, so each action file holds only
// what is its own: check the role (authorize audit-logs a refusal), report
// invalid input, call lib/ (which audit-logs what it did), revalidate, and
// return expected failures (AppError) as values. Anything else is a bug and
// throws. Input is parsed before the call but reported after the role check,
// so a viewer learns only that operators can do this.
import 'server-only';
import { revalidatePath } from 'next/cache';
import { authorize } from '../auth/guard';
import { isAppError, type AppError, type ErrorKind } from '../errors';
import type { FieldErrors } from '../cleanup/form-input';

export type ActionFailure = { ok: false; error: string; errors?: FieldErrors; kind?: ErrorKind; details?: Record<string, unknown> };
export type Parsed<I> = { ok: true; input: I } | ActionFailure;

export async function operatorAction<I, R>(o: {
  /** the audit log's name for it, e.g. "cleanup.pause" */
  action: string;
  /** what it acts on, for the audit log */
  where?: string;
  parsed: Parsed<I>;
  run: (input: I, actor: string) => Promise<R>;
  /** audit-logs a failure that the lib call did not log itself */
  onFailure?: (e: AppError, actor: string, input: I) => Promise<void>;
  revalidate: string;
}): Promise<{ ok: true; value: R } | ActionFailure> {
  const auth = await authorize(o.action, 'operator', o.where);
  if (!auth.ok) return { ok: false, error: auth.error };
  if (!o.parsed.ok) return o.parsed;
  let value: R;
  try {
    value = await o.run(o.parsed.input, auth.user.username);
  } catch (e) {
    if (!isAppError(e)) throw e;
    await o.onFailure?.(e, auth.user.username, o.parsed.input);
    return { ok: false, error: e.message, kind: e.kind, details: e.details };
  }
  revalidatePath(o.revalidate);
  return { ok: true, value };
}
