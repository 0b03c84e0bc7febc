// The configured webhooks: URL masked, what each gets; operators get buttons.
import type { WebhookView } from '@/lib/store/alerts/webhooks';
import { EVENT_LABELS } from '@/lib/alerts/events';
import { formatBytes, formatCount } from '@/lib/format';
import { Badge } from '@/components/ui/badge';
import { WebhookButtons } from './webhook-buttons';

function thresholdTexts(t: WebhookView['thresholds']): string[] {
  const out: string[] = [];
  if (t.expiredRowsAbove !== undefined) out.push(`expired sessions > ${formatCount(t.expiredRowsAbove)}`);
  if (t.tableBytesAbove !== undefined) out.push(`table > ${formatBytes(t.tableBytesAbove)}`);
  if (t.growthBytesPerDayAbove !== undefined) out.push(`growth > ${formatBytes(t.growthBytesPerDayAbove)}/day`);
  if (t.forecast) out.push(`forecast reaches ${formatBytes(t.forecast.bytes)} within ${t.forecast.withinDays} d`);
  return out;
}

export function WebhooksList({ webhooks, canChange }: { webhooks: WebhookView[]; canChange: boolean }) {
  if (webhooks.length === 0) return <p className="text-sm text-slate-500">No webhooks yet: nothing leaves Janitor until one is added.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label="Webhooks">
      {webhooks.map((w) => {
        const rules = thresholdTexts(w.thresholds);
        return (
          <li key={w.id} className="flex flex-col gap-3 py-3 first:pt-0 last:pb-0 sm:flex-row sm:items-start sm:justify-between" aria-label={`Webhook ${w.name}`}>
            <div className="min-w-0 space-y-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium text-slate-900">{w.name}</span>
                <Badge tone={w.format === 'slack' ? 'info' : 'neutral'}>{w.format === 'slack' ? 'Slack' : 'JSON'}</Badge>
                {!w.enabled && <Badge tone="warning">disabled</Badge>}
              </div>
              <p className="break-all font-mono text-xs text-slate-500" title="The rest of the URL is kept secret">
                {w.maskedUrl}
              </p>
              <p className="text-xs text-slate-600">
                {w.events.length ? w.events.map((e) => EVENT_LABELS[e]).join(' · ') : 'no events'}
                {rules.length > 0 && <span className="block">Thresholds: {rules.join(' · ')}</span>}
              </p>
            </div>
            {canChange && <WebhookButtons id={w.id} name={w.name} enabled={w.enabled} />}
          </li>
        );
      })}
    </ul>
  );
}
