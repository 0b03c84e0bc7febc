// Inside a run thread: starts or resumes one run with the same code the CLI
// uses, tells the web server the outcome of the start (the run's id, or the
// error a user should see), then works the run to its end and exits.
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../errors';
import { closeStore } from '../store/client';
import { closeAllTargets } from '../targets/registry';
import { resumeCleanupRun, startCleanupRun, type StartedRun } from './start-run';
import type { RunThreadReply, RunThreadRequest } from './run-on-thread';

const request = workerData as RunThreadRequest;
const reply = (m: RunThreadReply) => parentPort!.postMessage(m);

let started: StartedRun | null = null;
try {
  started =
    request.op === 'start'
      ? await startCleanupRun(request.input)
      : await resumeCleanupRun({ runId: request.runId, startedBy: request.startedBy });
  reply({ ok: true, runId: started.runId });
} catch (e) {
  // Not an AppError: a bug; the web server logs it (redacted) and shows a generic failure.
  reply(isAppError(e) ? { ok: false, message: e.message, kind: e.kind, details: e.details } : { ok: false, message: String((e as Error)?.stack ?? e), kind: null });
}
// The run's outcome is in the store and the audit log; the thread only has to outlive it.
if (started) await started.done.catch((e: unknown) => console.error(`janitor: cleanup run ${started.runId} worker failed: ${(e as Error)?.message ?? e}`));
// Pools left open would keep the thread alive after its run; then end it outright.
await Promise.allSettled([closeAllTargets(), closeStore()]);
process.exit(0);
