'use client';
// The cleanup settings form. "Start cleanup" posts to the server action (which
// validates again and checks the role); "Update preview" only puts the values
// that change the estimate into the URL, so the server renders a new preview.
import Link from 'next/link';
import { useActionState, useEffect, useRef, useState, useTransition } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { startCleanupAction, type StartCleanupState } from '@/lib/actions/start-cleanup';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { STRATEGY_LABEL } from './strategy-options';
import { cleanupParamsSchema } from '@/lib/schemas/cleanup-params';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';

const PARAM_FIELDS = ['deleteCount', 'sleepSeconds', 'iterationCount', 'maxRuntimeSeconds', 'targetBatchMs', 'maxReplicaLagSeconds', 'maxActiveConnections', 'strategy'] as const;

/**
 * The same checks the server action makes, so "Update preview" refuses what
 * "Start cleanup" would refuse, with the message under the field.
 */
function validate(data: FormData, table: string): Record<string, string> {
  const text = (k: string) => {
    const v = data.get(k);
    return typeof v === 'string' ? v.trim() : undefined;
  };
  const out: Record<string, string> = {};
  const params = cleanupParamsSchema.safeParse(Object.fromEntries(PARAM_FIELDS.map((k) => [k, text(k)])));
  if (!params.success) for (const i of params.error.issues) out[String(i.path[0])] ??= i.message;
  for (const k of ['ttlSeconds', 'timestampZone'] as const) {
    const value = text(k);
    if (!value) continue;
    const spec = sessionSpecSchema.safeParse({ table, [k]: value });
    if (!spec.success) for (const i of spec.error.issues) if (i.path[0] === k) out[k] ??= i.message;
  }
  return out;
}

export type CleanupFormDefaults = {
  deleteCount: string;
  sleepSeconds: string;
  iterationCount: string;
  maxRuntimeSeconds: string;
  targetBatchMs: string;
  maxReplicaLagSeconds: string;
  maxActiveConnections: string;
  strategy: string;
  ttlSeconds: string;
  timestampZone: string;
};

export type CleanupFormSpec = { target: string; schema: string; table: string; preset: string | null; expiryColumn: string | null; expiryType: string | null };

/** The fields that change the preview (counts, plan, sample, estimate). */
const PREVIEW_FIELDS = ['deleteCount', 'sleepSeconds', 'strategy', 'ttlSeconds', 'timestampZone'] as const;

