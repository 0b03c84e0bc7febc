// What the run page's control actions return: the run as it now stands (so
// the page shows the change at once, before the stream's next snapshot), or
// why nothing changed. runControl is their shared frame.
import 'server-only';
import { z } from 'zod';
import type { RunView } from '../store/runs/run-view';
import type { FieldErrors } from '../cleanup/form-input';
import { getRun } from '../store/runs/read-runs';
import { operatorAction, type Parsed } from './operator-action';

export type RunActionResult = { ok: true; run: RunView | null } | { ok: false; error: string; errors?: FieldErrors };

const runIdSchema = z.string().min(1).max(64);

/** An operator's change to one run: `control` gets the validated id (and whatever `more` parsed). */
export async function runControl<M = undefined>(
  action: string,
  runId: unknown,
  control: (input: { id: string; more: M }, actor: string) => Promise<unknown>,
  more: Parsed<M> = { ok: true, input: undefined as M },
): Promise<RunActionResult> {
  const id = runIdSchema.safeParse(runId);
  const parsed: Parsed<{ id: string; more: M }> = !id.success ? { ok: false, error: 'No such run.' } : more.ok ? { ok: true, input: { id: id.data, more: more.input } } : more;
  const r = await operatorAction({ action, where: id.success ? `run:${id.data}` : undefined, parsed, run: control, revalidate: '/runs' });
  return r.ok ? { ok: true, run: await getRun(id.data!) } : r;
}
