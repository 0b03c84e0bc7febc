import { z } from 'zod';

// Filters of the audit page and its export; anything malformed is ignored rather than an error page.
const text = z.string().trim().max(64).optional().catch(undefined).transform((v) => v || undefined);

export const auditFilterSchema = z.object({
  actor: text,
  action: text,
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;
