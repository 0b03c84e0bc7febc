// One schedule: what it cleans and when, what comes next (in its zone, and the
// viewer's), and how its last occurrences went.
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import { formatUtc } from '@/lib/format-time';
import { Badge } from '@/components/ui/badge';
import { cronInWords } from './cron-words';
import { formatInZone } from './zone-time';
import { LocalTime } from './local-time';
import { OccurrenceOutcome } from './occurrence-outcome';
import { ScheduleActions } from './schedule-actions';

export function ScheduleCard({ s, canChange, thenLabel }: { s: ScheduleView; canChange: boolean; thenLabel: string | null }) {
  const words = cronInWords(s.cron);
  const table = `${s.schema}.${s.table}`;
  return (
    <article id={`schedule-${s.id}`} data-testid="schedule" data-schedule-id={s.id} aria-label={`Schedule of ${table} on ${s.target}`} className={`min-w-0 scroll-mt-4 rounded-lg border bg-white shadow-sm ${s.paused ? 'border-slate-200 bg-slate-50/60' : 'border-slate-200'}`}>
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0">
          <h2 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
            <span className="break-all">
              <span className="text-slate-400">{s.schema}.</span>
              {s.table}
            </span>
            <span className="font-normal text-slate-500">on {s.target}</span>
            <Badge tone={s.paused ? 'warning' : 'up'}>{s.paused ? 'paused' : 'active'}</Badge>
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">
            {s.preset ? `${s.preset} preset · ` : ''}added by {s.createdBy} {formatUtc(s.createdAt)}
          </p>
        </div>
        {canChange && <ScheduleActions id={s.id} paused={s.paused} table={table} />}
      </header>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 px-4 py-3 text-sm sm:grid-cols-4">
        <div className="col-span-2 sm:col-span-1">
          <dt className="text-xs font-medium text-slate-500">When</dt>
          <dd className="text-slate-900">
            {words && <span className="block">{words}</span>}
            <code className="rounded bg-slate-100 px-1 text-xs" data-testid="schedule-cron">
              {s.cron}
            </code>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Zone</dt>
          <dd className="break-all text-slate-900">{s.tz}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Window</dt>
          <dd className="text-slate-900">{s.until ? `stops at ${s.until}` : 'runs to the end'}</dd>
        </div>
        <div className="col-span-2 sm:col-span-1">
          <dt className="text-xs font-medium text-slate-500">Then</dt>
          <dd className="text-slate-900">{thenLabel ?? 'nothing'}</dd>
        </div>
      </dl>

      <div className="grid grid-cols-1 gap-4 border-t border-slate-100 px-4 py-3 text-sm md:grid-cols-2">
        <section aria-label="Next runs">
          <h3 className="text-xs font-medium text-slate-500">Next</h3>
          {s.paused ? (
            <p className="mt-1 text-slate-600">Paused: nothing fires until it is resumed.</p>
          ) : (
            <ol className="mt-1 space-y-0.5" data-testid="schedule-next">
              {s.next.map((iso) => (
                <li key={iso} className="tabular-nums text-slate-900">
                  {formatInZone(iso, s.tz)}
                  <LocalTime iso={iso} tz={s.tz} />
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-label="Last runs">
          <h3 className="text-xs font-medium text-slate-500">Last</h3>
          {s.last.length === 0 ? (
            <p className="mt-1 text-slate-600">Not fired yet.</p>
          ) : (
            <ol className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] items-baseline gap-x-3 gap-y-1.5" data-testid="schedule-last">
              {s.last.map((o) => (
                <li key={o.dueAt} className="contents">
                  <span className="tabular-nums text-slate-700">{formatInZone(o.dueAt, s.tz)}</span>
                  <OccurrenceOutcome o={o} />
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </article>
  );
}
