'use server';
// "Add webhook" on the alerts page: operators only.
import { addWebhook } from '../alerts/manage-webhooks';
import { webhookFormSchema, type WebhookInput } from '../schemas/webhook';
import { fieldErrors, formFields, type FieldErrors } from '../cleanup/form-input';
import { operatorAction, type Parsed } from './operator-action';

export type AddWebhookState = { ok?: boolean; error?: string; errors?: FieldErrors; values?: Record<string, string>; events?: string[] };

const FIELDS = ['name', 'format', 'expiredRowsAbove', 'tableSizeGb', 'growthMbPerDay', 'forecastGb', 'forecastDays'] as const;

function parse(form: FormData, values: Record<string, string>): Parsed<WebhookInput> {
  const url = form.get('url');
  const r = webhookFormSchema.safeParse({ ...values, url: typeof url === 'string' ? url.slice(0, 2001) : url, events: form.getAll('events').map(String) });
  if (r.success) return { ok: true, input: r.data };
  const errors = fieldErrors(r.error);
  return { ok: false, error: 'Check the highlighted fields.', errors };
}

export async function addWebhookAction(_prev: AddWebhookState, form: FormData): Promise<AddWebhookState> {
  const values = formFields(form, FIELDS);
  const events = form.getAll('events').map(String);
  const r = await operatorAction({ action: 'alert.webhook.add', parsed: parse(form, values), run: (input, actor) => addWebhook(input, actor), revalidate: '/alerts' });
  // The URL is never sent back to the browser, not even to refill the form after an error.
  return r.ok ? { ok: true } : { error: r.error, errors: r.errors, values, events };
}
