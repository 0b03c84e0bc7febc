// An action's refusal, with a link to the cleanup run or the operation that
// keeps the table busy when that is the reason.
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';

export function BusyTableAlert({ error, runId, operationId }: { error: string; runId?: string; operationId?: string }) {
  return (
    <Alert tone={runId || operationId ? 'warning' : 'error'}>
      {error}
      {runId && (
        <>
          {' '}
          <Link href={`/runs/${runId}`} className="font-medium underline">
            Open the cleanup run
          </Link>
        </>
      )}
      {operationId && (
        <>
          {' '}
          <Link href={`/operations/${operationId}`} className="font-medium underline">
            Watch the running operation
          </Link>
        </>
      )}
    </Alert>
  );
}

/** True when the page above the form already shows the banner for this run or operation. */
export function alreadyShown(state: { runningRunId?: string; runningOperationId?: string }, shown: { runId?: string; operationId?: string }): boolean {
  return Boolean((state.runningRunId && state.runningRunId === shown.runId) || (state.runningOperationId && state.runningOperationId === shown.operationId));
}
