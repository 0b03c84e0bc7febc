import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/guard';
import { listWebhooks } from '@/lib/store/alerts/webhooks';
import { listDeliveries } from '@/lib/store/alerts/deliveries';
import { Card } from '@/components/ui/card';
import { WebhooksList } from '@/components/alerts/webhooks-list';
import { WebhookForm } from '@/components/alerts/webhook-form';
import { DeliveriesTable } from '@/components/alerts/deliveries-table';

export const metadata: Metadata = { title: 'Alerts' };
export const dynamic = 'force-dynamic';

export default async function AlertsPage() {
  const user = await requireUser();
  const operator = user.role === 'operator';
  const [webhooks, deliveries] = await Promise.all([listWebhooks(), listDeliveries({ limit: 50 })]);
  const now = new Date().toISOString();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Alerts</h1>
        <p className="mt-1 text-sm text-slate-500">
          Webhooks Janitor posts to when a run or reclaim ends, a scheduled job is skipped, or a table crosses a threshold. Failed posts are retried with a growing pause.
        </p>
      </div>
      <Card title="Webhooks">
        <WebhooksList webhooks={webhooks} canChange={operator} />
        {!operator && <p className="mt-3 text-xs text-slate-500">Only operators can add or change webhooks.</p>}
      </Card>
      {operator && (
        <Card title="Add a webhook">
          <WebhookForm />
        </Card>
      )}
      <Card title="Recent deliveries">
        <DeliveriesTable deliveries={deliveries} now={now} />
      </Card>
    </div>
  );
}
