// A schedule as pages and the CLI show it: when it fires next, and how its
// last occurrences went (with their runs' outcomes).
import 'server-only';
import { store } from '../store/client';
import { getScheduleRow, listScheduleRows, recentOccurrences, type OccurrenceRow, type ScheduleRow } from '../store/schedules/schedule-rows';
import { nextOccurrences } from './occurrences';

export type OccurrenceView = { dueAt: string; status: string; reason: string | null; runId: string | null; runStatus: string | null; totalDeleted: number | null };

export type ScheduleView = {
  id: string;
  target: string;
  schema: string;
  table: string;
  preset: string | null;
  cron: string;
  tz: string;
  then: string | null;
  until: string | null;
  paused: boolean;
  createdBy: string;
  createdAt: string;
  next: string[];
  last: OccurrenceView[];
};

export function scheduleView(s: ScheduleRow, last: OccurrenceView[], now = new Date()): ScheduleView {
  const spec = JSON.parse(s.spec) as { preset?: string };
  return {
    id: s.id,
    target: s.target,
    schema: s.schema,
    table: s.table,
    preset: spec.preset ?? null,
    cron: s.cron,
    tz: s.tz,
    then: s.then,
    until: s.until,
    paused: s.paused,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    next: s.paused ? [] : nextOccurrences(s.cron, s.tz, now, 3).map((d) => d.toISOString()),
    last,
  };
}

async function withRuns(rows: OccurrenceRow[]): Promise<OccurrenceView[]> {
  const ids = rows.map((r) => r.runId).filter((x): x is string => !!x);
  const db = await store();
  const runs = ids.length ? await db.run.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, totalDeleted: true } }) : [];
  const byId = new Map(runs.map((r) => [r.id, r]));
  return rows.map((r) => {
    const run = r.runId ? byId.get(r.runId) : undefined;
    // A skipped occurrence points at the run that was in the way, not at one of its own.
    const own = r.status === 'started';
    return { dueAt: r.dueAt.toISOString(), status: r.status, reason: r.reason, runId: r.runId, runStatus: own ? (run?.status ?? null) : null, totalDeleted: own ? (run?.totalDeleted ?? null) : null };
  });
}

export async function listSchedules(): Promise<ScheduleView[]> {
  const rows = await listScheduleRows();
  return Promise.all(rows.map(async (s) => scheduleView(s, await withRuns(await recentOccurrences(s.id, 5)))));
}

export async function getSchedule(id: string): Promise<ScheduleView | null> {
  const s = await getScheduleRow(id);
  return s ? scheduleView(s, await withRuns(await recentOccurrences(s.id, 20))) : null;
}
