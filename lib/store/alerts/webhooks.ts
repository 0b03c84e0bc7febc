// Webhooks in the store. Reads for pages return WebhookView, which holds the
// URL only masked; the URL itself leaves this module only through
// webhookTargets, for the code that sends.
import 'server-only';
import { store } from '../client';
import { maskUrl } from '../../alerts/mask-url';
import { EVENT_KINDS, type EventKind } from '../../alerts/events';
import { thresholdsSchema, type Thresholds, type WebhookFormat, type WebhookInput } from '../../schemas/webhook';

export type WebhookView = {
  id: string;
  name: string;
  maskedUrl: string;
  format: WebhookFormat;
  events: EventKind[];
  thresholds: Thresholds;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
};

/** What the sender needs: where to POST, in which shape, for which events and rules. */
export type WebhookTarget = { id: string; name: string; url: string; format: WebhookFormat; events: EventKind[]; thresholds: Thresholds };

type Row = { id: string; name: string; url: string; format: string; events: string; thresholds: string; enabled: boolean; createdBy: string; createdAt: Date };

function parseEvents(json: string): EventKind[] {
  const list = JSON.parse(json) as unknown;
  return Array.isArray(list) ? list.filter((e): e is EventKind => (EVENT_KINDS as readonly string[]).includes(e as string)) : [];
}

function parseThresholds(json: string): Thresholds {
  const r = thresholdsSchema.safeParse(JSON.parse(json));
  return r.success ? r.data : {};
}

function toView(r: Row): WebhookView {
  return {
    id: r.id,
    name: r.name,
    maskedUrl: maskUrl(r.url),
    format: r.format === 'slack' ? 'slack' : 'json',
    events: parseEvents(r.events),
    thresholds: parseThresholds(r.thresholds),
    enabled: r.enabled,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function createWebhook(input: WebhookInput, createdBy: string): Promise<WebhookView> {
  const db = await store();
  const row = await db.webhook.create({
    data: { name: input.name, url: input.url, format: input.format, events: JSON.stringify(input.events), thresholds: JSON.stringify(input.thresholds), createdBy },
  });
  return toView(row);
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const db = await store();
  return (await db.webhook.findMany({ orderBy: { createdAt: 'asc' } })).map(toView);
}

export async function getWebhook(id: string): Promise<WebhookView | null> {
  const db = await store();
  const row = await db.webhook.findUnique({ where: { id } });
  return row ? toView(row) : null;
}

/** The enabled webhooks, with their URLs: for enqueueing and sending only. */
export async function webhookTargets(opts: { id?: string; enabledOnly?: boolean } = {}): Promise<WebhookTarget[]> {
  const db = await store();
  const rows = await db.webhook.findMany({ where: { ...(opts.id ? { id: opts.id } : {}), ...(opts.enabledOnly === false ? {} : { enabled: true }) }, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => ({ id: r.id, name: r.name, url: r.url, format: r.format === 'slack' ? 'slack' : 'json', events: parseEvents(r.events), thresholds: parseThresholds(r.thresholds) }));
}

/** False when there is no such webhook. */
export async function setWebhookEnabled(id: string, enabled: boolean): Promise<boolean> {
  const db = await store();
  return (await db.webhook.updateMany({ where: { id }, data: { enabled } })).count === 1;
}

/** Removes the webhook with its deliveries and firing memory. False when there is no such webhook. */
export async function deleteWebhook(id: string): Promise<boolean> {
  const db = await store();
  await db.alertFiring.deleteMany({ where: { webhookId: id } });
  return (await db.webhook.deleteMany({ where: { id } })).count === 1;
}
