// "Growth and forecast" on a target's report: the database's total over the
// chosen range with its forecast, then the tables that grow the most, each
// with its forecast and what a cleanup and a rewrite would give back now.
import Link from 'next/link';
import { loadReport } from '@/lib/stats/load-report';
import { targetGrowth, type TableGrowth } from '@/lib/history/target-growth';
import { describeGrowth, signed } from '@/lib/history/describe-growth';
import { giveBack } from '@/lib/history/give-back';
import { RANGES_DAYS, type RangeDays } from '@/lib/history/read-history';
import { FINE_DAYS } from '@/lib/history/downsample';
import { env } from '@/lib/env';
import { formatBytes } from '@/lib/format';
import { Card } from '@/components/ui/card';
import { GrowthChart } from './growth-chart';

const LISTED = 8;
const BIGGEST = 3;
const FASTEST = 3;

export async function GrowthWidget({ target, days }: { target: string; days: RangeDays }) {
  const outcome = await loadReport(target);
  const report = outcome.ok ? outcome.report : null;
  const shown = report ? [...report.sessionTables, ...report.tables.slice(0, BIGGEST).map((t) => ({ schema: t.schema, table: t.name }))] : [];
  const growth = await targetGrowth({ target, days, tables: shown.map((t) => ({ schema: t.schema, table: t.table })), leaders: FASTEST });
  const every = env().JANITOR_HISTORY_INTERVAL_MINUTES;
  const ranges = (
    <nav aria-label="Chart range" className="flex gap-1 text-xs">
      {RANGES_DAYS.map((d) => (
        <Link key={d} href={`?range=${d}`} scroll={false} aria-current={d === days ? 'true' : undefined} className={`whitespace-nowrap rounded px-2 py-1 ring-1 ${d === days ? 'bg-slate-900 text-white ring-slate-900' : 'ring-slate-300 hover:bg-slate-100'}`}>
          {d} days
        </Link>
      ))}
    </nav>
  );
  const db = growth.database;
  const rows = report ? listedTables(growth.tables, report) : [];
  return (
    <Card title="Growth and forecast" actions={ranges}>
      <div className="space-y-4">
        {db.points.length < 2 ? (
          <p className="text-sm text-slate-500">
            {db.points.length === 0 ? 'No size samples' : 'One size sample'} in the last {days} days. Sizes are sampled every {every} minutes; the line appears with the second sample.
          </p>
        ) : (
          <>
            <div>
              <p className="text-sm font-medium text-slate-800">{describeGrowth('The database', db.forecast)}</p>
              {db.forecast.ok && (
                <p className="text-xs text-slate-500">
                  All tables: {signed(db.forecast.perDay)}/day · fit over {db.forecast.spanDays.toFixed(1)} days{db.forecast.sinceDrop ? ' since the last cleanup' : ''}, R² {db.forecast.r2.toFixed(2)}
                </p>
              )}
            </div>
            <GrowthChart points={db.points} forecast={db.forecast} days={days} label={`Total size of all tables over the last ${days} days`} />
          </>
        )}
        {rows.length > 0 && (
          <ul className="divide-y divide-slate-100" aria-label="Tables by growth">
            {rows.map((r) => (
              <li key={`${r.schema}.${r.table}`} className="grid gap-1 py-2 text-sm sm:grid-cols-[minmax(0,1fr)_auto] sm:gap-4">
                <div className="min-w-0">
                  <p className="break-words text-slate-800">{describeGrowth(r.table, r.forecast)}</p>
                  {r.forecast.ok && <p className="text-xs text-slate-500">{signed(r.forecast.perDay)}/day · fit over {r.forecast.spanDays.toFixed(1)} days{r.forecast.sinceDrop ? ' since the last cleanup' : ''}, R² {r.forecast.r2.toFixed(2)}</p>}
                </div>
                <dl className="flex gap-4 text-xs text-slate-600 sm:text-right">
                  {r.cleanupBytes !== null && (
                    <div>
                      <dt>cleanup frees</dt>
                      <dd className="font-medium tabular-nums text-slate-800">≈ {formatBytes(r.cleanupBytes)}</dd>
                    </div>
                  )}
                  <div>
                    <dt>rewrite gives back</dt>
                    <dd className="font-medium tabular-nums text-slate-800">≈ {formatBytes(r.rewriteBytes)}</dd>
                  </div>
                  <div>
                    <dt>history</dt>
                    <dd>
                      <a href={`/api/targets/${target}/history?${new URLSearchParams({ format: 'csv', schema: r.schema, table: r.table })}`} download className="font-medium text-slate-800 underline-offset-2 hover:underline">
                        CSV
                      </a>
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )}
        <p className="text-xs text-slate-500">
          Sampled every {every} minutes from the catalog; kept at that detail for {FINE_DAYS} days, then one sample a day for a year. Forecast: a straight-line fit
          over the last 30 days (since the last cleanup, if any) with its 95 % range. &ldquo;Cleanup frees&rdquo; is the expired rows&rsquo; share of the table; a
          rewrite (VACUUM FULL / OPTIMIZE) returns index bloat, dead rows and free space to the disk. Both are estimates.
        </p>
      </div>
    </Card>
  );
}

type Report = Extract<Awaited<ReturnType<typeof loadReport>>, { ok: true }>['report'];

/** The session tables, the biggest and the fastest-growing tables (targetGrowth read only those), fastest growth first. */
function listedTables(tables: TableGrowth[], report: Report) {
  const growth = (t: TableGrowth) => (t.forecast.ok ? t.forecast.perWeek : t.forecast.perDay !== undefined ? t.forecast.perDay * 7 : -Infinity);
  return [...tables]
    .sort((a, b) => growth(b) - growth(a))
    .slice(0, LISTED)
    .flatMap((t) => {
      const stat = report.tables.find((s) => s.schema === t.schema && s.name === t.table);
      if (!stat) return [];
      const back = giveBack(stat, report.indexes, report.sessionTables.find((s) => s.schema === t.schema && s.table === t.table));
      return [{ ...t, ...back }];
    });
}
