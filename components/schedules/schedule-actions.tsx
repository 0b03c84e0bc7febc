'use client';
// Pause / resume / remove for operators. Viewers never get this component, and
// the actions check the role themselves. Remove asks first: it takes the
// schedule's history of occurrences with it (its runs stay).
import { useState, useTransition } from 'react';
import { pauseScheduleAction } from '@/lib/actions/pause-schedule';
import { resumeScheduleAction } from '@/lib/actions/resume-schedule';
import { removeScheduleAction } from '@/lib/actions/remove-schedule';
import type { ScheduleChangeResult } from '@/lib/actions/schedule-change';
import { Button } from '@/components/ui/button';

export function ScheduleActions({ id, paused, table }: { id: string; paused: boolean; table: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const act = (call: (id: string) => Promise<ScheduleChangeResult>) =>
    start(async () => {
      setError(null);
      const r = await call(id);
      if (!r.ok) setError(r.error);
      setConfirming(false);
    });

  return (
    <div className="flex flex-col items-end gap-1">
      {confirming ? (
        <div role="group" aria-label="Confirm removal" className="flex flex-wrap items-center justify-end gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-900">
          <span>Remove the schedule of {table}? Its runs stay.</span>
          <Button variant="danger" onClick={() => act(removeScheduleAction)} disabled={pending}>
            Remove schedule
          </Button>
          <Button variant="ghost" onClick={() => setConfirming(false)} disabled={pending}>
            Keep it
          </Button>
        </div>
      ) : (
        <div className="flex items-center gap-1">
          {paused ? (
            <Button variant="secondary" onClick={() => act(resumeScheduleAction)} disabled={pending}>
              Resume
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => act(pauseScheduleAction)} disabled={pending}>
              Pause
            </Button>
          )}
          <Button variant="ghost" onClick={() => setConfirming(true)} disabled={pending}>
            Remove…
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
