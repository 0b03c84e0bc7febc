// Alert deliveries in the store: enqueued pending, claimed by exactly one
// process (a guarded update: only a due pending row, or one whose claim has
// lapsed because its process died mid-send, can be claimed), then settled by
// that claimer alone.
import 'server-only';
import { store } from '../client';
import type { AlertEvent } from '../../alerts/events';

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export type NewDelivery = { webhookId: string; event: AlertEvent; target: string | null; schema: string | null; table: string | null; title: string; body: string };

export type ClaimedDelivery = { id: number; webhookId: string; event: string; title: string; target: string | null; table: string | null; body: string; attempts: number };

export type DeliveryView = {
  id: number;
  webhookId: string;
  webhookName: string;
  event: string;
  title: string;
  target: string | null;
  schema: string | null;
  table: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};

export async function enqueueDeliveries(rows: NewDelivery[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const db = await store();
  const ids: number[] = [];
  for (const r of rows) ids.push((await db.alertDelivery.create({ data: { ...r, status: 'pending' }, select: { id: true } })).id);
  return ids;
}

const SELECT = { id: true, webhookId: true, event: true, title: true, target: true, table: true, body: true, attempts: true } as const;

function dueWhere(now: Date) {
  return { OR: [{ status: 'pending', nextAttemptAt: { lte: now } }, { status: 'sending', claimedUntil: { lt: now } }] };
}

/**
 * Claims up to `limit` due deliveries for `owner` until `leaseMs` from now;
 * each claim counts as an attempt. Two processes may read the same
 * candidates; the guarded update lets only one of them have each.
 */
export async function claimDue(o: { owner: string; limit: number; leaseMs: number; now?: Date; id?: number }): Promise<ClaimedDelivery[]> {
  const db = await store();
  const now = o.now ?? new Date();
  const candidates = await db.alertDelivery.findMany({ where: { ...dueWhere(now), ...(o.id !== undefined ? { id: o.id } : {}) }, select: { id: true }, orderBy: { id: 'asc' }, take: o.limit });
  const claimed: ClaimedDelivery[] = [];
  for (const c of candidates) {
    const u = await db.alertDelivery.updateMany({
      where: { id: c.id, ...dueWhere(now) },
      data: { status: 'sending', claimedBy: o.owner, claimedUntil: new Date(now.getTime() + o.leaseMs), attempts: { increment: 1 } },
    });
    if (u.count !== 1) continue;
    const row = await db.alertDelivery.findUnique({ where: { id: c.id }, select: SELECT });
    if (row) claimed.push(row);
  }
  return claimed;
}

export type AttemptOutcome =
  | { status: 'delivered'; httpStatus: number }
  | { status: 'pending'; httpStatus: number | null; error: string; nextAttemptAt: Date }
  | { status: 'failed'; httpStatus: number | null; error: string };

/** Settles a claimed delivery; false when `owner` no longer holds its claim (it lapsed and another process took it). */
export async function settleDelivery(id: number, owner: string, o: AttemptOutcome): Promise<boolean> {
  const db = await store();
  const data =
    o.status === 'delivered'
      ? { status: 'delivered', lastStatus: o.httpStatus, lastError: null, deliveredAt: new Date(), claimedBy: null, claimedUntil: null }
      : o.status === 'pending'
        ? { status: 'pending', lastStatus: o.httpStatus, lastError: o.error, nextAttemptAt: o.nextAttemptAt, claimedBy: null, claimedUntil: null }
        : { status: 'failed', lastStatus: o.httpStatus, lastError: o.error, claimedBy: null, claimedUntil: null };
  return (await db.alertDelivery.updateMany({ where: { id, status: 'sending', claimedBy: owner }, data })).count === 1;
}

export async function listDeliveries(opts: { limit: number; webhookId?: string }): Promise<DeliveryView[]> {
  const db = await store();
  const rows = await db.alertDelivery.findMany({
    where: opts.webhookId ? { webhookId: opts.webhookId } : {},
    orderBy: { id: 'desc' },
    take: opts.limit,
    include: { webhook: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhookId,
    webhookName: r.webhook.name,
    event: r.event,
    title: r.title,
    target: r.target,
    schema: r.schema,
    table: r.table,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}

/** The stored body of one delivery (tests and the page's "show body"). */
export async function deliveryBody(id: number): Promise<string | null> {
  const db = await store();
  return (await db.alertDelivery.findUnique({ where: { id }, select: { body: true } }))?.body ?? null;
}

/** Forgets settled deliveries older than `days` (the page shows the latest; the audit log keeps every attempt). */
export async function pruneDeliveries(days: number, now = new Date()): Promise<number> {
  const db = await store();
  const before = new Date(now.getTime() - days * 86_400_000);
  return (await db.alertDelivery.deleteMany({ where: { status: { in: ['delivered', 'failed'] }, createdAt: { lt: before } } })).count;
}
