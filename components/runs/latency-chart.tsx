// Batch latency of the last batches as bars, hand-rolled SVG. Flat bars are
// what a healthy run looks like; a rising staircase means each batch rescans
// more than the one before.
import type { BatchView } from '@/lib/store/runs/run-view';
import { formatCount } from '@/lib/format';
import { formatMs, percentile } from './run-metrics';

const W = 640;
const H = 150;
const PAD_LEFT = 40;
const PAD_TOP = 8;
const PAD_BOTTOM = 18;
export const CHART_BATCHES = 200;
/** Fewer batches than this still get bars of this width, so a young run's chart does not look like a smear. */
const MIN_SLOTS = 40;

/** A round top for the y axis: 1, 2, 5 × 10^k at or above the largest value. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * mag >= v) return m * mag;
  return 10 * mag;
}

export function LatencyChart({ batches }: { batches: BatchView[] }) {
  const shown = batches.slice(-CHART_BATCHES);
  if (shown.length === 0) {
    return <p className="flex h-36 items-center justify-center text-sm text-slate-500">No batches yet.</p>;
  }
  const ms = shown.map((b) => b.ms);
  const top = niceMax(Math.max(...ms));
  const plotW = W - PAD_LEFT;
  const plotH = H - PAD_BOTTOM - PAD_TOP;
  const slots = Math.max(MIN_SLOTS, shown.length);
  const slot = plotW / slots;
  const barW = Math.max(1, slot - (slot > 3 ? 1 : 0));
  const median = percentile(ms, 0.5)!;
  const p95 = percentile(ms, 0.95)!;
  const y = (v: number) => PAD_TOP + plotH - (v / top) * plotH;
  const axis = (v: number) => (v === 0 ? '0' : v < 10 ? v.toFixed(1).replace(/\.0$/, '') : formatCount(v));
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-40 w-full" role="img" aria-label={`Batch latency of the last ${shown.length} batches: median ${formatMs(median)}, 95th percentile ${formatMs(p95)}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD_LEFT} x2={W} y1={y(top * f)} y2={y(top * f)} className="stroke-slate-200" strokeWidth={1} />
            <text x={PAD_LEFT - 6} y={y(top * f) + 4} textAnchor="end" className="fill-slate-500 text-[10px]">
              {axis(top * f)}
            </text>
          </g>
        ))}
        {shown.map((b, i) => (
          <rect key={b.n} x={PAD_LEFT + i * slot} y={y(b.ms)} width={barW} height={Math.max(0.5, PAD_TOP + plotH - y(b.ms))} className={b.deleted === 0 ? 'fill-slate-300' : 'fill-sky-600'}>
            <title>{`batch ${formatCount(b.n)}: ${formatCount(b.deleted)} rows in ${formatMs(b.ms)}`}</title>
          </rect>
        ))}
        <line x1={PAD_LEFT} x2={W} y1={y(median)} y2={y(median)} className="stroke-amber-500" strokeDasharray="4 3" strokeWidth={1} />
        <text x={PAD_LEFT} y={H - 4} className="fill-slate-500 text-[10px]">
          batch {formatCount(shown[0]!.n)}
        </text>
        <text x={PAD_LEFT + shown.length * slot} y={H - 4} textAnchor={shown.length > slots / 2 ? 'end' : 'start'} className="fill-slate-500 text-[10px]">
          {formatCount(shown.at(-1)!.n)}
        </text>
      </svg>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <span>milliseconds per batch</span>
        <span>
          <span aria-hidden className="mr-1 inline-block h-0 w-4 border-t border-dashed border-amber-500 align-middle" />
          median {formatMs(median)}
        </span>
        <span>p95 {formatMs(p95)}</span>
        <span>last {formatMs(shown.at(-1)!.ms)}</span>
        <span>
          {shown.length < batches.length || shown[0]!.n > 1 ? `last ${shown.length} batches` : `${shown.length} batch${shown.length === 1 ? '' : 'es'}`}
        </span>
      </figcaption>
    </figure>
  );
}
