'use client';
// The reclaim settings: which operation, and the safety knobs (lock timeout,
// statement timeout, retries). Choosing a mode puts it in the URL, so the
// server renders the warning and the blockers for that mode; "Start" posts to
// the server action, which validates again and checks the role.
import { useActionState, useState, useTransition } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { startReclaimAction, type StartReclaimState } from '@/lib/actions/start-reclaim';
import type { ReclaimMode } from '@/lib/schemas/reclaim';
import { BusyTableAlert, alreadyShown } from '@/components/runs/busy-table-alert';
import { Button } from '@/components/ui/button';
import { Choice } from '@/components/ui/choice';
import { Field } from '@/components/ui/field';
import type { ModeOption } from './mode-options';

export type ReclaimFormDefaults = { lockTimeoutSeconds: string; statementTimeoutSeconds: string; retries: string; retryPauseSeconds: string };

export function ReclaimForm({
  target,
  schema,
  table,
  modes,
  mode: initialMode,
  defaults,
  shownBusy = {},
}: {
  target: string;
  schema: string;
  table: string;
  modes: ModeOption[];
  mode: ReclaimMode;
  defaults: ReclaimFormDefaults;
  /** the run / operation the page already warns about: its banner is not repeated here */
  shownBusy?: { runId?: string; operationId?: string };
}) {
  const [state, action, pending] = useActionState<StartReclaimState, FormData>(startReclaimAction, {});
  const [mode, setMode] = useState<ReclaimMode>(initialMode);
  const [switching, startSwitch] = useTransition();
  const router = useRouter();
  const pathname = usePathname();
  const v = (k: keyof ReclaimFormDefaults) => state.values?.[k] ?? defaults[k];
  const err = (k: string) => state.errors?.[k];
  const chosen = modes.find((m) => m.value === mode) ?? modes[0]!;

  function choose(m: ReclaimMode) {
    setMode(m);
    startSwitch(() => router.replace(`${pathname}?${new URLSearchParams({ schema, table, mode: m })}`, { scroll: false }));
  }

  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="schema" value={schema} />
      <input type="hidden" name="table" value={table} />

      {state.error && (alreadyShown(state, shownBusy) ? (
        <p role="status" className="text-sm text-amber-800">Not started: see the warning above.</p>
      ) : (
        <BusyTableAlert error={state.error} runId={state.runningRunId} operationId={state.runningOperationId} />
      ))}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold text-slate-800">Operation</legend>
          <div className="space-y-2">
            {modes.map((m) => (
              <Choice key={m.value} name="mode" value={m.value} checked={m.value === mode} onChange={() => choose(m.value)} title={m.label} text={m.description} />
            ))}
          </div>
          {err('mode') && <p className="text-xs text-red-600">{err('mode')}</p>}
        </fieldset>

        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold text-slate-800">Safety</legend>
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Field
              id="lockTimeoutSeconds"
              name="lockTimeoutSeconds"
              label="Lock timeout (s)"
              inputMode="decimal"
              defaultValue={v('lockTimeoutSeconds')}
              error={err('lockTimeoutSeconds')}
              hint="Each attempt waits this long for its lock, then gives up; readers queued behind it wait no longer."
            />
            <Field
              id="statementTimeoutSeconds"
              name="statementTimeoutSeconds"
              label="Statement timeout (s)"
              inputMode="numeric"
              defaultValue={v('statementTimeoutSeconds')}
              error={err('statementTimeoutSeconds')}
              hint="Cancelled and rolled back after this long; the table stays as it was."
            />
            <Field id="retries" name="retries" label="Retries" inputMode="numeric" defaultValue={v('retries')} error={err('retries')} hint="Further attempts when the lock cannot be had." />
            <Field
              id="retryPauseSeconds"
              name="retryPauseSeconds"
              label="Pause between attempts (s)"
              inputMode="decimal"
              defaultValue={v('retryPauseSeconds')}
              error={err('retryPauseSeconds')}
              hint="Lets the queue behind a failed attempt drain."
            />
          </div>
        </fieldset>
      </div>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
        <Button type="submit" variant={mode === 'full' ? 'danger' : 'primary'} disabled={pending || switching}>
          {pending ? 'Starting…' : `Start ${chosen.label}`}
        </Button>
        <p className="text-xs text-slate-500">{switching ? 'Checking the table for this operation…' : 'Runs in the background; its page shows the progress.'}</p>
      </div>
    </form>
  );
}
