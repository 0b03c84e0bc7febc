// Entry point for the scheduler: a scheduled job did not run (its table was
// busy, the target unreachable, a previous run still going …).
import 'server-only';
import { z } from 'zod';
import type { AlertMessage, EventKind } from './events';
import { enqueueEvent } from './enqueue';

const skippedSchema = z.object({
  scheduleId: z.string().min(1).max(200),
  target: z.string().min(1).max(200),
  /** "schema.table", or the table alone */
  table: z.string().min(1).max(400).nullable().optional(),
  reason: z.string().min(1).max(1000),
  at: z.date().optional(),
});

export type ScheduleSkipped = z.input<typeof skippedSchema>;

export async function notifyScheduleSkipped(input: ScheduleSkipped): Promise<number[]> {
  const s = skippedSchema.parse(input);
  const dot = s.table ? s.table.indexOf('.') : -1;
  const schema = s.table && dot > 0 ? s.table.slice(0, dot) : null;
  const table = s.table ? (dot > 0 ? s.table.slice(dot + 1) : s.table) : null;
  const m: AlertMessage & { event: EventKind } = {
    event: 'schedule.skipped',
    severity: 'warning',
    title: `Scheduled job ${s.scheduleId} on ${s.target}${s.table ? ` (${s.table})` : ''} was skipped`,
    lines: [`Reason: ${s.reason}`],
    target: s.target,
    schema,
    table,
    path: `/targets/${encodeURIComponent(s.target)}`,
    at: s.at ?? new Date(),
    details: { scheduleId: s.scheduleId, reason: s.reason },
  };
  return enqueueEvent(m);
}
