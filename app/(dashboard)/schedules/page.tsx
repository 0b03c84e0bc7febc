// Every schedule: when it fires next and how its last occurrences went.
// Everyone signed in sees them; operators add, pause, resume and remove.
import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/guard';
import { listSchedules } from '@/lib/schedules/schedule-view';
import { listTargets } from '@/lib/targets/registry';
import { dialectFacts, modeLabel } from '@/lib/targets/dialect-facts';
import { reclaimModes } from '@/lib/reclaim/modes';
import { PRESETS } from '@/lib/session-tables/presets';
import { CLEANUP_DEFAULTS } from '@/lib/schemas/cleanup-params';
import type { ReclaimMode } from '@/lib/schemas/reclaim';
import { Card } from '@/components/ui/card';
import { ScheduleCard } from '@/components/schedules/schedule-card';
import { AddScheduleForm } from '@/components/schedules/add-schedule-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Schedules' };

export default async function SchedulesPage() {
  const user = await requireUser();
  const operator = user.role === 'operator';
  const schedules = await listSchedules();
  const targets = listTargets();
  const dialectOf = new Map(targets.map((t) => [t.name, t.dialect]));
  const thenLabel = (target: string, then: string | null) => {
    const d = dialectOf.get(target);
    return then && d ? modeLabel(d, then as ReclaimMode) : then;
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Schedules</h1>
        <p className="mt-1 text-sm text-slate-500">
          Cleanups that start on their own at the times of a cron expression. Each time fires once across all workers; a time whose table still has a run going is
          skipped, and times that passed while no worker ran are recorded as missed.
        </p>
      </div>

      {schedules.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
          No schedules yet.{' '}
          {operator ? 'Add one below, or' : 'An operator adds them here, or'} with <code className="text-xs">npx janitor schedules add</code>.
        </p>
      ) : (
        <div className="space-y-4">
          {schedules.map((s) => (
            <ScheduleCard key={s.id} s={s} canChange={operator} thenLabel={thenLabel(s.target, s.then)} />
          ))}
        </div>
      )}

      {operator && (
        <Card title="Add schedule">
          {targets.length === 0 ? (
            <p className="text-sm text-slate-600">
              Schedules run on configured targets: set <code className="text-xs">JANITOR_TARGET_&lt;NAME&gt;</code> and restart.
            </p>
          ) : (
            <AddScheduleForm
              targets={targets.map((t) => ({ name: t.name, dialectName: dialectFacts(t.dialect).name, modes: reclaimModes(t.dialect).map((m) => ({ value: m, label: modeLabel(t.dialect, m) })) }))}
              presets={PRESETS.map((p) => ({ name: p.name, table: p.table, description: p.description }))}
              defaults={{ deleteCount: String(CLEANUP_DEFAULTS.deleteCount), sleepSeconds: String(CLEANUP_DEFAULTS.sleepSeconds) }}
            />
          )}
        </Card>
      )}
    </div>
  );
}
