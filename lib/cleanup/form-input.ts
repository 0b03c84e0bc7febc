// Shared by the cleanup actions: read named text fields from a form, and turn
// zod issues into one message per field for the form to show beside it.
import type { z } from 'zod';

export type FieldErrors = Partial<Record<string, string>>;

/** The named fields that are present as text; absent ones stay absent (a knob form may send only some). */
export function formFields(form: FormData, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = form.get(n);
    if (typeof v === 'string') out[n] = v.trim().slice(0, 200);
  }
  return out;
}

/** First message per field; issues without a field (cross-field rules) go under "form". */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
    out[key] ??= issue.message;
  }
  return out;
}
