// The audit log for download: every matching entry, newest first, read in
// pages (listAudit caps a page at 500) up to a hard limit.
import 'server-only';
import { toCsv } from '../csv';
import { listAudit, type AuditRow } from './list';

export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export async function exportAudit(filter: { actor?: string; action?: string }): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  let before: number | undefined;
  while (rows.length < AUDIT_EXPORT_MAX_ROWS) {
    const page = await listAudit({ ...filter, before, limit: 500 });
    rows.push(...page);
    if (page.length < 500) break;
    before = page[page.length - 1]!.id;
  }
  return rows.slice(0, AUDIT_EXPORT_MAX_ROWS);
}

export function auditCsv(rows: AuditRow[]): string {
  return toCsv(['id', 'at', 'actor', 'action', 'target', 'outcome', 'detail'], rows.map((r) => [r.id, r.at, r.actor, r.action, r.target, r.outcome, r.detail]));
}
