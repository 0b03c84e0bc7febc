'use client';
// Cancel for operators. Viewers never get this component, and the action
// checks the role itself.
import { useState, useTransition } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { OperationView } from '@/lib/reclaim/operation-view';
import { cancelOperationAction } from '@/lib/actions/cancel-operation';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { setOperation } from './use-operation-live';

export function CancelOperationButton({ operation }: { operation: OperationView }) {
  const qc = useQueryClient();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  if (operation.status !== 'running' && operation.status !== 'queued') return null;
  if (operation.control === 'cancel') return <span className="text-sm text-slate-600">Cancelling: the server rolls the statement back…</span>;

  const cancel = () =>
    start(async () => {
      setError(null);
      const r = await cancelOperationAction(operation.id);
      if (!r.ok) setError(r.error);
      else if (r.operation) setOperation(qc, r.operation);
      setConfirming(false);
    });

  return (
    <div className="space-y-2">
      {confirming ? (
        <span className="flex items-center gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-900">
          Stop it? The statement is rolled back; the table stays as it was.
          <Button variant="danger" onClick={cancel} disabled={pending}>
            Cancel operation
          </Button>
          <Button variant="ghost" onClick={() => setConfirming(false)} disabled={pending}>
            Keep going
          </Button>
        </span>
      ) : (
        <Button variant="ghost" onClick={() => setConfirming(true)}>
          Cancel operation…
        </Button>
      )}
      {error && <Alert tone="error">{error}</Alert>}
    </div>
  );
}
