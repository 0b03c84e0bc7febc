// A run whose process died stays "running" in the store. It is marked
// interrupted when its owner process is gone (same host, pid not alive) or its
// heartbeat is older than STALE_MS, so it shows as such and can be resumed.
// A live pid alone does not keep a run: a restarted container gets the same
// pid (often 1) and hostname, so the dead worker's pid belongs to the new
// process. A live worker beats every few seconds whatever its batch is doing.
import 'server-only';
import os from 'node:os';
import { store } from '../client';

/** Workers beat at least every 5 s; three missed beats and more mean the worker is gone. */
export const STALE_MS = 30_000;

export function ownerId(nonce: string): string {
  return `${os.hostname()}:${process.pid}:${nonce}`;
}

/** Whether the process named by an owner id still lives: null when it ran on another host. Shared with maintenance operations. */
export function ownerAlive(owner: string | null): boolean | null {
  if (!owner) return false;
  const [host, pid] = owner.split(':');
  if (host !== os.hostname()) return null; // unknown: another machine
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function markInterruptedRuns(now = Date.now()): Promise<number> {
  const db = await store();
  const running = await db.run.findMany({ where: { status: 'running' }, select: { id: true, owner: true, heartbeatAt: true } });
  let n = 0;
  for (const r of running) {
    const alive = ownerAlive(r.owner);
    const stale = !r.heartbeatAt || now - r.heartbeatAt.getTime() > STALE_MS;
    if (alive === false || stale) {
      const u = await db.run.updateMany({
        where: { id: r.id, status: 'running', owner: r.owner },
        data: { status: 'interrupted', error: 'the process running it stopped; resume to continue from the last batch' },
      });
      n += u.count;
    }
  }
  return n;
}
