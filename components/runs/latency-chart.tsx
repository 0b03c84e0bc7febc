// Batch latency of the last batches as bars. Flat bars are what a healthy run
// looks like; a rising staircase means each batch rescans more than the one
// before. Bars are SVG stretched to the card; every label is HTML, so it stays
// readable at any width (SVG text shrank to 4 px on a phone). Dashed violet
// lines mark the batches from which changed settings applied.
import type { BatchView } from '@/lib/store/runs/run-view';
import type { KnobChange } from '@/lib/cleanup/knob-changes';
import { describeKnobChange } from '@/lib/cleanup/knob-changes';
import { formatCount } from '@/lib/format';
import { formatMs, percentile } from './run-metrics';

const W = 600;
const H = 140;
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

export function LatencyChart({ batches, changes = [] }: { batches: BatchView[]; changes?: KnobChange[] }) {
  const shown = batches.slice(-CHART_BATCHES);
  if (shown.length === 0) {
    return <p className="flex h-36 items-center justify-center text-sm text-slate-500">No batches yet.</p>;
  }
  const ms = shown.map((b) => b.ms);
  const top = niceMax(Math.max(...ms));
  const slots = Math.max(MIN_SLOTS, shown.length);
  const slot = W / slots;
  const barW = Math.max(1, slot - (slot > 3 ? 1 : 0));
  const median = percentile(ms, 0.5)!;
  const p95 = percentile(ms, 0.95)!;
  const y = (v: number) => H - (v / top) * H;
  const axis = (v: number) => (v === 0 ? '0' : v < 10 ? v.toFixed(1).replace(/\.0$/, '') : formatCount(v));
  const first = shown[0]!.n;
  const last = shown.at(-1)!.n;
  // Changes after the first setting, inside the shown window.
  const marks = changes.slice(1).filter((c) => c.fromBatch >= first && c.fromBatch <= last);
  const xOf = (n: number) => (n - first) * slot;
  return (
    <figure className="space-y-2">
      <div className="flex gap-2">
        <div aria-hidden className="flex h-40 w-8 shrink-0 flex-col justify-between text-right text-xs tabular-nums text-slate-500">
          <span className="-mt-1.5">{axis(top)}</span>
          <span>{axis(top / 2)}</span>
          <span className="-mb-1.5">0</span>
        </div>
        <div className="relative min-w-0 flex-1">
          <svg
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            className="block h-40 w-full"
            role="img"
            aria-label={`Batch latency of the last ${shown.length} batches: median ${formatMs(median)}, 95th percentile ${formatMs(p95)}${marks.length ? `; settings changed from batch ${marks.map((m) => formatCount(m.fromBatch)).join(', ')}` : ''}`}
          >
            {[0, 0.5, 1].map((f) => (
              <line key={f} x1={0} x2={W} y1={y(top * f)} y2={y(top * f)} className="stroke-slate-200" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            ))}
            {shown.map((b, i) => (
              <rect key={b.n} x={i * slot} y={y(b.ms)} width={barW} height={Math.max(0.5, H - y(b.ms))} className={b.deleted === 0 ? 'fill-slate-300' : 'fill-sky-600'}>
                <title>{`batch ${formatCount(b.n)}: ${formatCount(b.deleted)} rows in ${formatMs(b.ms)}`}</title>
              </rect>
            ))}
            <line x1={0} x2={W} y1={y(median)} y2={y(median)} className="stroke-amber-500" strokeDasharray="4 3" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            {marks.map((m) => (
              <line key={m.fromBatch} x1={xOf(m.fromBatch)} x2={xOf(m.fromBatch)} y1={0} y2={H} className="stroke-violet-600" strokeDasharray="3 2" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
          {marks.map((m, i) => (
            <span
              key={m.fromBatch}
              data-testid="knob-change-mark"
              className="absolute -top-1 -translate-x-1/2 rounded bg-violet-600 px-1 text-[11px] font-medium leading-4 text-white"
              style={{ left: `${(xOf(m.fromBatch) / W) * 100}%` }}
              title={`from batch ${formatCount(m.fromBatch)}: ${describeKnobChange(m, changes[changes.indexOf(m) - 1])}`}
            >
              {i + 1}
            </span>
          ))}
          {/* Two labels only when the bars spread far enough apart for both; a young run gets one ("batches 1–2"). */}
          <div className="mt-1 flex justify-between whitespace-nowrap text-xs text-slate-500">
            {last === first ? (
              <span>batch {formatCount(first)}</span>
            ) : (xOf(last) + barW) / W < 0.4 ? (
              <span>
                batches {formatCount(first)}–{formatCount(last)}
              </span>
            ) : (
              <>
                <span>batch {formatCount(first)}</span>
                <span style={{ marginRight: `${Math.max(0, 100 - ((xOf(last) + barW) / W) * 100)}%` }}>batch {formatCount(last)}</span>
              </>
            )}
          </div>
        </div>
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <span>milliseconds per batch</span>
        <span>
          <span aria-hidden className="mr-1 inline-block h-0 w-4 border-t border-dashed border-amber-500 align-middle" />
          median {formatMs(median)}
        </span>
        <span>p95 {formatMs(p95)}</span>
        <span>last {formatMs(shown.at(-1)!.ms)}</span>
        <span>
          {shown.length < batches.length || first > 1 ? `last ${shown.length} batches` : `${shown.length} batch${shown.length === 1 ? '' : 'es'}`}
        </span>
      </figcaption>
      {marks.length > 0 && (
        <ol className="space-y-0.5 text-xs text-slate-600">
          {marks.map((m, i) => (
            <li key={m.fromBatch}>
              <span className="mr-1 rounded bg-violet-600 px-1 font-medium text-white">{i + 1}</span>
              from batch {formatCount(m.fromBatch)}: {describeKnobChange(m, changes[changes.indexOf(m) - 1])}
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}
