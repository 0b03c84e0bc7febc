'use client';
// The confirmation for "log everyone out": graceful or instant, and the
// table's name typed. The button stays disabled until the name matches; the
// server action checks the typed name again, whatever this page sent.
import Link from 'next/link';
import { useActionState, useState } from 'react';
import { logoutAllAction, type LogoutAllState } from '@/lib/actions/logout-all';
import type { Dialect } from '@/lib/targets/target-url';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { formatCount } from '@/lib/format';
import { Alert } from '@/components/ui/alert';
import { BusyTableAlert, alreadyShown } from '@/components/runs/busy-table-alert';
import { Button } from '@/components/ui/button';
import { Choice } from '@/components/ui/choice';
import { Field } from '@/components/ui/field';

export type LogoutAllSpec = { target: string; schema: string; table: string; preset: string | null; expiryColumn: string; expiryType: string };

export function LogoutAllForm({
  spec,
  dialect,
  defaults,
  shownBusy = {},
}: {
  spec: LogoutAllSpec;
  dialect: Dialect;
  defaults: { deleteCount: string; sleepSeconds: string; lockTimeoutSeconds: number };
  /** the run / operation the page already warns about: its banner is not repeated here */
  shownBusy?: { runId?: string; operationId?: string };
}) {
  const [state, action, pending] = useActionState<LogoutAllState, FormData>(logoutAllAction, {});
  const [method, setMethod] = useState<'graceful' | 'instant'>(state.values?.method === 'instant' ? 'instant' : 'graceful');
  const [typed, setTyped] = useState('');
  const matches = typed === spec.table;
  const err = (k: string) => state.errors?.[k];

  if (state.truncated) {
    return (
      <div className="space-y-3">
        <Alert tone="success">
          Everyone is logged out: TRUNCATE removed {formatCount(state.truncated.removed)} session{state.truncated.removed === 1 ? '' : 's'} from {spec.schema}.{spec.table} in{' '}
          {state.truncated.seconds} s.
        </Alert>
        <Link href={`/targets/${spec.target}`} className="text-sm font-medium text-slate-900 underline">
          Back to the space report
        </Link>
      </div>
    );
  }

  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="target" value={spec.target} />
      <input type="hidden" name="schema" value={spec.schema} />
      <input type="hidden" name="table" value={spec.table} />
      {spec.preset ? (
        <input type="hidden" name="preset" value={spec.preset} />
      ) : (
        <>
          <input type="hidden" name="expiryColumn" value={spec.expiryColumn} />
          <input type="hidden" name="expiryType" value={spec.expiryType} />
        </>
      )}

      {state.error && (alreadyShown(state, shownBusy) ? (
        <p role="status" className="text-sm text-amber-800">Not started: see the warning above.</p>
      ) : (
        <BusyTableAlert error={state.error} runId={state.runningRunId} operationId={state.runningOperationId} />
      ))}

      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-slate-800">How</legend>
        <Choice
          name="method"
          checked={method === 'graceful'}
          onChange={() => setMethod('graceful')}
          value="graceful"
          title="Graceful run (recommended)"
          text="Deletes every session in small batches with pauses, like a cleanup: each batch is its own short transaction, and the run page shows progress with pause and cancel."
        />
        <Choice
          name="method"
          checked={method === 'instant'}
          onChange={() => setMethod('instant')}
          value="instant"
          title="Instant (TRUNCATE)"
          text="Empties the table in one statement."
        />
      </fieldset>

      {method === 'instant' ? (
        <Alert tone="warning">
          <span data-testid="truncate-warning">
            TRUNCATE takes {dialectFacts(dialect).truncateLock} on {spec.schema}.{spec.table}: every read and write of the table waits while it runs. It waits for that lock at most{' '}
            {defaults.lockTimeoutSeconds} s and gives up if a transaction holds the table. It cannot be paused, cancelled or undone.
          </span>
        </Alert>
      ) : (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field id="deleteCount" name="deleteCount" label="Delete count" inputMode="numeric" defaultValue={state.values?.deleteCount ?? defaults.deleteCount} error={err('deleteCount')} hint="Sessions per batch." />
          <Field id="sleepSeconds" name="sleepSeconds" label="Sleep seconds" inputMode="decimal" defaultValue={state.values?.sleepSeconds ?? defaults.sleepSeconds} error={err('sleepSeconds')} hint="Pause between batches." />
        </div>
      )}

      <div className="space-y-1">
        <label htmlFor="confirm" className="block text-sm font-medium text-slate-700">
          Type <code className="rounded bg-slate-100 px-1 text-xs text-slate-900">{spec.table}</code> to confirm
        </label>
        <input
          id="confirm"
          name="confirm"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          aria-invalid={err('confirm') ? true : undefined}
          className="block w-full max-w-sm rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500 aria-invalid:border-red-500"
        />
        {err('confirm') && <p className="text-xs text-red-600">{err('confirm')}</p>}
      </div>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
        <Button type="submit" variant="danger" disabled={!matches || pending}>
          {pending ? 'Starting…' : method === 'instant' ? 'Log everyone out now (TRUNCATE)' : 'Log everyone out'}
        </Button>
        <p className="text-xs text-slate-500">{matches ? 'Every signed-in user of the application will have to sign in again.' : 'The button is enabled once the name matches exactly.'}</p>
      </div>
    </form>
  );
}
