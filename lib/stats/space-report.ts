// Assembles the space report of one target: a handful of catalog queries run
// side by side (no per-table loops), plus one count per detected session table.
import type { TargetAdapter } from '../targets/adapter';
import type { TimestampZone } from '../session-tables/timestamp-zone';
import { detectSessionTables } from '../session-tables/detect';
import { PRESET_TABLE_NAMES } from '../session-tables/presets';
import type { SessionTableStat, SpaceReport, SpaceReportJson } from './types';

export async function getSpaceReport(
  adapter: TargetAdapter,
  /** timestampZone: the operator's zone for naive timestamps, over the target's and the presets' */
  opts: { now?: Date; exactCountMaxRows?: number; timestampZone?: TimestampZone } = {},
): Promise<SpaceReport> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const [serverVersion, database, tables, idx, catalog] = await Promise.all([
    adapter.serverVersion(),
    adapter.database(),
    adapter.tables(),
    adapter.indexes(),
    adapter.catalogTables({ names: PRESET_TABLE_NAMES }),
  ]);
  const detected = detectSessionTables(catalog, { targetZone: adapter.timestampZone, given: opts.timestampZone });
  const sessionTables: SessionTableStat[] = await Promise.all(
    detected.map(async (d) => {
      const c = await adapter.countSessions(d, { now, exactMaxRows: opts.exactCountMaxRows ?? 5_000_000 });
      return {
        schema: d.schema,
        table: d.table,
        preset: d.preset,
        expiryColumn: d.expiryColumn,
        expiryType: d.expiryType,
        ttlSeconds: d.ttlSeconds,
        expired: c.expired,
        live: c.live,
        total: c.total,
        exact: c.exact,
      };
    }),
  );
  tables.sort((a, b) => b.totalBytes - a.totalBytes);
  idx.indexes.sort((a, b) => b.bytes - a.bytes);
  return {
    dialect: adapter.dialect,
    database,
    serverVersion,
    tables,
    indexes: idx.indexes,
    sessionTables,
    bloatNote: idx.note,
    takenAt: now.toISOString(),
    ms: Math.round(performance.now() - started),
  };
}

/** The exact JSON shape promised by `janitor stats --json`. */
export function toReportJson(r: SpaceReport): SpaceReportJson {
  return {
    dialect: r.dialect,
    database: { name: r.database.name, sizeBytes: r.database.sizeBytes },
    tables: r.tables.map((t) => ({
      schema: t.schema,
      name: t.name,
      rowEstimate: t.rowEstimate,
      tableBytes: t.tableBytes,
      indexBytes: t.indexBytes,
      toastBytes: t.toastBytes,
      totalBytes: t.totalBytes,
      deadRows: t.deadRows,
      freeBytes: t.freeBytes,
    })),
    indexes: r.indexes.map((i) => ({
      schema: i.schema,
      table: i.table,
      name: i.name,
      bytes: i.bytes,
      bloatBytes: i.bloatBytes,
      bloatRatio: i.bloatRatio,
      bloatMethod: i.bloatMethod,
    })),
    sessionTables: r.sessionTables.map((s) => ({
      schema: s.schema,
      table: s.table,
      preset: s.preset,
      expiryColumn: s.expiryColumn,
      expired: s.expired,
      live: s.live,
      total: s.total,
    })),
  };
}
