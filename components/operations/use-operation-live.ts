'use client';
// The operation page's state: React Query holds the operation, seeded by the
// server render and kept current by its Server-Sent Events (see
// lib/reclaim/operation-events). The browser reconnects on its own with
// Last-Event-ID, the last attempt event it has.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { OperationView } from '@/lib/reclaim/operation-view';
import type { Connection } from '@/components/runs/use-run-live';

export const isOperationFinished = (s: string) => s === 'completed' || s === 'failed' || s === 'interrupted';
export const operationKey = (id: string) => ['operation', id] as const;

export function setOperation(qc: QueryClient, op: OperationView) {
  qc.setQueryData<OperationView>(operationKey(op.id), op);
}

export function useOperationLive(initial: OperationView): { operation: OperationView; connection: Connection } {
  const id = initial.id;
  const qc = useQueryClient();
  const { data } = useQuery({
    queryKey: operationKey(id),
    queryFn: async (): Promise<OperationView> => {
      const r = await fetch(`/api/operations/${encodeURIComponent(id)}`, { cache: 'no-store' });
      if (!r.ok) throw new Error(`operation ${r.status}`);
      return r.json();
    },
    initialData: initial,
    staleTime: Infinity,
  });
  const finishedAtLoad = isOperationFinished(initial.status);
  const [connection, setConnection] = useState<Connection>(finishedAtLoad ? 'closed' : 'connecting');

  useEffect(() => {
    if (finishedAtLoad) return;
    const after = qc.getQueryData<OperationView>(operationKey(id))?.events.at(-1)?.n ?? 0;
    const es = new EventSource(`/api/operations/${encodeURIComponent(id)}/events?after=${after}`);
    const close = () => {
      es.close();
      setConnection('closed');
    };
    es.onopen = () => setConnection('live');
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    // Every snapshot carries the whole operation, its attempt events included.
    es.addEventListener('operation', (e) => setOperation(qc, JSON.parse((e as MessageEvent).data)));
    es.addEventListener('end', close);
    es.addEventListener('gone', close);
    return () => es.close();
  }, [id, qc, finishedAtLoad]);

  return { operation: data, connection };
}
