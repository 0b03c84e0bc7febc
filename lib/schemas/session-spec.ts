// Which table to clean and how its rows expire: a preset, or a custom column.
// Shared by the start form, the server action and the CLI. Names are checked
// against the catalog later (the driver's inspect); here only their shape.
import { z } from 'zod';
import { PRESET_NAMES } from '../session-tables/presets';
import { numberInput } from './number-input';
import { timestampZoneSchema } from '../session-tables/timestamp-zone';

/** Catalog identifiers: printable, no NUL, at most 64 characters (MySQL's limit; PostgreSQL's is 63 bytes). */
export const identifierSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(64, `${what} is at most 64 characters`)
    .refine((s) => !/[\u0000-\u001f]/.test(s), `${what} contains control characters`);

export const sessionSpecSchema = z
  .object({
    schema: identifierSchema('Schema').optional(),
    table: identifierSchema('Table'),
    preset: z.enum(PRESET_NAMES, { error: `Preset must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
    expiryColumn: identifierSchema('Expiry column').optional(),
    expiryType: z.enum(['timestamp', 'epoch-s', 'epoch-ms'], { error: 'Expiry type must be timestamp, epoch-s or epoch-ms' }).optional(),
    ttlSeconds: numberInput('TTL must be a number of seconds')
      .refine(Number.isInteger, 'TTL must be a whole number of seconds')
      .refine((n) => n >= 0, 'TTL must be at least 0')
      .refine((n) => n <= 10 * 365 * 86400, 'TTL must be at most 10 years')
      .optional(),
    timestampZone: timestampZoneSchema.optional(),
  })
  .refine((v) => !(v.preset && v.expiryColumn), { message: 'give either a preset or an expiry column, not both' })
  .refine((v) => !v.expiryColumn || v.expiryType, { message: 'an expiry column needs an expiry type (timestamp, epoch-s or epoch-ms)' });

export type SessionSpecInput = z.input<typeof sessionSpecSchema>;
export type SessionSpecFields = z.output<typeof sessionSpecSchema>;
