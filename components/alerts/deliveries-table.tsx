// Recent deliveries: what was sent where, how many attempts, what the
// receiver answered. Newest first.
import Link from 'next/link';
import type { DeliveryView } from '@/lib/store/alerts/deliveries';
import { formatAgo, formatUtc } from '@/lib/format-time';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONE: Record<DeliveryView['status'], BadgeTone> = { delivered: 'up', pending: 'warning', sending: 'info', failed: 'down' };

export function DeliveriesTable({ deliveries, now }: { deliveries: DeliveryView[]; now: string }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-500">No alerts sent yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="stack-table w-full text-sm" aria-label="Deliveries">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">Status</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Alert</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Webhook</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Attempts</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Last answer</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">When</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {deliveries.map((d) => (
            <tr key={d.id} data-delivery={d.id}>
              <td className="px-3 py-2">
                <Badge tone={TONE[d.status]}>{d.status}</Badge>
              </td>
              <td className="stack-full px-3 py-2">
                <span className="block text-xs text-slate-500">{d.event}</span>
                <span className="break-words text-slate-900">{d.title}</span>
                {d.target && !d.target.startsWith('url:') && (
                  <Link href={`/targets/${encodeURIComponent(d.target)}`} className="ml-2 text-xs text-blue-700 hover:text-blue-900">
                    {d.target}
                  </Link>
                )}
              </td>
              <td data-label="Webhook" className="px-3 py-2 text-slate-700">{d.webhookName}</td>
              <td data-label="Attempts" className="px-3 py-2 text-right tabular-nums">{d.attempts}</td>
              <td data-label="Last answer" className="px-3 py-2 text-slate-700">
                {/* The error already starts with the HTTP status when there was one. */}
                {d.lastError ? <span className="block max-w-md break-words text-red-700">{d.lastError}</span> : d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '—'}
                {d.nextAttemptAt && <span className="block text-xs text-slate-500">next try {formatUtc(d.nextAttemptAt, { seconds: true })}</span>}
              </td>
              <td data-label="When" className="px-3 py-2 whitespace-nowrap text-slate-600" title={formatUtc(d.createdAt, { seconds: true })}>
                {formatAgo(d.createdAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
