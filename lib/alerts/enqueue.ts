// Turns one alert into a pending delivery for each enabled webhook that wants
// it, and nudges a delivery loop running in this process to work it now
// (another process's loop finds it on its next poll).
import 'server-only';
import { enqueueDeliveries } from '../store/alerts/deliveries';
import { webhookTargets, type WebhookTarget } from '../store/alerts/webhooks';
import type { AlertMessage, EventKind } from './events';
import { renderBody } from './render-body';
import { redact } from '../redact';

const g = globalThis as unknown as { __janitorAlertWakers?: Set<() => void> };
/** Delivery loops running in this process (delivery-loop.ts adds itself). */
export const deliveryWakers = (g.__janitorAlertWakers ??= new Set());

export async function enqueueAlert(m: AlertMessage, wants: (w: WebhookTarget) => boolean): Promise<number[]> {
  const hooks = (await webhookTargets()).filter(wants);
  const ids = await enqueueDeliveries(
    hooks.map((w) => ({ webhookId: w.id, event: m.event, target: m.target, schema: m.schema, table: m.table, title: m.title, body: renderBody(m, w.format) })),
  );
  if (ids.length) for (const wake of deliveryWakers) wake();
  return ids;
}

/** For an event a webhook subscribes to by ticking it. */
export function enqueueEvent(m: AlertMessage & { event: EventKind }): Promise<number[]> {
  return enqueueAlert(m, (w) => w.events.includes(m.event));
}

/**
 * Calls an alert entry point from work that must not fail through it (a
 * run's end): errors are logged in one line, never thrown. Resolves when the
 * alert is enqueued, or after `waitMs` at most, so the caller can await it
 * before closing the store (the CLI exits right after a run) without ever
 * being held up longer than that by a busy store.
 */
export function notifySafely(what: string, fn: () => Promise<unknown>, waitMs = 2_000): Promise<void> {
  const enqueued = fn().then(
    () => undefined,
    (e: unknown) => console.error(`alerts: could not enqueue ${what}: ${redact(String((e as Error)?.message ?? e).split('\n')[0]!)}`),
  );
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    timer.unref?.();
  });
  return Promise.race([enqueued, bound]).finally(() => clearTimeout(timer));
}
