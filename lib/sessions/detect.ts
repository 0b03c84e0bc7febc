// Proposes session tables: a catalog table matches a preset when its name,
// expiry column (of the right kind) and signature columns all match.
import type { CatalogTable, ExpirySpec } from '../targets/adapter';
import { PRESETS, type SessionPreset } from './presets';

export type DetectedSessionTable = ExpirySpec & { preset: SessionPreset['name'] };

export function detectSessionTables(tables: CatalogTable[]): DetectedSessionTable[] {
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
      preset: preset.name,
    });
  }
  return found;
}
