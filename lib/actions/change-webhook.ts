'use server';
// Enable, disable, remove or test a webhook from the alerts page: operators only.
import { z } from 'zod';
import { changeWebhook } from '../alerts/manage-webhooks';
import { sendTestAlert } from '../alerts/send-test';
import { operatorAction } from './operator-action';

const inputSchema = z.object({ id: z.string().min(1).max(64), change: z.enum(['enable', 'disable', 'delete', 'test']) });

export type ChangeWebhookResult = { ok: true; message?: string } | { ok: false; error: string };

export async function changeWebhookAction(webhookId: unknown, change: unknown): Promise<ChangeWebhookResult> {
  const p = inputSchema.safeParse({ id: webhookId, change });
  const r = await operatorAction({
    action: p.success ? (p.data.change === 'test' ? 'alert.test' : `alert.webhook.${p.data.change}`) : 'alert.webhook.change',
    where: p.success ? `webhook:${p.data.id}` : undefined,
    parsed: p.success ? { ok: true, input: p.data } : { ok: false, error: 'No such webhook.' },
    run: async (input, actor) => {
      if (input.change !== 'test') return changeWebhook({ id: input.id, change: input.change }, actor);
      const { outcome } = await sendTestAlert(input.id, actor);
      if (!outcome) return 'The test alert is on its way.';
      if (outcome.status === 'delivered') return `Delivered (HTTP ${outcome.httpStatus}).`;
      return outcome.status === 'pending' ? `Not delivered yet: ${outcome.error}. It will be retried.` : `Failed: ${outcome.error}`;
    },
    revalidate: '/alerts',
  });
  return r.ok ? { ok: true, message: typeof r.value === 'string' ? r.value : undefined } : { ok: false, error: r.error };
}
