// GET /api/targets/:target/report?format=json|csv&section=tables|indexes|sessions
// JSON is exactly the `janitor stats --json` shape; CSV is one section.
import { z } from 'zod';
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { takeSpaceReport } from '@/lib/stats/take-space-report';
import { toReportJson } from '@/lib/stats/space-report';
import { REPORT_SECTIONS, reportFileName, reportSectionCsv } from '@/lib/stats/report-csv';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).default('json'),
  section: z.enum(REPORT_SECTIONS, { error: 'section must be tables, indexes or sessions' }).default('tables'),
});

export async function GET(request: Request, { params }: { params: Promise<{ target: string }> }) {
  if (!(await userFromRequest(request))) return unauthorized();
  const target = (await params).target.toLowerCase();
  const search = new URL(request.url).searchParams;
  const query = querySchema.safeParse({ format: search.get('format') ?? undefined, section: search.get('section') ?? undefined });
  if (!query.success) return failure('input', query.error.issues[0]!.message);
  if (!listTargets().some((t) => t.name === target)) return failure('not-found', `unknown target "${target.slice(0, 64)}"`);

  const outcome = await takeSpaceReport(target);
  if (!outcome.ok) return failure(outcome.kind, outcome.error);
  const { report } = outcome;
  const { format, section } = query.data;
  const headers = { 'Cache-Control': 'no-store' };
  if (format === 'json') {
    return new Response(JSON.stringify(toReportJson(report), null, 2), {
      headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="${reportFileName(target, 'report', report.takenAt, 'json')}"` },
    });
  }
  return new Response(reportSectionCsv(report, section), {
    headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${reportFileName(target, section, report.takenAt, 'csv')}"` },
  });
}
