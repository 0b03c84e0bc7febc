// What the run page's control actions return: the run as it now stands (so
// the page shows the change at once, before the stream's next snapshot), or
// why nothing changed.
import type { RunView } from '../store/runs/run-view';
import type { FieldErrors } from '../cleanup/form-input';

export type RunActionResult = { ok: true; run: RunView | null } | { ok: false; error: string; errors?: FieldErrors };
