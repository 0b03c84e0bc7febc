// A size series over time with its forecast: the history as a line, the fit
// continued as a dashed line and its 95 % range as a band, as far ahead as
// the chart looks back (at most the forecast's horizon), so a 7-day chart is
// not mostly future. Drawn in a stretched SVG (strokes keep their width); the scale is HTML
// text around it, so labels stay legible at phone width.
import { predictAt, type Forecast, type SizePoint } from '@/lib/history/forecast';
import { formatBytes } from '@/lib/format';

const W = 600;
const H = 160;
const PAD = 4;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function GrowthChart({ points, forecast, label, days }: { points: SizePoint[]; forecast: Forecast; label: string; days: number }) {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let f: { at: number; bytes: number; low: number; high: number } | null = null;
  if (forecast.ok) {
    const at = last.at + Math.min(days, forecast.horizonDays) * 86_400_000;
    const { bytes, half } = predictAt(forecast.fit, at);
    f = { at, bytes: Math.max(0, bytes), low: Math.max(0, bytes - half), high: bytes + half };
  }
  const t0 = first.at;
  const t1 = Math.max(f ? f.at : last.at, t0 + 1);
  const values = points.map((p) => p.bytes).concat(f ? [f.low, f.high] : []);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    hi += Math.max(1, hi * 0.05);
    lo = Math.max(0, lo - Math.max(1, lo * 0.05));
  }
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - ((v - lo) / (hi - lo)) * (H - 2 * PAD);
  const line = points.map((p) => `${x(p.at).toFixed(1)},${y(p.bytes).toFixed(1)}`).join(' ');
  const area = `${x(t0).toFixed(1)},${H - PAD} ${line} ${x(last.at).toFixed(1)},${H - PAD}`;
  return (
    <figure className="space-y-1">
      <div className="flex gap-2">
        <div className="flex w-16 shrink-0 flex-col justify-between py-0.5 text-right text-[11px] tabular-nums text-slate-500" aria-hidden>
          <span>{formatBytes(hi)}</span>
          <span>{formatBytes(lo)}</span>
        </div>
        <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} preserveAspectRatio="none" role="img" aria-label={label} className="min-w-0 flex-1 rounded bg-slate-50">
          {f && (
            <>
              <polygon
                points={`${x(last.at).toFixed(1)},${y(last.bytes).toFixed(1)} ${x(f.at).toFixed(1)},${y(f.high).toFixed(1)} ${x(f.at).toFixed(1)},${y(f.low).toFixed(1)}`}
                className="fill-amber-100"
              />
              <line x1={x(last.at)} y1={y(last.bytes)} x2={x(f.at)} y2={y(f.bytes)} className="stroke-amber-600" strokeWidth={1.5} strokeDasharray="5 4" vectorEffect="non-scaling-stroke" />
            </>
          )}
          <polygon points={area} className="fill-blue-100" />
          <polyline points={line} fill="none" className="stroke-blue-600" strokeWidth={1.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
        </svg>
      </div>
      <figcaption className="ml-18 flex justify-between gap-2 whitespace-nowrap text-[11px] tabular-nums text-slate-500">
        <span>{day(t0)}</span>
        {f && <span className="hidden sm:inline">now {day(last.at)}</span>}
        <span>{f ? `forecast ${day(f.at)}` : day(last.at)}</span>
      </figcaption>
    </figure>
  );
}
