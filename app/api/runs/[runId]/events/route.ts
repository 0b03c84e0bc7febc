// Live progress of a run over Server-Sent Events (see lib/cleanup/run-events).
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { getRun } from '@/lib/store/runs/read-runs';
import { resumePoint, runEventStream } from '@/lib/cleanup/run-events';
import { sseResponse } from '@/lib/sse/poll-stream';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { runId } = await params;
  if (runId.length > 64 || !(await getRun(runId))) return failure('not-found', 'Run not found');
  const after = resumePoint(request.headers.get('last-event-id'), new URL(request.url).searchParams.get('after'));
  return sseResponse(runEventStream({ runId, after, signal: request.signal }));
}
