// janitor schedules add --target T --table X [--preset P | expiry flags] --cron "0 3 * * *" [--tz ZONE]
//                       [cleanup flags] [--then vacuum|analyze|full|optimize] [--until HH:MM] [--json]
// janitor schedules list [--json]
// janitor schedules pause|resume|remove ID
import { z } from 'zod';
import { parseFlags } from '../args';
import { printJson, table } from '../output';
import { cleanupFlags, paramsFromFlags, specFromFlags } from './cleanup';
import { createSchedule } from '@/lib/schedules/create-schedule';
import { listSchedules, type ScheduleView } from '@/lib/schedules/schedule-view';
import { changeSchedule } from '@/lib/schedules/change-schedule';
import { AppError } from '@/lib/errors';

const USAGE = 'usage: janitor schedules add --target T --table X --cron "0 3 * * *" [--tz ZONE] … | schedules list [--json] | schedules pause|resume|remove ID';

const { url: _url, 'dry-run': _dry, detach: _detach, ...scheduleCleanupFlags } = cleanupFlags;
const addFlags = { ...scheduleCleanupFlags, cron: { type: 'string' }, tz: { type: 'string' }, then: { type: 'string' }, until: { type: 'string' } } as const;

export async function schedulesCommand(argv: string[]) {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'add': {
      const { flags } = parseFlags(rest, addFlags, z.object({ target: z.string({ error: 'is required (schedules run on configured targets)' }), table: z.string({ error: 'is required' }), cron: z.string({ error: 'is required, e.g. "0 3 * * *"' }), json: z.boolean() }).passthrough());
      const f = flags as Record<string, string | boolean | undefined>;
      const s = await createSchedule({
        schedule: { target: f.target, cron: f.cron, tz: f.tz, then: f.then, until: f.until },
        spec: specFromFlags(f),
        params: paramsFromFlags(f),
        createdBy: 'cli',
      });
      if (f.json) return printJson(s);
      console.log(`schedule ${s.id}: ${s.schema}.${s.table} on ${s.target} at "${s.cron}" (${s.tz})${s.until ? ` until ${s.until}` : ''}${s.then ? `, then ${s.then}` : ''}`);
      console.log(`next: ${s.next.map(local(s.tz)).join(', ')}`);
      return;
    }
    case 'list': {
      const { flags } = parseFlags(rest, { json: { type: 'boolean', default: false } }, z.object({ json: z.boolean() }));
      const all = await listSchedules();
      if (flags.json) return printJson(all);
      if (all.length === 0) return console.log('(no schedules)');
      console.log(
        table(
          [['id', 'table', 'target', 'cron', 'zone', 'state', 'next', 'last'], ...all.map((s) => [s.id, `${s.schema}.${s.table}`, s.target, s.cron, s.tz, s.paused ? 'paused' : 'active', s.next[0] ? local(s.tz)(s.next[0]) : '-', lastOutcome(s)])],
          ['l', 'l', 'l', 'l', 'l', 'l', 'l', 'l'],
        ),
      );
      return;
    }
    case 'pause':
    case 'resume':
    case 'remove': {
      const { positionals } = parseFlags(rest, {}, z.object({}), { positionals: true });
      if (positionals.length !== 1) throw new AppError(`usage: janitor schedules ${sub} ID`, 'input');
      await changeSchedule(positionals[0], sub, 'cli');
      console.log(`schedule ${positionals[0]}: ${sub === 'remove' ? 'removed' : sub === 'pause' ? 'paused' : 'active again'}`);
      return;
    }
    default:
      throw new AppError(sub ? `unknown schedules command "${sub.slice(0, 40)}"; ${USAGE}` : USAGE, 'input');
  }
}

function local(tz: string) {
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return (iso: string) => f.format(new Date(iso));
}

function lastOutcome(s: ScheduleView): string {
  const l = s.last[0];
  if (!l) return '-';
  return `${local(s.tz)(l.dueAt)} ${l.status === 'started' ? (l.runStatus ?? 'queued') : l.status}`;
}
