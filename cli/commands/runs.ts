// janitor runs list [--json] [--limit N]
// janitor runs show ID [--json]   (with the settings each batch ran with)
// janitor runs resume ID [--url URL] [--json]
// janitor runs pause ID | janitor runs cancel ID
import { z } from 'zod';
import { parseFlags } from '../args';
import { printJson, table } from '../output';
import { progressPrinter, reportOutcome, waitForRun } from '../cleanup-progress';
import { getRun, listKnobBatches, listRuns } from '@/lib/store/runs/read-runs';
import { describeKnobChange, knobChanges } from '@/lib/cleanup/knob-changes';
import { resumeCleanupRun } from '@/lib/cleanup/start-run';
import { cancelRun, pauseRun } from '@/lib/cleanup/control-run';
import { AppError } from '@/lib/errors';
import { formatCount, formatDuration } from '@/lib/format';

const USAGE = 'usage: janitor runs list [--json] | runs show ID [--json] | runs resume ID [--url URL] [--json] | runs pause ID | runs cancel ID';
// Any id-shaped word is looked up, so a mistyped id answers "no run X" rather than the usage.
const runId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'run ids are letters and digits, e.g. cmc4k3…');

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
    case 'show': {
      const { flags, positionals } = parseFlags(rest, { json: { type: 'boolean', default: false } }, z.object({ json: z.boolean() }), { positionals: true });
      const id = runId.safeParse(positionals[0]);
      if (positionals.length !== 1 || !id.success) throw new AppError(USAGE, 'input');
      const run = await getRun(id.data);
      if (!run) throw new AppError(`no run ${id.data}`, 'not-found');
      const changes = knobChanges(await listKnobBatches(run.id));
      if (flags.json) return printJson({ ...run, settingsByBatch: changes.map((c) => ({ fromBatch: c.fromBatch, ...c.knobs })) });
      const what = run.kind === 'logout-all' ? 'log everyone out of' : 'cleanup of';
      console.log(`run ${run.id}: ${what} ${run.schema}.${run.table} on ${run.target}, ${run.status}`);
      console.log(`started by ${run.startedBy} at ${(run.startedAt ?? run.createdAt).replace('T', ' ').slice(0, 19)} UTC; ${run.kind === 'logout-all' ? 'every session' : `rows expired before ${run.cutoff?.replace('T', ' ').slice(0, 19)} UTC`}`);
      console.log(`deleted ${formatCount(run.totalDeleted)}${run.expiredAtStart === null ? '' : ` of ${formatCount(run.expiredAtStart)}`} in ${formatCount(run.batchCount)} batches, ${formatDuration(run.activeSeconds)} of work; strategy ${run.strategy ?? '—'}`);
      if (run.error) console.log(`error: ${run.error}`);
      console.log('settings by batch:');
      if (changes.length === 0) console.log(`  (no batches yet) delete count ${formatCount(run.params.deleteCount)}, sleep ${run.params.sleepSeconds} s`);
      changes.forEach((c, i) => {
        const end = changes[i + 1]?.fromBatch;
        console.log(`  ${end ? `batches ${c.fromBatch}-${end - 1}` : `from batch ${c.fromBatch}`}: ${describeKnobChange(c, changes[i - 1])}`);
      });
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
