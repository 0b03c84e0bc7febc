// A run and its recent batches as JSON: what the run page starts from, and
// what its client refetches if it ever needs the whole state again.
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { loadRunState } from '@/lib/cleanup/run-state';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { runId } = await params;
  const state = runId.length <= 64 ? await loadRunState(runId) : null;
  if (!state) return failure('not-found', 'Run not found');
  return Response.json(state, { headers: { 'Cache-Control': 'no-store' } });
}
