// One attempt at a claimed delivery: POST it, then settle it as delivered,
// pending (retry after an exponential back-off) or failed (attempts used up,
// or a failure no retry can fix). Each attempt is audit-logged, by webhook
// name and never by URL.
import 'server-only';
import { audit } from '../audit/record';
import { settleDelivery, type AttemptOutcome, type ClaimedDelivery } from '../store/alerts/deliveries';
import { webhookTargets } from '../store/alerts/webhooks';
import { postWebhook } from './post-webhook';

export type DeliveryPolicy = { maxAttempts: number; backoffMs: number; timeoutMs: number };

/** The pause before retry n+1 after n failed attempts: backoff, 2×, 4× … (capped at an hour). */
export function backoffAfter(attempts: number, backoffMs: number): number {
  return Math.min(3_600_000, backoffMs * 2 ** Math.max(0, attempts - 1));
}

export async function attemptDelivery(d: ClaimedDelivery, owner: string, p: DeliveryPolicy): Promise<AttemptOutcome> {
  const [hook] = await webhookTargets({ id: d.webhookId, enabledOnly: false });
  let outcome: AttemptOutcome;
  if (!hook) {
    outcome = { status: 'failed', httpStatus: null, error: 'the webhook was removed' };
  } else {
    const r = await postWebhook(hook.url, d.body, p.timeoutMs);
    if (r.ok) outcome = { status: 'delivered', httpStatus: r.status };
    else if (r.retry && d.attempts < p.maxAttempts) outcome = { status: 'pending', httpStatus: r.status, error: r.error, nextAttemptAt: new Date(Date.now() + backoffAfter(d.attempts, p.backoffMs)) };
    else outcome = { status: 'failed', httpStatus: r.status, error: r.retry ? `${r.error} (gave up after ${d.attempts} attempts)` : r.error };
  }
  const settled = await settleDelivery(d.id, owner, outcome);
  await audit({
    actor: 'system',
    action: outcome.status === 'delivered' ? 'alert.delivered' : outcome.status === 'pending' ? 'alert.retry' : 'alert.failed',
    target: hook ? `webhook:${hook.name}` : `webhook:${d.webhookId}`,
    detail: {
      deliveryId: d.id,
      event: d.event,
      attempt: d.attempts,
      httpStatus: outcome.httpStatus,
      ...(outcome.status !== 'delivered' ? { error: outcome.error } : {}),
      ...(outcome.status === 'pending' ? { nextAttemptAt: outcome.nextAttemptAt.toISOString() } : {}),
      ...(settled ? {} : { note: 'its claim had lapsed; another process took it over' }),
    },
    outcome: outcome.status === 'delivered' ? 'ok' : 'error',
  }).catch(() => undefined);
  return outcome;
}
