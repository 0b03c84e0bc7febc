'use client';
// "Add a webhook": name, URL (a secret: after saving it is only shown
// masked), body format, the events it gets and its threshold rules (blank:
// off). The server action validates again and checks the role.
import { useActionState } from 'react';
import { addWebhookAction, type AddWebhookState } from '@/lib/actions/add-webhook';
import { EVENT_KINDS, EVENT_LABELS } from '@/lib/alerts/events';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

const DEFAULT_EVENTS = ['run.failed', 'run.interrupted', 'reclaim.failed', 'schedule.skipped'];

export function WebhookForm() {
  const [state, action, pending] = useActionState<AddWebhookState, FormData>(addWebhookAction, {});
  const v = (k: string) => state.values?.[k] ?? '';
  const err = (k: string) => state.errors?.[k];
  const ticked = state.events ?? DEFAULT_EVENTS;
  // A fresh form after each save: the key changes with the result.
  return (
    <form action={action} className="space-y-5" noValidate key={state.ok ? `saved-${Date.now()}` : 'form'} aria-label="Add a webhook">
      {state.ok && <Alert tone="success">Webhook saved. Use “Send test” to check it.</Alert>}
      {state.error && !state.errors && <Alert tone="error">{state.error}</Alert>}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Field id="wh-name" name="name" label="Name" defaultValue={v('name')} placeholder="e.g. #ops-alerts" error={err('name')} maxLength={80} />
        <Field id="wh-url" name="url" label="Webhook URL" type="url" autoComplete="off" placeholder="https://hooks.slack.com/services/…" error={err('url')} hint="Kept secret: shown only as its host once saved." />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Body format</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="format" value="json" defaultChecked={v('format') !== 'slack'} /> Generic JSON
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="format" value="slack" defaultChecked={v('format') === 'slack'} /> Slack incoming webhook
          </label>
        </div>
        {err('format') && <p className="text-xs text-red-600">{err('format')}</p>}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Events</legend>
        <div className="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
          {EVENT_KINDS.map((e) => (
            <label key={e} className="flex items-center gap-2">
              <input type="checkbox" name="events" value={e} defaultChecked={ticked.includes(e)} /> {EVENT_LABELS[e]}
            </label>
          ))}
        </div>
        {err('events') && <p className="text-xs text-red-600">{err('events')}</p>}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Thresholds (blank: off)</legend>
        <p className="text-xs text-slate-500">Checked after each size sample, per table. A rule alerts once when it starts to hold, and again only after it cleared.</p>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
          <Field id="wh-expired" name="expiredRowsAbove" label="Expired sessions above" inputMode="numeric" defaultValue={v('expiredRowsAbove')} error={err('expiredRowsAbove')} />
          <Field id="wh-size" name="tableSizeGb" label="Table above (GB)" inputMode="decimal" defaultValue={v('tableSizeGb')} error={err('tableSizeGb')} />
          <Field id="wh-growth" name="growthMbPerDay" label="Growth above (MB/day)" inputMode="decimal" defaultValue={v('growthMbPerDay')} error={err('growthMbPerDay')} />
          <Field id="wh-fc-size" name="forecastGb" label="Forecast reaches (GB)" inputMode="decimal" defaultValue={v('forecastGb')} error={err('forecastGb')} />
          <Field id="wh-fc-days" name="forecastDays" label="within (days)" inputMode="numeric" defaultValue={v('forecastDays')} error={err('forecastDays')} />
        </div>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Add webhook'}
      </Button>
    </form>
  );
}
