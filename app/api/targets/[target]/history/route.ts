// GET /api/targets/:target/history?format=csv|json[&schema=…&table=…][&range=7|30|365]
// The stored size history (no query to the target), a whole target or one table.
import { z } from 'zod';
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { historyRows, rangeSchema } from '@/lib/history/read-history';
import { historyCsv } from '@/lib/history/history-csv';
import { reportFileName } from '@/lib/stats/report-csv';
import { errorResponse, failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

const name = (what: string) => z.string().min(1, `${what} must not be empty`).max(128, `${what} must be at most 128 characters`).optional();
const querySchema = z
  .object({
    format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).default('csv'),
    schema: name('schema'),
    table: name('table'),
    range: rangeSchema.default(365),
  })
  .refine((q) => !q.table || q.schema, { message: 'table needs schema too' });

export async function GET(request: Request, { params }: { params: Promise<{ target: string }> }) {
  if (!(await userFromRequest(request))) return unauthorized();
  const target = (await params).target.toLowerCase();
  const search = new URL(request.url).searchParams;
  const query = querySchema.safeParse(Object.fromEntries([...search.entries()].filter(([k]) => ['format', 'schema', 'table', 'range'].includes(k))));
  if (!query.success) return failure('input', query.error.issues[0]!.message);
  if (!listTargets().some((t) => t.name === target)) return failure('not-found', `unknown target "${target.slice(0, 64)}"`);
  const { format, schema, table, range } = query.data;
  try {
    const rows = await historyRows({ target, schema, table, days: range });
    const now = new Date().toISOString();
    const what = table ? `history-${schema}.${table}`.replace(/[^A-Za-z0-9_.-]/g, '_') : 'history';
    const headers = { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${reportFileName(target, what, now, format)}"` };
    if (format === 'json') {
      return new Response(JSON.stringify({ target, schema: schema ?? null, table: table ?? null, rangeDays: range, rows }, null, 2), {
        headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
      });
    }
    return new Response(historyCsv(rows), { headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' } });
  } catch (e) {
    return errorResponse(e);
  }
}
