// janitor runs list [--json] [--limit N]
// janitor runs resume ID [--url URL] [--json]
// janitor runs pause ID | janitor runs cancel ID
import { z } from 'zod';
import { parseFlags } from '../args';
import { printJson, table } from '../output';
import { progressPrinter, reportOutcome, waitForRun } from '../cleanup-progress';
import { getRun, listRuns } from '@/lib/store/runs/read-runs';
import { resumeCleanupRun } from '@/lib/cleanup/start-run';
import { cancelRun, pauseRun } from '@/lib/cleanup/control-run';
import { AppError } from '@/lib/errors';
import { formatCount, formatDuration } from '@/lib/format';

const USAGE = 'usage: janitor runs list [--json] | runs resume ID [--url URL] [--json] | runs pause ID | runs cancel ID';
const runId = z.string().regex(/^[a-z0-9]{10,40}$/, 'run ids look like cmc4k3…');

export async function runsCommand(argv: string[]) {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list': {
      const { flags } = parseFlags(rest, { json: { type: 'boolean', default: false }, limit: { type: 'string' } }, z.object({ json: z.boolean(), limit: z.coerce.number().int().min(1).max(500).default(20) }));
      const runs = await listRuns({ limit: flags.limit });
      if (flags.json) return printJson(runs);
      if (runs.length === 0) return console.log('(no runs yet)');
      console.log(
        table(
          [
            ['id', 'status', 'table', 'target', 'deleted', 'batches', 'time', 'started by', 'started'],
            ...runs.map((r) => [r.id, r.status, `${r.schema}.${r.table}`, r.target, formatCount(r.totalDeleted), String(r.batchCount), formatDuration(r.activeSeconds), r.startedBy, r.createdAt.replace('T', ' ').slice(0, 19)]),
          ],
          ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l', 'l'],
        ),
      );
      return;
    }
    case 'resume': {
      const { flags, positionals } = parseFlags(rest, { url: { type: 'string' }, json: { type: 'boolean', default: false } }, z.object({ url: z.string().max(2000).optional(), json: z.boolean() }), { positionals: true });
      const id = runId.safeParse(positionals[0]);
      if (positionals.length !== 1 || !id.success) throw new AppError(USAGE, 'input');
      let expected: number | null = null;
      const printer = progressPrinter(flags.json, () => expected);
      const run = await resumeCleanupRun({ runId: id.data, target: flags.url ? { url: flags.url } : undefined, startedBy: 'cli', onEvent: (e) => printer.onEvent(e) });
      // Progress counts from the run's start, as the run page does: its expired count then.
      expected = (await getRun(run.runId))?.expiredAtStart ?? null;
      if (flags.json) printJson({ type: 'resume', runId: run.runId, expired: run.prepared.estimate.expired });
      else console.log(`resuming run ${run.runId}: ${formatCount(run.prepared.estimate.expired)} expired rows left`);
      const { outcome, signal } = await waitForRun(run);
      printer.end();
      process.exitCode = reportOutcome(outcome, flags.json, signal);
      return;
    }
    case 'pause':
    case 'cancel': {
      const id = runId.safeParse(rest[0]);
      if (rest.length !== 1 || !id.success) throw new AppError(USAGE, 'input');
      await (sub === 'pause' ? pauseRun(id.data, 'cli') : cancelRun(id.data, 'cli'));
      console.log(`${sub === 'pause' ? 'pause' : 'cancel'} requested for run ${id.data}`);
      return;
    }
    default:
      throw new AppError(USAGE, 'input');
  }
}
