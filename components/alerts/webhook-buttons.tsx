'use client';
// An operator's buttons on one webhook: send a test, enable / disable, remove.
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { changeWebhookAction } from '@/lib/actions/change-webhook';
import { Button } from '@/components/ui/button';

export function WebhookButtons({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const [pending, start] = useTransition();
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const router = useRouter();
  const act = (change: 'test' | 'enable' | 'disable' | 'delete') =>
    start(async () => {
      if (change === 'delete' && !window.confirm(`Remove the webhook “${name}” and its delivery history?`)) return;
      const r = await changeWebhookAction(id, change);
      setNote(r.ok ? (r.message ? { error: false, text: r.message } : null) : { error: true, text: r.error });
      router.refresh();
    });
  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" disabled={pending || !enabled} onClick={() => act('test')} aria-label={`Send test to ${name}`}>
          Send test
        </Button>
        <Button variant="secondary" disabled={pending} onClick={() => act(enabled ? 'disable' : 'enable')}>
          {enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button variant="ghost" disabled={pending} onClick={() => act('delete')} aria-label={`Remove ${name}`}>
          Remove
        </Button>
      </div>
      {note && (
        <p role={note.error ? 'alert' : 'status'} className={`text-xs ${note.error ? 'text-red-600' : 'text-slate-600'}`}>
          {note.text}
        </p>
      )}
    </div>
  );
}
