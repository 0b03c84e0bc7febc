// GET /api/metrics: Prometheus text exposition, for a scraper holding
// JANITOR_METRICS_TOKEN (Authorization: Bearer …). No token configured: the
// endpoint is off and answers 404. Values come from the store only.
import { metricsAccess } from '@/lib/metrics/check-token';
import { renderMetrics } from '@/lib/metrics/render-metrics';
import { errorResponse, failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const access = metricsAccess(request.headers.get('authorization'));
  if (access === 'off') return failure('not-found', 'Not found');
  if (access === 'denied') {
    return Response.json({ error: 'A valid bearer token is required' }, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="janitor-metrics"' } });
  }
  try {
    const { body, contentType } = await renderMetrics();
    return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
