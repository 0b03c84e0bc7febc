// An operator's changes to the webhooks, each audit-logged. The audit detail
// names the webhook and shows its URL only masked.
import 'server-only';
import { audit } from '../audit/record';
import { AppError } from '../errors';
import type { WebhookInput } from '../schemas/webhook';
import { createWebhook, deleteWebhook, getWebhook, setWebhookEnabled, type WebhookView } from '../store/alerts/webhooks';

export async function addWebhook(input: WebhookInput, actor: string): Promise<WebhookView> {
  const w = await createWebhook(input, actor);
  await audit({ actor, action: 'alert.webhook.add', target: `webhook:${w.name}`, detail: { id: w.id, url: w.maskedUrl, format: w.format, events: w.events, thresholds: w.thresholds }, outcome: 'ok' });
  return w;
}

export async function changeWebhook(o: { id: string; change: 'enable' | 'disable' | 'delete' }, actor: string): Promise<void> {
  const w = await getWebhook(o.id);
  if (!w) throw new AppError('No such webhook; it may have been removed meanwhile.', 'not-found');
  const done = o.change === 'delete' ? await deleteWebhook(o.id) : await setWebhookEnabled(o.id, o.change === 'enable');
  if (!done) throw new AppError('No such webhook; it may have been removed meanwhile.', 'not-found');
  await audit({ actor, action: `alert.webhook.${o.change}`, target: `webhook:${w.name}`, detail: { id: w.id, url: w.maskedUrl }, outcome: 'ok' });
}
