'use client';
// "Add schedule": which table on which target, how its rows expire (found
// from the table, a preset, or a column), when (cron in a zone, defaulting to
// the browser's), an optional end of the window and a reclaim afterwards (only
// the modes the target's database runs), and the batch knobs. The server
// action checks every field again and the table against the target.
import { useActionState, useEffect, useState, useTransition, type FormEvent } from 'react';
import { addScheduleAction, type AddScheduleState } from '@/lib/actions/add-schedule';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Choice } from '@/components/ui/choice';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';
import { ExpiryFields } from '@/components/session-tables/expiry-fields';
import { cronInWords } from './cron-words';
import { formatInZone } from './zone-time';

export type ScheduleTargetOption = { name: string; dialectName: string; modes: { value: string; label: string }[] };
export type PresetOption = { name: string; table: string; description: string };

const RULES = [
  { value: 'detect', title: 'Find it from the table', text: 'The table matches a known session table (Django, Rails, Laravel, …).' },
  { value: 'preset', title: 'A preset', text: 'Name the framework whose session table this is.' },
  { value: 'custom', title: 'A column', text: 'Say which column holds the expiry, and how.' },
] as const;

export function AddScheduleForm({ targets, presets, defaults }: { targets: ScheduleTargetOption[]; presets: PresetOption[]; defaults: { deleteCount: string; sleepSeconds: string } }) {
  const [state, action, pending] = useActionState<AddScheduleState, FormData>(addScheduleAction, {});
  const err = (k: string) => state.errors?.[k];
  const [target, setTarget] = useState(targets[0]?.name ?? '');
  const [rule, setRule] = useState('detect');
  const [cron, setCron] = useState('0 3 * * *');
  const [tz, setTz] = useState('');
  // The zone the browser is in, once it is known (the server cannot know it).
  useEffect(() => setTz((z) => z || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'), []);
  // Submitted by hand, not through <form action>: React would reset the form
  // afterwards, and a reset puts the radio buttons back out of step with the
  // choice shown. This way what was typed stays, to be corrected or reused.
  const [, startSubmit] = useTransition();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startSubmit(() => action(data));
  };

  const modes = targets.find((t) => t.name === target)?.modes ?? [];
  const words = cronInWords(cron);

  return (
    <form onSubmit={submit} className="space-y-5" noValidate aria-label="Add schedule">
      {state.added && (
        <Alert tone="success">
          Schedule added for {state.added.table}
          {state.added.next ? `; it fires next ${formatInZone(state.added.next, state.added.tz)} (${state.added.tz}).` : '.'}
        </Alert>
      )}
      {state.error && <Alert tone="error">{state.error}</Alert>}

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">Table</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <SelectField
            id="target"
            name="target"
            label="Target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            error={err('target')}
            options={targets.map((t) => ({ value: t.name, label: `${t.name} (${t.dialectName})` }))}
          />
          <Field id="schema" name="schema" label="Schema" error={err('schema')} placeholder="the target's default" hint="Blank: the target's default schema." />
          <Field id="table" name="table" label="Table" error={err('table')} placeholder="django_session" required />
        </div>
        <div role="radiogroup" aria-label="How rows expire" className="grid grid-cols-1 gap-2 sm:grid-cols-3">
          {RULES.map((r) => (
            <Choice key={r.value} name="rule" value={r.value} checked={rule === r.value} onChange={() => setRule(r.value)} title={r.title} text={r.text} />
          ))}
        </div>
        {err('rule') && <p className="text-xs text-red-600">{err('rule')}</p>}
        {rule === 'preset' && (
          <SelectField id="preset" name="preset" label="Preset" defaultValue={presets[0]?.name} error={err('preset')} options={presets.map((p) => ({ value: p.name, label: `${p.name} (${p.table})` }))} />
        )}
        {rule === 'custom' && (
          <ExpiryFields idPrefix="schedule-" values={{}} withTtl errors={{ expiryColumn: err('expiryColumn'), expiryType: err('expiryType'), ttlSeconds: err('ttlSeconds') }} />
        )}
        {err('form') && <p className="text-xs text-red-600">{err('form')}</p>}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">When</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <Field
            id="cron"
            name="cron"
            label="Cron"
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            error={err('cron')}
            hint={words ? `${words} (minute hour day month weekday)` : 'minute hour day month weekday, e.g. 0 3 * * * for 03:00 every day'}
          />
          <Field id="tz" name="tz" label="Time zone" value={tz} onChange={(e) => setTz(e.target.value)} error={err('tz')} hint="The zone the cron's times are in; your browser's by default." />
          <Field id="until" name="until" label="Stop at (HH:MM)" error={err('until')} placeholder="no end" hint="The run stops after its batch at this time of day; blank: it runs to the end." />
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">Run</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <Field id="deleteCount" name="deleteCount" label="Delete count" inputMode="numeric" defaultValue={defaults.deleteCount} error={err('deleteCount')} hint="Rows per batch." />
          <Field id="sleepSeconds" name="sleepSeconds" label="Sleep seconds" inputMode="decimal" defaultValue={defaults.sleepSeconds} error={err('sleepSeconds')} hint="Pause between batches." />
          <SelectField
            key={target}
            id="then"
            name="then"
            label="Then"
            defaultValue="none"
            error={err('then')}
            hint="A reclaim after a completed run, by the same worker."
            options={[{ value: 'none', label: 'Nothing' }, ...modes]}
          />
        </div>
      </fieldset>

      {state.errors && Object.keys(state.errors).some((k) => k !== 'form') && !state.error && (
        <p role="alert" className="text-sm text-red-700">
          Fix the fields marked in red first.
        </p>
      )}
      <div className="border-t border-slate-100 pt-4">
        <Button type="submit" disabled={pending || targets.length === 0}>
          {pending ? 'Adding…' : 'Add schedule'}
        </Button>
      </div>
    </form>
  );
}
