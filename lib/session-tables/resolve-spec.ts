// Turns "this table, maybe with this preset / column" into a full ExpirySpec:
// a preset brings its expiry rule; with neither a preset nor a column the
// catalog is asked which preset the table matches.
import 'server-only';
import { AppError } from '../errors';
import type { TargetAdapter } from '../targets/adapter';
import type { ExpirySpec } from './expiry-spec';
import type { SessionSpecFields } from '../schemas/session-spec';
import { detectSessionTables } from './detect';
import { presetByName } from './presets';
import { chooseZone } from './timestamp-zone';

export type ResolvedSpec = ExpirySpec & { preset: string | null };

export async function resolveSessionSpec(adapter: TargetAdapter, fields: SessionSpecFields, defaultSchema: string): Promise<ResolvedSpec> {
  const schema = fields.schema ?? defaultSchema;
  const given = fields.timestampZone ?? null;
  if (fields.expiryColumn && fields.expiryType) {
    const timestampZone = chooseZone({ given, target: adapter.timestampZone });
    return { schema, table: fields.table, expiryColumn: fields.expiryColumn, expiryType: fields.expiryType, ttlSeconds: fields.ttlSeconds ?? null, timestampZone, preset: null };
  }
  if (fields.preset) {
    const p = presetByName(fields.preset)!;
    const timestampZone = chooseZone({ given, target: adapter.timestampZone, preset: p.zone });
    return { schema, table: fields.table, expiryColumn: p.expiryColumn, expiryType: p.expiryType, ttlSeconds: fields.ttlSeconds ?? p.defaultTtlSeconds, timestampZone, preset: p.name };
  }
  const catalog = await adapter.catalogTables({ names: [fields.table] });
  const match = detectSessionTables(
    catalog.filter((t) => t.schema === schema && t.table === fields.table),
    { targetZone: adapter.timestampZone },
  )[0];
  if (!match) {
    const exists = catalog.some((t) => t.schema === schema && t.table === fields.table);
    throw new AppError(
      exists
        ? `table ${schema}.${fields.table} does not match a session preset; give a preset or an expiry column and type`
        : `table ${schema}.${fields.table} does not exist`,
      exists ? 'input' : 'not-found',
    );
  }
  return { ...match, ttlSeconds: fields.ttlSeconds ?? match.ttlSeconds, timestampZone: given ?? match.timestampZone };
}
