// Live progress of a reclaim operation over Server-Sent Events (see lib/reclaim/operation-events).
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { getOperation } from '@/lib/store/operations/read-operations';
import { operationEventStream } from '@/lib/reclaim/operation-events';
import { resumePoint, sseResponse } from '@/lib/sse/poll-stream';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { id } = await params;
  if (id.length > 64 || !(await getOperation(id))) return failure('not-found', 'Operation not found');
  const after = resumePoint(request.headers.get('last-event-id'), new URL(request.url).searchParams.get('after'));
  return sseResponse(operationEventStream({ operationId: id, after, signal: request.signal }));
}
