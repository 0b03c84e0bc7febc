'use client';
// The run page's state: React Query holds { run, batches }, seeded by the
// server render and kept current by the run's Server-Sent Events. The browser
// reconnects on its own and sends Last-Event-ID (the last batch it has), so a
// dropped connection resumes without gaps or duplicates.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { BatchView, RunView } from '@/lib/store/runs/run-view';
import { CHART_BATCHES } from './latency-chart';

export type RunState = { run: RunView; batches: BatchView[] };
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

const FINISHED = new Set(['completed', 'cancelled', 'failed']);
export const isFinished = (status: string) => FINISHED.has(status);
export const runKey = (id: string) => ['run', id] as const;

/** Keeps the chart's window; batch numbers only grow, so a number at or below the last one is a repeat. */
function appendBatches(batches: BatchView[], incoming: BatchView[]): BatchView[] {
  const last = batches.at(-1)?.n ?? 0;
  const fresh = incoming.filter((b) => b.n > last);
  return fresh.length ? [...batches, ...fresh].slice(-CHART_BATCHES) : batches;
}

export function setRun(qc: QueryClient, run: RunView) {
  qc.setQueryData<RunState>(runKey(run.id), (s) => (s ? { ...s, run } : s));
}

export function useRunLive(initial: RunState): { state: RunState; connection: Connection } {
  const id = initial.run.id;
  const qc = useQueryClient();
  const { data } = useQuery({
    queryKey: runKey(id),
    queryFn: async (): Promise<RunState> => {
      const r = await fetch(`/api/runs/${encodeURIComponent(id)}`, { cache: 'no-store' });
      if (!r.ok) throw new Error(`run ${r.status}`);
      return r.json();
    },
    initialData: initial,
    staleTime: Infinity,
  });
  const finishedAtLoad = isFinished(initial.run.status);
  const [connection, setConnection] = useState<Connection>(finishedAtLoad ? 'closed' : 'connecting');

  useEffect(() => {
    if (finishedAtLoad) return;
    const after = qc.getQueryData<RunState>(runKey(id))?.batches.at(-1)?.n ?? 0;
    const es = new EventSource(`/api/runs/${encodeURIComponent(id)}/events?after=${after}`);
    // Events come in bursts (every batch since the last poll); they are applied together, once per frame.
    let pendingBatches: BatchView[] = [];
    let pendingRun: RunView | null = null;
    let scheduled: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      scheduled = null;
      const batches = pendingBatches;
      const run = pendingRun;
      pendingBatches = [];
      pendingRun = null;
      qc.setQueryData<RunState>(runKey(id), (s) => (s ? { run: run ?? s.run, batches: batches.length ? appendBatches(s.batches, batches) : s.batches } : s));
    };
    const schedule = () => {
      scheduled ??= setTimeout(flush, 50);
    };
    es.onopen = () => setConnection('live');
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    es.addEventListener('batch', (e) => {
      pendingBatches.push(JSON.parse((e as MessageEvent).data));
      schedule();
    });
    es.addEventListener('run', (e) => {
      pendingRun = JSON.parse((e as MessageEvent).data);
      schedule();
    });
    es.addEventListener('end', () => {
      es.close();
      setConnection('closed');
    });
    es.addEventListener('gone', () => {
      es.close();
      setConnection('closed');
    });
    return () => {
      es.close();
      if (scheduled) clearTimeout(scheduled);
    };
  }, [id, qc, finishedAtLoad]);

  return { state: data, connection };
}
