// A Server-Sent Events stream that polls the store: the shape both progress
// streams (cleanup runs, reclaim operations) share. They read the store, not a
// worker, because the work may run in another process (the CLI, another app
// instance) or in none (paused, interrupted), and every viewer gets the same
// persisted state.
//
// `poll` is called every pollMs until it returns 'end' or the viewer leaves;
// it sends what changed since its last call. A comment line every heartbeatMs
// keeps proxies and the browser from timing out a stream with nothing to say.
import 'server-only';

export const POLL_MS = 500;
export const HEARTBEAT_MS = 15_000;

export type Send = (event: string, data: unknown, id?: number) => void;

export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The resume point: Last-Event-ID (a reconnect) wins over ?after= (the page's first connection). */
export function resumePoint(lastEventId: string | null, after: string | null): number | null {
  for (const v of [lastEventId, after]) {
    if (v !== null && /^\d{1,12}$/.test(v.trim())) return Number(v.trim());
  }
  return null;
}

export const abortableDelay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function pollStream(opts: {
  /** the request's signal: aborted when the viewer goes away */
  signal: AbortSignal;
  /** one round: send what changed; 'end' closes the stream */
  poll: (send: Send, stopped: AbortSignal) => Promise<'continue' | 'end'>;
  /** for the server log when a round throws */
  name: string;
  pollMs?: number;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  const pollMs = opts.pollMs ?? POLL_MS;
  const encoder = new TextEncoder();
  // Aborted by the viewer leaving (request signal) or the stream being cancelled.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (opts.signal.aborted) stop.abort();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const write = (chunk: string) => {
        if (stop.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop.abort(); // the consumer is gone
        }
      };
      const send: Send = (event, data, id) => write(sseFrame(event, data, id));
      const finish = () => {
        clearInterval(heartbeat);
        opts.signal.removeEventListener('abort', onAbort);
        if (!stop.signal.aborted) {
          stop.abort();
          try {
            controller.close();
          } catch {
            // already closed by the consumer
          }
        }
      };
      heartbeat = setInterval(() => write(': heartbeat\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);

      void (async () => {
        write('retry: 2000\n\n');
        while (!stop.signal.aborted) {
          if ((await opts.poll(send, stop.signal)) === 'end') break;
          await abortableDelay(pollMs, stop.signal);
        }
      })()
        .catch((e: unknown) => {
          console.error(`${opts.name} event stream failed:`, e);
          send('stream-error', { message: 'The progress stream failed; reconnecting.' });
        })
        .finally(finish);
    },
    cancel() {
      clearInterval(heartbeat);
      opts.signal.removeEventListener('abort', onAbort);
      stop.abort();
    },
  });
}

/** The response headers of an event stream. */
export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: the server's gzip would otherwise buffer the stream.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
