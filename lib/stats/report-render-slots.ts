// The space report page is the heaviest render of the dashboard (about 25 ms
// of CPU), and a cleanup started from the web runs in this same process: its
// every step waits for the event loop. Fifty viewers reloading the report kept
// fifty renders in flight, each step of the run waited behind all of them, and
// the run went at a quarter of its speed (bench/load-viewers.ts). Rendering
// reports a few at a time serves the same number of pages per second, sooner
// on average, and leaves the run its turn.
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
