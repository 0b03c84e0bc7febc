'use client';
// Resume from the run history: resumes, then opens the run page to watch it.
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { resumeRunAction } from '@/lib/actions/resume-run';
import { Button } from '@/components/ui/button';

export function ResumeButton({ runId }: { runId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        className="px-2 py-0.5 text-xs"
        disabled={pending}
        onClick={() =>
          start(async () => {
            setError(null);
            const r = await resumeRunAction(runId);
            if (r.ok) router.push(`/runs/${runId}`);
            else setError(r.error);
          })
        }
      >
        {pending ? 'Resuming…' : 'Resume'}
      </Button>
      {error && (
        <span role="alert" className="max-w-56 text-right text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
