// The sampling slot of one target for one interval. A process claims the slot
// (a unique row: target + interval start) before it samples the target, so
// several processes running a sampling timer (the web server and each worker)
// take one sample per target per interval between them, never two. A process
// that dies after claiming leaves that interval without a sample: a gap in a
// chart, never a doubled point.
import 'server-only';
import { store } from '../store/client';

export type SlotSource = 'schedule' | 'report';

/** The start of the interval `at` falls in (intervals are aligned to the Unix epoch, so every process agrees). */
export function bucketStart(at: Date, intervalMs: number): Date {
  return new Date(Math.floor(at.getTime() / intervalMs) * intervalMs);
}

/** Claims the slot; true when this caller got it, false when someone already has. */
export async function claimSlot(opts: { target: string; bucketStart: Date; source: SlotSource; owner: string }): Promise<boolean> {
  const db = await store();
  try {
    await db.sizeSampleSlot.create({
      data: { target: opts.target, bucketStart: opts.bucketStart, status: 'claimed', source: opts.source, claimedBy: opts.owner },
    });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') return false; // unique constraint: taken
    throw e;
  }
}

/** Records how the sample went: up, or down with the one-line reason. */
export async function finishSlot(opts: { target: string; bucketStart: Date; up: boolean; error?: string }): Promise<void> {
  const db = await store();
  await db.sizeSampleSlot.updateMany({
    where: { target: opts.target, bucketStart: opts.bucketStart, status: 'claimed' },
    data: { status: opts.up ? 'up' : 'down', error: opts.up ? null : (opts.error ?? 'unknown error').slice(0, 500), finishedAt: new Date() },
  });
}
