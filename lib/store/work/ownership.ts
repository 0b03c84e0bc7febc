// Who owns a piece of long work (a cleanup run, a maintenance operation) and
// when that owner is gone. One lease for every kind: the worker stores an
// owner id (host:pid:nonce) and beats every few seconds; the work counts as
// interrupted when its owner process is gone on this host, or when its
// heartbeat is older than STALE_MS whatever the pid. A live pid alone does not
// keep work: a restarted container gets the same pid (often 1) and hostname,
// so the dead worker's pid belongs to the new process.
//
// Work the fleet owns (a run started from the web, a schedule or --detach) is
// not left interrupted: it goes back to the queue, and the next worker takes
// it over from its last batch (lib/fleet). Work a person started in the
// foreground (the CLI) waits for that person's Resume, as before.
//
// Every change of state goes through transition(): an update guarded by the
// statuses it may start from (and the owner, for a worker's own writes), so a
// worker that lost its work sees `false` and stops instead of overwriting.
import 'server-only';
import os from 'node:os';
import { store } from '../client';
import { audit } from '../../audit/record';
import { notifySafely } from '../../alerts/enqueue';
import { notifyOperationEnded, notifyRunEnded } from '../../alerts/notify-run-ended';

/** Workers beat at least every 5 s; three missed beats and more mean the worker is gone. */
export const STALE_MS = 30_000;

export type WorkKind = 'run' | 'operation';

const INTERRUPTED: Record<WorkKind, () => Record<string, unknown>> = {
  run: () => ({ status: 'interrupted', error: 'the process running it stopped; resume to continue from the last batch' }),
  // The server may still have finished the statement after the process died,
  // or rolled it back (VACUUM FULL and OPTIMIZE are all-or-nothing).
  operation: () => ({ status: 'interrupted', finishedAt: new Date(), error: 'the process running it stopped; the database finished or rolled back the statement on its own' }),
};

type Lease = { id: string; owner: string | null; heartbeatAt: Date | null; detached?: boolean };
type Guard = { id: string; status: string | { in: string[] }; owner?: string | null };
// The part of Prisma's run and operation delegates this module uses; both tables share these columns.
type WorkTable = {
  findMany(a: { where: { status: string; id?: string }; select: { id: true; owner: true; heartbeatAt: true; detached?: true } }): Promise<Lease[]>;
  updateMany(a: { where: Guard; data: Record<string, unknown> }): Promise<{ count: number }>;
};

async function table(kind: WorkKind): Promise<WorkTable> {
  const db = await store();
  return (kind === 'run' ? db.run : db.operation) as unknown as WorkTable;
}

async function notifyInterrupted(kind: WorkKind, id: string): Promise<void> {
  await notifySafely(`the interruption of ${kind} ${id}`, () => (kind === 'run' ? notifyRunEnded(id) : notifyOperationEnded(id)));
}

export function ownerId(nonce: string): string {
  return `${os.hostname()}:${process.pid}:${nonce}`;
}

/** Whether the process named by an owner id still lives: null when it ran on another host. */
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

/** The one rule for every kind of long work: its owner process is gone, or it stopped beating. */
export function ownerGone(w: { owner: string | null; heartbeatAt: Date | null }, now = Date.now()): boolean {
  const stale = !w.heartbeatAt || now - w.heartbeatAt.getTime() > STALE_MS;
  return stale || ownerAlive(w.owner) === false;
}

/**
 * Moves work from one of `from` to the state in `data`; with `owner`, only if
 * that worker still owns it. False when the guard did not match (someone else
 * changed it first).
 */
export async function transition(kind: WorkKind, guard: { id: string; from: string[]; owner?: string }, data: Record<string, unknown>): Promise<boolean> {
  const t = await table(kind);
  const where: Guard = { id: guard.id, status: guard.from.length === 1 ? guard.from[0]! : { in: guard.from } };
  if (guard.owner !== undefined) where.owner = guard.owner;
  const r = await t.updateMany({ where, data });
  return r.count === 1;
}

/**
 * Marks running work of this kind whose owner is gone as interrupted (all of
 * it, or the one with `id`), so a read shows it as such and its table is free.
 * The reads in runs/ and operations/ call this first; nothing else needs to.
 * Returns how many were marked.
 */
export async function interruptAbandoned(kind: WorkKind, opts: { id?: string; now?: number } = {}): Promise<number> {
  const t = await table(kind);
  const select = kind === 'run' ? { id: true, owner: true, heartbeatAt: true, detached: true } as const : { id: true, owner: true, heartbeatAt: true } as const;
  const running = await t.findMany({ where: { status: 'running', ...(opts.id ? { id: opts.id } : {}) }, select });
  let n = 0;
  for (const w of running) {
    if (!ownerGone(w, opts.now)) continue;
    // Guarded by the owner read above: a worker that just took the work over keeps it.
    const u = await t.updateMany({ where: { id: w.id, status: 'running', owner: w.owner }, data: w.detached ? requeued(w) : INTERRUPTED[kind]() });
    if (u.count === 1 && w.detached) await recordTakeover(w);
    n += u.count;
    // Only the process whose update marked it tells the webhooks (a fleet run put back on the queue has not ended).
    if (u.count === 1 && !w.detached) await notifyInterrupted(kind, w.id);
  }
  return n;
}

/** A fleet run whose worker is gone goes back to the queue; the next worker settles its last batch and goes on. */
function requeued(w: Lease): Record<string, unknown> {
  return {
    status: 'queued',
    owner: null,
    control: null,
    takeovers: { increment: 1 },
    error: `taken over: its worker ${w.owner ?? '(none)'} stopped ${w.heartbeatAt ? `beating at ${w.heartbeatAt.toISOString()}` : 'before its first beat'}; the next worker continues from the last batch`,
  };
}

async function recordTakeover(w: Lease) {
  await audit({ actor: 'fleet', action: 'cleanup.takeover', target: `run:${w.id}`, detail: { runId: w.id, deadOwner: w.owner, lastBeat: w.heartbeatAt?.toISOString() ?? null }, outcome: 'ok' }).catch(() => undefined);
}
