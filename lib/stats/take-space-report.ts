// Takes the space report of one configured target for the web (page and
// exports) and records a size sample. Failures come back as a one-line message
// instead of a throw, so a target that is down never breaks the page around it.
import 'server-only';
import { env } from '../env';
import { toUserMessage, isAppError, type ErrorKind } from '../errors';
import { redact } from '../redact';
import { getTarget } from '../targets/registry';
import { getSpaceReport } from './space-report';
import { recordSizeSamples } from './record-size-samples';
import type { SpaceReport } from './types';

export type ReportOutcome = { ok: true; report: SpaceReport } | { ok: false; error: string; kind: ErrorKind };

// Requests for the same target's report while one is being taken share it.
// Fifty people watching a cleanup each took their own: fifty copies of the
// catalog queries and of the session tables' exact counts ran against the very
// database being cleaned, queued for its few pooled connections until they
// timed out (an error panel instead of the report) and slowed the run down
// (bench/load-viewers.ts).
const inFlight = new Map<string, Promise<ReportOutcome>>();

export function takeSpaceReport(target: string): Promise<ReportOutcome> {
  const running = inFlight.get(target);
  if (running) return running;
  const taking = take(target).finally(() => inFlight.delete(target));
  inFlight.set(target, taking);
  return taking;
}

async function take(target: string): Promise<ReportOutcome> {
  let report: SpaceReport;
  try {
    report = await getSpaceReport(getTarget(target), { exactCountMaxRows: env().JANITOR_EXACT_COUNT_MAX_ROWS });
  } catch (e) {
    return failure(e, `space report of "${target}"`);
  }
  // History is a nice-to-have: a store hiccup must not hide the report.
  await recordSizeSamples({ target, report }).catch((e) => logUnexpected(e, `size samples of "${target}"`));
  return { ok: true, report };
}

/** A one-line outcome for the page; bugs (non-AppErrors) also go to the server log, redacted. */
export function failure(e: unknown, what: string): { ok: false; error: string; kind: ErrorKind } {
  if (!isAppError(e)) logUnexpected(e, what);
  return { ok: false, error: toUserMessage(e), kind: isAppError(e) ? e.kind : 'internal' };
}

function logUnexpected(e: unknown, what: string) {
  console.error(`janitor: ${what} failed: ${redact(String((e as Error)?.stack ?? e))}`);
}
