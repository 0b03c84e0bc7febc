// An operation whose process died stays "running" in the store. It is marked
// interrupted when its owner process is gone (same host, pid not alive) or its
// heartbeat is older than STALE_MS, so the table is free for the next one.
import 'server-only';
import { store } from '../../store/client';
import { STALE_MS, ownerAlive } from '../../store/runs/mark-interrupted';

export async function markInterruptedOperations(now = Date.now()): Promise<number> {
  const db = await store();
  const running = await db.operation.findMany({ where: { status: 'running' }, select: { id: true, owner: true, heartbeatAt: true } });
  let n = 0;
  for (const o of running) {
    const alive = ownerAlive(o.owner);
    const stale = !o.heartbeatAt || now - o.heartbeatAt.getTime() > STALE_MS;
    if (alive === false || (alive === null && stale)) {
      // The server may still have finished the statement after the process died,
      // or rolled it back (VACUUM FULL and OPTIMIZE are all-or-nothing).
      const u = await db.operation.updateMany({
        where: { id: o.id, status: 'running', owner: o.owner },
        data: { status: 'interrupted', finishedAt: new Date(), error: 'the process running it stopped; the database finished or rolled back the statement on its own' },
      });
      n += u.count;
    }
  }
  return n;
}
