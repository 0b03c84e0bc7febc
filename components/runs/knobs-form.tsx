'use client';
// Change sleep, batch size and limits while the run goes. The worker reads
// them from the store before its next batch, whichever process runs it.
import { useState, useTransition } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { RunView } from '@/lib/store/runs/run-view';
import { changeRunKnobsAction } from '@/lib/actions/change-run-knobs';
import type { FieldErrors } from '@/lib/cleanup/form-input';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { setRun } from './use-run-live';

const KNOBS = [
  { name: 'deleteCount', label: 'Delete count', mode: 'numeric' },
  { name: 'sleepSeconds', label: 'Sleep seconds', mode: 'decimal' },
  { name: 'iterationCount', label: 'Iteration count', mode: 'numeric', off: 'no limit' },
  { name: 'maxRuntimeSeconds', label: 'Max runtime (s)', mode: 'decimal', off: 'no limit' },
  { name: 'targetBatchMs', label: 'Target batch time (ms)', mode: 'numeric', off: 'off' },
  { name: 'maxReplicaLagSeconds', label: 'Max replica lag (s)', mode: 'decimal', off: 'off' },
  { name: 'maxActiveConnections', label: 'Max active connections', mode: 'numeric', off: 'off' },
] as const;

export function KnobsForm({ run }: { run: RunView }) {
  const qc = useQueryClient();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ error?: string; errors?: FieldErrors; saved?: boolean }>({});
  const p = run.params as unknown as Record<string, number | null>;
  // Remount the inputs when the stored settings change (another operator, the CLI), so they show what the run uses.
  const version = KNOBS.map((k) => p[k.name]).join('|');

  function submit(form: FormData) {
    start(async () => {
      const r = await changeRunKnobsAction(run.id, form);
      if (r.ok) {
        if (r.run) setRun(qc, r.run);
        setResult({ saved: true });
      } else setResult({ error: r.error, errors: r.errors });
    });
  }

  return (
    <form
      onSubmit={(e) => {
        // Not a form action: React would reset the fields, and a refused value should stay visible beside its error.
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
      className="space-y-3"
      noValidate
    >
      <div key={version} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {KNOBS.map((k) => (
          <Field
            key={k.name}
            id={`knob-${k.name}`}
            name={k.name}
            label={k.label}
            inputMode={k.mode}
            defaultValue={p[k.name] === null || p[k.name] === undefined ? '' : String(p[k.name])}
            placeholder={'off' in k ? k.off : undefined}
            error={result.errors?.[k.name]}
          />
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? 'Saving…' : 'Apply changes'}
        </Button>
        {result.saved && !pending && <span className="text-sm text-emerald-700">Saved; applies from the next batch.</span>}
        <span className="text-xs text-slate-500">Blank limits are off.</span>
      </div>
      {result.error && !result.errors && <Alert tone="error">{result.error}</Alert>}
    </form>
  );
}
