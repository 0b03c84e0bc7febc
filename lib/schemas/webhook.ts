// A webhook as an operator types it into the settings form, and the
// threshold rules as stored. Sizes are typed in GB / MB per day and stored
// in bytes.
import { z } from 'zod';
import { EVENT_KINDS } from '../alerts/events';
import { blankToUndefined, numberInput } from './number-input';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The rules as stored (Webhook.thresholds); each one is off when absent. */
export const thresholdsSchema = z.object({
  expiredRowsAbove: z.number().int().min(0).optional(),
  tableBytesAbove: z.number().min(0).optional(),
  growthBytesPerDayAbove: z.number().min(0).optional(),
  forecast: z.object({ bytes: z.number().min(0), withinDays: z.number().int().min(1) }).optional(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** null for text that is no URL (zod still runs the refinements below after .url() failed). */
function asUrl(u: string): URL | null {
  try {
    return new URL(u);
  } catch {
    return null;
  }
}

export const webhookUrlSchema = z
  .string({ error: 'Give the webhook URL.' })
  .trim()
  .min(1, 'Give the webhook URL.')
  .max(2000, 'The URL is too long (2000 characters at most).')
  .url('Give a full URL, e.g. https://hooks.slack.com/services/…')
  .refine((u) => !asUrl(u) || /^https?:$/.test(asUrl(u)!.protocol), 'Only http:// and https:// URLs can receive alerts.')
  .refine((u) => !asUrl(u)?.username && !asUrl(u)?.password, 'Put no user name or password in the URL.');

const optionalNumber = (message: string, min: number, max: number, int = false) =>
  z.preprocess(
    blankToUndefined,
    numberInput(message)
      .refine((n) => n >= min && n <= max && (!int || Number.isInteger(n)), message)
      .optional(),
  );

/** The settings form's fields (text), checked and turned into what is stored. */
export const webhookFormSchema = z
  .object({
    name: z.string({ error: 'Give the webhook a name.' }).trim().min(1, 'Give the webhook a name.').max(80, 'The name is too long (80 characters at most).'),
    url: webhookUrlSchema,
    format: z.enum(WEBHOOK_FORMATS, { error: 'Choose generic JSON or Slack.' }),
    events: z.array(z.enum(EVENT_KINDS, { error: 'Unknown event.' })).max(EVENT_KINDS.length),
    expiredRowsAbove: optionalNumber('Expired sessions: a whole number, 0 or more.', 0, 1e15, true),
    tableSizeGb: optionalNumber('Table size: a number of GB, above 0.', 0.000001, 1e9),
    growthMbPerDay: optionalNumber('Growth: a number of MB per day, above 0.', 0.000001, 1e12),
    forecastGb: optionalNumber('Forecast size: a number of GB, above 0.', 0.000001, 1e9),
    forecastDays: optionalNumber('Forecast days: a whole number from 1 to 3650.', 1, 3650, true),
  })
  .refine((f) => (f.forecastGb === undefined) === (f.forecastDays === undefined), { message: 'Give both the forecast size and the days, or neither.', path: ['forecastGb'] })
  .refine((f) => f.events.length > 0 || f.expiredRowsAbove !== undefined || f.tableSizeGb !== undefined || f.growthMbPerDay !== undefined || f.forecastGb !== undefined, {
    message: 'Choose at least one event or threshold.',
    path: ['events'],
  })
  .transform((f) => ({
    name: f.name,
    url: f.url,
    format: f.format,
    events: [...new Set(f.events)],
    thresholds: {
      ...(f.expiredRowsAbove !== undefined ? { expiredRowsAbove: f.expiredRowsAbove } : {}),
      ...(f.tableSizeGb !== undefined ? { tableBytesAbove: Math.round(f.tableSizeGb * GB) } : {}),
      ...(f.growthMbPerDay !== undefined ? { growthBytesPerDayAbove: Math.round(f.growthMbPerDay * MB) } : {}),
      ...(f.forecastGb !== undefined && f.forecastDays !== undefined ? { forecast: { bytes: Math.round(f.forecastGb * GB), withinDays: f.forecastDays } } : {}),
    } satisfies Thresholds,
  }));

export type WebhookInput = z.output<typeof webhookFormSchema>;
