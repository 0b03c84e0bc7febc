// Growth of one target from its stored history: the database's total and the
// series of the tables asked for (those a page lists, plus the ones that grew
// the most lately), each with its forecast. The forecast always looks at the
// last WINDOW_DAYS, whatever range the chart shows.
import 'server-only';
import { databaseSeries, growthLeaders, tableSeries, type TableKey } from './read-history';
import { forecastGrowth, WINDOW_DAYS, type Forecast, type SizePoint } from './forecast';

export type SeriesGrowth = { points: SizePoint[]; forecast: Forecast };
export type TableGrowth = SeriesGrowth & { schema: string; table: string };

/** How far back "grew the most lately" looks: the fine samples' span. */
const LEADERS_DAYS = 7;

export async function targetGrowth(opts: { target: string; days: number; tables?: TableKey[]; leaders: number; now?: Date }): Promise<{ database: SeriesGrowth; tables: TableGrowth[] }> {
  const now = opts.now ?? new Date();
  const fetchDays = Math.max(opts.days, WINDOW_DAYS);
  const from = now.getTime() - opts.days * 86_400_000;
  const leaders = await growthLeaders({ target: opts.target, days: LEADERS_DAYS, limit: opts.leaders, now });
  const wanted = new Map([...(opts.tables ?? []), ...leaders].map((t) => [`${t.schema}.${t.table}`, t]));
  const [db, tables] = await Promise.all([
    databaseSeries({ target: opts.target, days: fetchDays, now }),
    tableSeries({ target: opts.target, days: fetchDays, tables: [...wanted.values()], now }),
  ]);
  const shown = (points: SizePoint[]) => points.filter((p) => p.at >= from);
  return {
    database: { points: shown(db), forecast: forecastGrowth(db) },
    tables: [...tables.values()].map((t) => ({ schema: t.schema, table: t.table, points: shown(t.points), forecast: forecastGrowth(t.points) })),
  };
}
