// janitor stats (--url URL | --target NAME) [--timestamp-zone utc|server|ZONE] [--json]
import { z } from 'zod';
import { parseFlags, targetFlags, targetSelection } from '../args';
import { printJson, table } from '../output';
import { resolveTarget } from '@/lib/targets/resolve';
import { getSpaceReport, toReportJson } from '@/lib/stats/space-report';
import { env } from '@/lib/env';
import { dialectFacts } from '@/lib/targets/dialect-facts';
import { timestampZoneSchema } from '@/lib/session-tables/timestamp-zone';
import { formatBytes, formatCount, formatPercent } from '@/lib/format';

export async function statsCommand(argv: string[]) {
  const { flags } = parseFlags(
    argv,
    { ...targetFlags, json: { type: 'boolean', default: false }, limit: { type: 'string' }, 'timestamp-zone': { type: 'string' } },
    z.intersection(
      targetSelection,
      z.object({ json: z.boolean(), limit: z.coerce.number().int().min(1).max(100000).default(25), 'timestamp-zone': timestampZoneSchema.optional() }),
    ),
  );
  const adapter = resolveTarget(flags);
  try {
    const report = await getSpaceReport(adapter, { exactCountMaxRows: env().JANITOR_EXACT_COUNT_MAX_ROWS, timestampZone: flags['timestamp-zone'] });
    if (flags.json) return printJson(toReportJson(report));
    const out: string[] = [];
    out.push(`${report.dialect} database "${report.database.name}": ${formatBytes(report.database.sizeBytes)} (${report.tables.length} tables, ${report.indexes.length} indexes)`);
    out.push('', 'Largest tables');
    out.push(
      table(
        [
          ['table', 'rows≈', 'table', 'index', 'toast', 'total', dialectFacts(report.dialect).report.wasteHeading],
          ...report.tables.slice(0, flags.limit).map((t) => [
            `${t.schema}.${t.name}`,
            formatCount(t.rowEstimate),
            formatBytes(t.tableBytes),
            formatBytes(t.indexBytes),
            formatBytes(t.toastBytes),
            formatBytes(t.totalBytes),
            t.deadRows !== null ? formatCount(t.deadRows) : formatBytes(t.freeBytes),
          ]),
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    out.push('', `Largest indexes (bloat: ${report.bloatNote})`);
    out.push(
      table(
        [
          ['index', 'table', 'size', 'bloat', 'ratio', 'method'],
          ...report.indexes.slice(0, flags.limit).map((i) => [i.name, `${i.schema}.${i.table}`, formatBytes(i.bytes), formatBytes(i.bloatBytes), formatPercent(i.bloatRatio), i.bloatMethod]),
        ],
        ['l', 'l', 'r', 'r', 'r', 'l'],
      ),
    );
    out.push('', 'Session tables');
    out.push(
      report.sessionTables.length === 0
        ? '(none detected)'
        : table(
            [
              ['table', 'preset', 'expiry column', 'expired', 'live', 'total'],
              ...report.sessionTables.map((s) => [`${s.schema}.${s.table}`, s.preset, s.expiryColumn, formatCount(s.expired) + (s.exact === false ? ' (est.)' : ''), formatCount(s.live), formatCount(s.total)]),
            ],
            ['l', 'l', 'l', 'r', 'r', 'r'],
          ),
    );
    console.log(out.join('\n'));
  } finally {
    await adapter.close();
  }
}
