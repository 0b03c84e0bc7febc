// Turns "this table, maybe with this preset / column" into a full ExpirySpec:
// a preset brings its expiry rule; with neither a preset nor a column the
// catalog is asked which preset the table matches.
import 'server-only';
import { AppError } from '../errors';
import type { ExpirySpec, TargetAdapter } from '../targets/adapter';
import type { SessionSpecFields } from '../schemas/session-spec';
import { detectSessionTables } from './detect';
import { presetByName } from './presets';

export type ResolvedSpec = ExpirySpec & { preset: string | null };

export async function resolveSessionSpec(adapter: TargetAdapter, fields: SessionSpecFields, defaultSchema: string): Promise<ResolvedSpec> {
  const schema = fields.schema ?? defaultSchema;
  if (fields.expiryColumn && fields.expiryType) {
    return { schema, table: fields.table, expiryColumn: fields.expiryColumn, expiryType: fields.expiryType, ttlSeconds: fields.ttlSeconds ?? null, preset: null };
  }
  if (fields.preset) {
    const p = presetByName(fields.preset)!;
    return { schema, table: fields.table, expiryColumn: p.expiryColumn, expiryType: p.expiryType, ttlSeconds: fields.ttlSeconds ?? p.defaultTtlSeconds, preset: p.name };
  }
  const catalog = await adapter.catalogTables({ names: [fields.table] });
  const match = detectSessionTables(catalog.filter((t) => t.schema === schema && t.table === fields.table))[0];
  if (!match) {
    const exists = catalog.some((t) => t.schema === schema && t.table === fields.table);
    throw new AppError(
      exists
        ? `table ${schema}.${fields.table} does not match a session preset; give a preset or an expiry column and type`
        : `table ${schema}.${fields.table} does not exist`,
      exists ? 'input' : 'not-found',
    );
  }
  return { ...match, ttlSeconds: fields.ttlSeconds ?? match.ttlSeconds };
}
