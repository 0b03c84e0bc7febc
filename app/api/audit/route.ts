// GET /api/audit?format=csv|json&actor=…&action=…  — the audit log, for operators.
import { z } from 'zod';
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { auditFilterSchema } from '@/lib/schemas/audit-filter';
import { auditCsv, exportAudit } from '@/lib/audit/export-audit';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

const formatSchema = z.enum(['json', 'csv'], { error: 'format must be json or csv' }).default('csv');

export async function GET(request: Request) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  if (user.role !== 'operator') return failure('forbidden', 'Only operators can read the audit log');
  const search = new URL(request.url).searchParams;
  const format = formatSchema.safeParse(search.get('format') ?? undefined);
  if (!format.success) return failure('input', format.error.issues[0]!.message);
  const filter = auditFilterSchema.parse({ actor: search.get('actor') ?? undefined, action: search.get('action') ?? undefined });
  const rows = await exportAudit(filter);
  const name = `janitor-audit-${new Date().toISOString().slice(0, 10)}.${format.data}`;
  const headers = { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${name}"` };
  if (format.data === 'json') return Response.json(rows, { headers });
  return new Response(auditCsv(rows), { headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' } });
}
