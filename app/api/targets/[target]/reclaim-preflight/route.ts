// What a rewrite of one table would give back, from the reclaim preflight:
// the run page asks once a cleanup has completed (the guided flow). Reads only.
import { unauthorized, userFromRequest } from '@/lib/auth/guard';
import { listTargets } from '@/lib/targets/registry';
import { preflightReclaim } from '@/lib/reclaim/preflight';
import { reclaimModes, rewriteMode } from '@/lib/reclaim/modes';
import { reclaimModeSchema, reclaimTableSchema } from '@/lib/schemas/reclaim';
import { errorResponse, failure } from '@/lib/http/error-response';

export const dynamic = 'force-dynamic';

export type ReclaimPreflightSummary = {
  dialect: 'postgres' | 'mysql';
  schema: string;
  table: string;
  mode: string;
  modeLabel: string;
  totalBytes: number;
  expectedBackBytes: number;
  expectedAfterBytes: number;
  estimateMethod: string;
  lockMode: string;
  estimatedSeconds: number;
};

export async function GET(request: Request, { params }: { params: Promise<{ target: string }> }) {
  const user = await userFromRequest(request);
  if (!user) return unauthorized();
  const { target } = await params;
  const info = listTargets().find((t) => t.name === target.toLowerCase());
  if (!info) return failure('not-found', 'Target not found');
  const q = new URL(request.url).searchParams;
  const ref = reclaimTableSchema.safeParse({ schema: q.get('schema') || undefined, table: q.get('table') ?? '' });
  if (!ref.success) return failure('input', ref.error.issues[0]!.message);
  const asked = reclaimModeSchema.safeParse(q.get('mode'));
  // Without a mode (or with the other dialect's), the rewrite that gives disk back on this dialect.
  const mode = asked.success && reclaimModes(info.dialect).includes(asked.data) ? asked.data : rewriteMode(info.dialect);
  try {
    const p = await preflightReclaim({ target: { target: info.name }, schema: ref.data.schema, table: ref.data.table, mode });
    const body: ReclaimPreflightSummary = {
      dialect: p.dialect,
      schema: p.schema,
      table: p.table,
      mode: p.mode,
      modeLabel: p.modeLabel,
      totalBytes: p.facts.totalBytes,
      expectedBackBytes: p.expectedBackBytes,
      expectedAfterBytes: p.expectedAfterBytes,
      estimateMethod: p.estimateMethod,
      lockMode: p.lock.mode,
      estimatedSeconds: p.estimatedSeconds,
    };
    return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