export function CleanupForm({
  spec,
  defaults,
  strategies,
  showTtl,
  ttlHint,
  showZone,
  shownRunId,
}: {
  spec: CleanupFormSpec;
  defaults: CleanupFormDefaults;
  strategies: string[];
  showTtl: boolean;
  ttlHint?: string;
  /** the expiry column holds timestamps: ask in which zone naive ones were written */
  showZone: boolean;
  /** the running cleanup the page already warns about: its banner is not repeated here */
  shownRunId?: string;
}) {
  const [state, action, pending] = useActionState<StartCleanupState, FormData>(startCleanupAction, {});
  const [previewing, startPreview] = useTransition();
  const router = useRouter();
  const pathname = usePathname();
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused submit the form shows what was typed, not the defaults.
  const v = (k: keyof CleanupFormDefaults) => state.values?.[k] ?? defaults[k];
  // The errors shown: the server's after a refused start, the form's own after a refused preview.
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  useEffect(() => setErrors(state.errors ?? {}), [state]);
  const err = (k: string) => errors[k];

  /** Typing re-checks the fields that show an error: a corrected value loses its message at once. */
  function recheck() {
    if (!Object.values(errors).some(Boolean)) return;
    const now = validate(new FormData(formRef.current!), spec.table);
    setErrors((shown) => Object.fromEntries(Object.keys(shown).filter((k) => shown[k] && (now[k] || k === 'form')).map((k) => [k, now[k] ?? shown[k]])));
  }

  function updatePreview() {
    const data = new FormData(formRef.current!);
    const invalid = validate(data, spec.table);
    setErrors(invalid);
    if (Object.keys(invalid).length > 0) return;
    const q = new URLSearchParams({ schema: spec.schema, table: spec.table });
    if (spec.preset) q.set('preset', spec.preset);
    if (spec.expiryColumn && spec.expiryType && !spec.preset) {
      q.set('expiryColumn', spec.expiryColumn);
      q.set('expiryType', spec.expiryType);
    }
    for (const k of PREVIEW_FIELDS) {
      const val = data.get(k);
      if (typeof val === 'string' && val.trim() !== '') q.set(k, val.trim());
    }
    startPreview(() => router.replace(`${pathname}?${q}`, { scroll: false }));
  }

  return (
    <form ref={formRef} action={action} onChange={recheck} className="space-y-5" noValidate>
      <input type="hidden" name="target" value={spec.target} />
      <input type="hidden" name="schema" value={spec.schema} />
      <input type="hidden" name="table" value={spec.table} />
      {spec.preset && <input type="hidden" name="preset" value={spec.preset} />}
      {!spec.preset && spec.expiryColumn && <input type="hidden" name="expiryColumn" value={spec.expiryColumn} />}
      {!spec.preset && spec.expiryType && <input type="hidden" name="expiryType" value={spec.expiryType} />}

      {state.error && state.runningRunId && state.runningRunId === shownRunId && (
        // The page already warns about this run above; a second banner would repeat it.
        <p role="status" className="text-sm text-amber-800">
          Not started: the cleanup above is still going.{' '}
          <Link href={`/runs/${state.runningRunId}`} className="font-medium underline">
            Watch the running cleanup
          </Link>
        </p>
      )}
      {state.error && !(state.runningRunId && state.runningRunId === shownRunId) && (
        <Alert tone={state.runningRunId ? 'warning' : 'error'}>
          {state.runningRunId ? (
            <>
              A cleanup of {spec.schema}.{spec.table} is already {state.runningStatus === 'paused' ? 'going (paused)' : 'running'}.{' '}
              <Link href={`/runs/${state.runningRunId}`} className="font-medium underline">
                Watch the running cleanup
              </Link>
            </>
          ) : (
            state.error
          )}
        </Alert>
      )}

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">Batches</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field id="deleteCount" name="deleteCount" label="Delete count" inputMode="numeric" defaultValue={v('deleteCount')} error={err('deleteCount')} hint="Rows per batch, each its own short transaction." />
          <Field id="sleepSeconds" name="sleepSeconds" label="Sleep seconds" inputMode="decimal" defaultValue={v('sleepSeconds')} error={err('sleepSeconds')} hint="Pause between batches; fractions allowed, 0 for full speed." />
          <Field id="iterationCount" name="iterationCount" label="Iteration count" inputMode="numeric" defaultValue={v('iterationCount')} error={err('iterationCount')} hint="Most batches to run; blank: until nothing expired is left." placeholder="no limit" />
          <Field id="maxRuntimeSeconds" name="maxRuntimeSeconds" label="Max runtime (s)" inputMode="decimal" defaultValue={v('maxRuntimeSeconds')} error={err('maxRuntimeSeconds')} hint="Stop after this long; blank: no limit." placeholder="no limit" />
          {showZone && (
            <Field
              id="timestampZone"
              name="timestampZone"
              label="Timestamp zone"
              defaultValue={v('timestampZone')}
              error={err('timestampZone')}
              placeholder="utc"
              hint="Zone the app writes timestamps without a time zone in: utc, server (the database's setting) or e.g. Europe/Berlin. The preview shows the rows either side of the cutoff."
            />
          )}
          {showTtl && (
            <Field id="ttlSeconds" name="ttlSeconds" label="TTL (s)" inputMode="numeric" defaultValue={v('ttlSeconds')} error={err('ttlSeconds')} hint={ttlHint} />
          )}
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">Throttling</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field id="targetBatchMs" name="targetBatchMs" label="Target batch time (ms)" inputMode="numeric" defaultValue={v('targetBatchMs')} error={err('targetBatchMs')} hint="Resize batches so each takes about this long; blank: fixed size." placeholder="off" />
          <Field id="maxReplicaLagSeconds" name="maxReplicaLagSeconds" label="Max replica lag (s)" inputMode="decimal" defaultValue={v('maxReplicaLagSeconds')} error={err('maxReplicaLagSeconds')} hint="Wait while a replica lags more than this." placeholder="off" />
          <Field id="maxActiveConnections" name="maxActiveConnections" label="Max active connections" inputMode="numeric" defaultValue={v('maxActiveConnections')} error={err('maxActiveConnections')} hint="Wait while more sessions than this run a statement." placeholder="off" />
          <div className="space-y-1">
            <label htmlFor="strategy" className="block text-sm font-medium text-slate-700">
              Strategy
            </label>
            <select
              id="strategy"
              name="strategy"
              defaultValue={v('strategy')}
              aria-invalid={err('strategy') ? true : undefined}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500 aria-invalid:border-red-500"
            >
              {strategies.map((s) => (
                <option key={s} value={s}>
                  {STRATEGY_LABEL[s] ?? s}
                </option>
              ))}
            </select>
            {err('strategy') ? <p className="text-xs text-red-600">{err('strategy')}</p> : <p className="text-xs text-slate-500">How the table is walked; the preview says what automatic picks.</p>}
          </div>
        </div>
      </fieldset>

      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input type="hidden" name="analyzeField" value="1" />
        <input type="checkbox" name="analyze" defaultChecked={state.values?.analyze !== 'false'} className="mt-0.5 h-4 w-4 rounded border-slate-300" />
        <span>
          Refresh the table&rsquo;s statistics (ANALYZE) when the run completes
          <span className="block text-xs text-slate-500">Cheap, and reads and writes go on; without it row estimates stay at the old size until autovacuum gets to it.</span>
        </span>
      </label>

      {Object.keys(errors).some((k) => errors[k] && k !== 'form') && !state.error && (
        <p role="alert" className="text-sm text-red-700">
          Fix the fields marked in red first.
        </p>
      )}

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
        <Button type="submit" disabled={pending}>
          {pending ? 'Starting…' : 'Start cleanup'}
        </Button>
        <Button type="button" variant="secondary" onClick={updatePreview} disabled={previewing || pending}>
          {previewing ? 'Updating preview…' : 'Update preview'}
        </Button>
        <p className="text-xs text-slate-500">Runs in the background; you can leave the run page and come back.</p>
      </div>
    </form>
  );
}
