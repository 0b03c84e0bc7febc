// Live progress of a run over Server-Sent Events (see lib/cleanup/run-events).
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { getRun } from '@/lib/store/runs/read-runs';
import { resumePoint, runEventStream } from '@/lib/cleanup/run-events';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { runId } = await params;
  if (runId.length > 64 || !(await getRun(runId))) return Response.json({ error: 'Run not found' }, { status: 404 });
  const after = resumePoint(request.headers.get('last-event-id'), new URL(request.url).searchParams.get('after'));
  return new Response(runEventStream({ runId, after, signal: request.signal }), {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: the server's gzip would otherwise buffer the stream.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
