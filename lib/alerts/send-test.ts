// "Send test" on the alerts page: one alert to one webhook, attempted at
// once in this request so the operator sees the answer; a failure is retried
// by the delivery loop like any other delivery.
import 'server-only';
import { audit } from '../audit/record';
import { AppError } from '../errors';
import type { AttemptOutcome } from '../store/alerts/deliveries';
import { getWebhook } from '../store/alerts/webhooks';
import { deliverNow } from './delivery-loop';
import { enqueueAlert } from './enqueue';

export async function sendTestAlert(webhookId: string, actor: string): Promise<{ deliveryId: number; outcome: AttemptOutcome | null }> {
  const w = await getWebhook(webhookId);
  if (!w) throw new AppError('No such webhook; it may have been removed meanwhile.', 'not-found');
  const [deliveryId] = await enqueueAlert(
    {
      event: 'test',
      severity: 'info',
      title: `Test alert from Janitor to ${w.name}`,
      lines: [`Sent by ${actor} from the alerts page. If you can read this, alerts reach this webhook.`],
      target: null,
      schema: null,
      table: null,
      path: '/alerts',
      at: new Date(),
      details: { sentBy: actor },
    },
    (x) => x.id === w.id,
  );
  if (deliveryId === undefined) throw new AppError(`${w.name} is disabled; enable it to send a test.`, 'conflict');
  await audit({ actor, action: 'alert.test', target: `webhook:${w.name}`, detail: { id: w.id, deliveryId }, outcome: 'ok' });
  // A delivery loop in this process may have claimed it first: it is then under way there.
  return { deliveryId, outcome: await deliverNow(deliveryId) };
}
