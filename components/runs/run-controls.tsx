'use client';
// Pause / Resume / Cancel for operators. Viewers never get this component, and
// the actions check the role themselves.
import { useState, useTransition } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { RunView } from '@/lib/store/runs/run-view';
import type { RunActionResult } from '@/lib/actions/run-action-result';
import { pauseRunAction } from '@/lib/actions/pause-run';
import { resumeRunAction } from '@/lib/actions/resume-run';
import { cancelRunAction } from '@/lib/actions/cancel-run';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { setRun } from './use-run-live';

export function RunControls({ run }: { run: RunView }) {
  const qc = useQueryClient();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const act = (fn: (id: string) => Promise<RunActionResult>) =>
    start(async () => {
      setError(null);
      const r = await fn(run.id);
      if (!r.ok) setError(r.error);
      else if (r.run) setRun(qc, r.run);
      setConfirmCancel(false);
    });

  const s = run.status;
  const canPause = s === 'running' && run.control !== 'pause' && run.control !== 'cancel';
  // A cancelled run was stopped for good here; the CLI can still resume one (its Ctrl-C cancels).
  const canResume = s === 'paused' || s === 'interrupted' || s === 'failed';
  const canCancel = s === 'running' || s === 'paused' || s === 'interrupted' || s === 'queued';
  if (!canPause && !canResume && !canCancel && !error) return null;

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {canPause && (
          <Button variant="secondary" onClick={() => act(pauseRunAction)} disabled={pending}>
            Pause
          </Button>
        )}
        {s === 'running' && run.control === 'pause' && <span className="text-sm text-slate-600">Pausing after the current batch…</span>}
        {s === 'running' && run.control === 'cancel' && <span className="text-sm text-slate-600">Cancelling after the current batch…</span>}
        {canResume && (
          <Button onClick={() => act(resumeRunAction)} disabled={pending}>
            Resume
          </Button>
        )}
        {canCancel && run.control !== 'cancel' && !confirmCancel && (
          <Button variant="ghost" onClick={() => setConfirmCancel(true)} disabled={pending}>
            Cancel run…
          </Button>
        )}
        {confirmCancel && (
          <span className="flex items-center gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-900">
            Stop this run for good? Rows already deleted stay deleted.
            <Button variant="danger" onClick={() => act(cancelRunAction)} disabled={pending}>
              Cancel run
            </Button>
            <Button variant="ghost" onClick={() => setConfirmCancel(false)} disabled={pending}>
              Keep going
            </Button>
          </span>
        )}
      </div>
      {error && <Alert tone="error">{error}</Alert>}
    </div>
  );
}
