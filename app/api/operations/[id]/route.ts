// One reclaim operation as JSON: what the operation page's client refetches if
// it ever needs the whole state again.
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { getOperation } from '@/lib/store/operations/read-operations';
import { failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { id } = await params;
  const op = id.length <= 64 ? await getOperation(id) : null;
  if (!op) return failure('not-found', 'Operation not found');
  return Response.json(op, { headers: { 'Cache-Control': 'no-store' } });
}
