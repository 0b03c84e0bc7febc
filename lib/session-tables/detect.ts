// Proposes session tables: a catalog table matches a preset when its name,
// expiry column (of the right kind) and signature columns all match.
import type { CatalogTable } from '../targets/adapter';
import type { ExpirySpec } from './expiry-spec';
import { PRESETS, type SessionPreset } from './presets';
import { chooseZone, type TimestampZone } from './timestamp-zone';

export type DetectedSessionTable = ExpirySpec & { preset: SessionPreset['name'] };

/** `targetZone`: the target's configured zone for naive timestamps, which wins over the preset's (timestamp-zone.ts). */
export function detectSessionTables(tables: CatalogTable[], opts: { targetZone?: TimestampZone | null; given?: TimestampZone | null } = {}): DetectedSessionTable[] {
  const found: DetectedSessionTable[] = [];
  for (const t of tables) {
    const cols = new Map(t.columns.map((c) => [c.name.toLowerCase(), c]));
    const preset = PRESETS.find((p) => {
      if (p.table !== t.table.toLowerCase()) return false;
      const expiry = cols.get(p.expiryColumn);
      if (!expiry || expiry.kind !== p.expiryKind) return false;
      return p.signature.every((s) => cols.has(s));
    });
    if (!preset) continue;
    found.push({
      schema: t.schema,
      table: t.table,
      expiryColumn: cols.get(preset.expiryColumn)!.name,
      expiryType: preset.expiryType,
      ttlSeconds: preset.defaultTtlSeconds,
      timestampZone: chooseZone({ given: opts.given, target: opts.targetZone, preset: preset.zone }),
      preset: preset.name,
    });
  }
  return found;
}
