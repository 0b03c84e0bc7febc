// What a scheduled run does after it completes: the reclaim its schedule asked
// for (--then vacuum | analyze | full | optimize), worked by the same worker,
// with the same checks and lock as any reclaim.
import 'server-only';
import { audit } from '../audit/record';
import { executeReclaim } from '../reclaim/execute';
import type { RunOutcome } from '../cleanup/execute-run';
import { store } from '../store/client';

export async function afterRun(runId: string, outcome: RunOutcome, log: (m: string) => void): Promise<void> {
  if (outcome.status !== 'completed') return;
  const db = await store();
  const run = await db.run.findUnique({ where: { id: runId }, select: { after: true, target: true, schema: true, table: true, startedBy: true } });
  const then = run?.after ? (JSON.parse(run.after) as { then?: string }).then : undefined;
  if (!run || !then) return;
  try {
    const r = await executeReclaim({ target: { target: run.target }, schema: run.schema, table: run.table, params: { mode: then }, startedBy: run.startedBy });
    log(`worker: run ${runId}: ${then} ${r.status}`);
  } catch (e) {
    // Refused (a lock, a conflict): the cleanup itself completed; say why the reclaim did not run.
    const message = (e as Error).message.split('\n')[0]!;
    log(`worker: run ${runId}: ${then} not run: ${message}`);
    await audit({ actor: run.startedBy, action: 'reclaim.start', target: `${run.target}:${run.schema}.${run.table}`, detail: { runId, mode: then, error: message }, outcome: 'error' }).catch(() => undefined);
  }
}
