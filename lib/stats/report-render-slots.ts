// The space report page is the heaviest render of the dashboard (about 25 ms
// of CPU). Fifty viewers reloading the report kept fifty renders in flight:
// every other request of the server (a run's event stream, a Pause click)
// waited behind all of them, and a cleanup then still running on the server's
// event loop went at a quarter of its speed (bench/load-viewers.ts; runs now
// work on the server's worker thread, see fleet/worker-thread). Rendering reports a
// few at a time serves the same number of pages per second, sooner on
// average, and leaves the other requests their turn.
import 'server-only';
import { after } from 'next/server';

export const REPORT_RENDER_SLOTS = 2;
/** A slot comes back when the response has been sent; this bounds a slot held by a stalled client. */
const MAX_HOLD_MS = 10_000;

let busy = 0;
const waiting: Array<() => void> = [];

function giveBack() {
  const next = waiting.shift();
  // Handed straight to the next request in line, or freed.
  if (next) next();
  else busy--;
}

/** Waits for a report render slot, held by this request until its response has been sent. */
export async function reportRenderSlot(): Promise<void> {
  if (busy < REPORT_RENDER_SLOTS) busy++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    clearTimeout(timer);
    giveBack();
  };
  const timer = setTimeout(release, MAX_HOLD_MS);
  try {
    after(release);
  } catch {
    // Outside a request (nothing to wait for): give it back at once.
    release();
  }
}
