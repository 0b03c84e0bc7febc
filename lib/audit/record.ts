// The audit log: every sign-in and every action, including refused ones.
import 'server-only';
import { store } from '../store/client';
import { redact } from '../redact';

export type AuditEntry = {
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  outcome: 'ok' | 'denied' | 'error';
};

export async function audit(entry: AuditEntry): Promise<void> {
  const db = await store();
  await db.auditLog.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail ? redact(JSON.stringify(entry.detail)) : null,
      outcome: entry.outcome,
    },
  });
}
