import 'server-only';
import { store } from '../store/client';

export type AuditRow = { id: number; at: string; actor: string; action: string; target: string | null; detail: string | null; outcome: string };

export async function listAudit(opts: { limit?: number; before?: number; actor?: string; action?: string } = {}): Promise<AuditRow[]> {
  const db = await store();
  const rows = await db.auditLog.findMany({
    where: {
      ...(opts.before ? { id: { lt: opts.before } } : {}),
      ...(opts.actor ? { actor: opts.actor } : {}),
      ...(opts.action ? { action: { startsWith: opts.action } } : {}),
    },
    orderBy: { id: 'desc' },
    take: Math.min(opts.limit ?? 100, 500),
  });
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
