// The actors and actions present in the audit log, for the filter menus.
import 'server-only';
import { store } from '../store/client';

export async function auditFacets(): Promise<{ actors: string[]; actions: string[] }> {
  const db = await store();
  const [actors, actions] = await Promise.all([
    db.auditLog.findMany({ distinct: ['actor'], select: { actor: true }, orderBy: { actor: 'asc' }, take: 200 }),
    db.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' }, take: 200 }),
  ]);
  return { actors: actors.map((a) => a.actor), actions: actions.map((a) => a.action) };
}
