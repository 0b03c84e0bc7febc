// The overview's "Growing fastest": across every target, the tables whose
// stored history forecasts the most growth, each with its forecast sentence
// and, for a session table, what a cleanup would free now. Reads the store
// (and the overview's summary, already taken once per request).
import Link from 'next/link';
import type { TargetInfo } from '@/lib/targets/registry';
import { targetGrowth } from '@/lib/history/target-growth';
import { describeGrowth } from '@/lib/history/describe-growth';
import { targetSummary } from '@/lib/stats/target-summary';
import { formatBytes } from '@/lib/format';
import { Card } from '@/components/ui/card';

const SHOWN = 5;

export async function GrowingTables({ targets }: { targets: TargetInfo[] }) {
  const perTarget = await Promise.all(
    targets.map(async (t) => {
      const [growth, summary] = await Promise.all([targetGrowth({ target: t.name, days: 30, leaders: SHOWN }), targetSummary(t.name)]);
      return growth.tables.flatMap((g) => {
        if (!g.forecast.ok || g.forecast.flat || g.forecast.perWeek <= 0) return [];
        const s = summary.ok ? summary.summary.sessionTables.find((x) => x.schema === g.schema && x.table === g.table) : undefined;
        return [{ target: t.name, ...g, forecast: g.forecast, cleanupBytes: s && s.total > 0 ? (s.expired / s.total) * s.totalBytes : null }];
      });
    }),
  );
  const rows = perTarget.flat().sort((a, b) => b.forecast.perWeek - a.forecast.perWeek);
  return (
    <Card title="Growing fastest">
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No table grows measurably yet. A forecast needs a day of samples whose sizes follow a steady line.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Tables by forecast growth">
          {rows.slice(0, SHOWN).map((r) => (
            <li key={`${r.target}:${r.schema}.${r.table}`} className="py-2 text-sm">
              <Link href={`/targets/${r.target}`} className="break-words text-slate-900 hover:underline">
                <span className="text-slate-500">{r.target}</span> {describeGrowth(r.table, r.forecast)}
              </Link>
              {r.cleanupBytes !== null && r.cleanupBytes > 0 && <p className="text-xs text-slate-500">A cleanup would free ≈ {formatBytes(r.cleanupBytes)} of it now.</p>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
