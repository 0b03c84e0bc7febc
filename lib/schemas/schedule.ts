// A schedule as given in the dashboard's form or `janitor schedules add`:
// which table, how its rows expire, the cleanup's knobs, and when. The cron
// expression and the zone are checked by the library that will evaluate them,
// so what is accepted here is what fires.
import { z } from 'zod';
import { Cron } from 'croner';
import { RECLAIM_MODES } from './reclaim';
import { identifierSchema } from './session-spec';

/** Five fields (minute hour day month weekday), as cron and pg-boss take them. */
export const cronSchema = z
  .string({ error: 'Cron is required' })
  .trim()
  .min(1, 'Cron is required')
  .max(100, 'Cron is at most 100 characters')
  .refine((c) => c.split(/\s+/).length === 5, 'Cron must have five fields: minute hour day month weekday, e.g. "0 3 * * *"')
  .refine((c) => {
    try {
      new Cron(c, { paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'Cron is not a valid cron expression, e.g. "0 3 * * *" for 03:00 every day');

export const timeZoneSchema = z
  .string({ error: 'Time zone is required' })
  .trim()
  .min(1, 'Time zone is required')
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Time zone must be an IANA zone such as Europe/Berlin or UTC');

export const scheduleFieldsSchema = z.object({
  target: identifierSchema('Target'),
  cron: cronSchema,
  tz: timeZoneSchema.default('UTC'),
  then: z.preprocess((v) => (v === '' || v === 'none' ? undefined : v), z.enum(RECLAIM_MODES, { error: `Then must be one of ${RECLAIM_MODES.join(', ')}` }).optional()),
  until: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Until must be a time of day as HH:MM, e.g. 06:00').optional(),
  ),
});

export type ScheduleFields = z.output<typeof scheduleFieldsSchema>;

export const scheduleIdSchema = z.string({ error: 'a schedule id is required' }).min(1, 'a schedule id is required').max(64, 'no such schedule');
