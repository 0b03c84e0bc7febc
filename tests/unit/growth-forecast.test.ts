// The forecast a user reads on the report ("grows 310 MB/week; 18 GB in 30
// days (range …)"), on synthetic histories whose slope is known, and its
// refusals when the history is too short or too noisy.
import { describe, expect, it } from 'vitest';
import { forecastGrowth, leastSquares, tQuantile975, MIN_POINTS, type SizePoint } from '@/lib/history/forecast';
import { describeGrowth } from '@/lib/history/describe-growth';

const DAY = 86_400_000;
const MB = 1024 ** 2;
const GB = 1024 ** 3;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Samples every `everyMs` over `days`, size = start + perDay·t + noise(i). */
function history(opts: { days: number; everyMs?: number; start: number; perDay: number; noise?: (i: number) => number }): SizePoint[] {
  const every = opts.everyMs ?? 15 * 60_000;
  const out: SizePoint[] = [];
  for (let i = 0, t = 0; t <= opts.days * DAY; i++, t += every) out.push({ at: T0 + t, bytes: opts.start + (opts.perDay * t) / DAY + (opts.noise?.(i) ?? 0) });
  return out;
}

/** Deterministic noise in [-1, 1] (a fixed LCG), so a run never depends on luck. */
function noise(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  };
}

describe('growth forecast', () => {
  it('recovers a known weekly growth and forecasts the size in 30 days, with a range around it', () => {
    const perWeek = 310 * MB;
    const rnd = noise(7);
    const points = history({ days: 14, start: 10 * GB, perDay: perWeek / 7, noise: () => rnd() * 20 * MB });
    const f = forecastGrowth(points);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.perWeek / perWeek).toBeCloseTo(1, 2);
    const expected = 10 * GB + (perWeek / 7) * (14 + 30);
    expect(Math.abs(f.bytes - expected) / expected).toBeLessThan(0.005);
    expect(f.low).toBeLessThan(expected);
    expect(f.high).toBeGreaterThan(expected);
    expect(f.flat).toBe(false);
    // 20 MB of noise on 11.9 GB: a range narrower than the rounding is given as its half-width.
    expect(describeGrowth('django_session', f)).toMatch(/^django_session grows 3(09|10|11) MB\/week; 11\.\d GB in 30 days \(range ±\d+(\.\d)? MB\)\.$/);
  });

  it('gives a wide enough range as its two ends', () => {
    const rnd = noise(5);
    const f = forecastGrowth(history({ days: 10, everyMs: 3_600_000, start: 100 * MB, perDay: 2 * MB, noise: () => rnd() * 5 * MB }));
    expect(f.ok && describeGrowth('orders', f)).toMatch(/^orders grows 1[34]\.\d MB\/week; 1[78]\d MB in 30 days \(range 1\d\d MB–1\d\d MB\)\.$/);
  });

  it('says a shrinking table shrinks', () => {
    const f = forecastGrowth(history({ days: 3, everyMs: 3_600_000, start: 5 * GB, perDay: -20 * MB }));
    expect(f.ok && f.perDay).toBeCloseTo(-20 * MB, -3);
    expect(f.ok && describeGrowth('t', f)).toMatch(/^t shrinks 140 MB\/week/);
  });

  it('calls a table with no growth steady rather than inventing a trend', () => {
    const rnd = noise(3);
    const f = forecastGrowth(history({ days: 5, start: 2 * GB, perDay: 0, noise: () => rnd() * MB }));
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.flat).toBe(true);
    expect(describeGrowth('sessions', f)).toMatch(/^sessions holds steady/);
  });

  it('fits only the samples since the last cleanup', () => {
    const before = history({ days: 10, everyMs: 3_600_000, start: 8 * GB, perDay: 100 * MB });
    const after = history({ days: 5, everyMs: 3_600_000, start: 2 * GB, perDay: 50 * MB }).map((p) => ({ at: p.at + 11 * DAY, bytes: p.bytes }));
    const f = forecastGrowth([...before, ...after]);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.sinceDrop).toBe(true);
    expect(f.perDay / (50 * MB)).toBeCloseTo(1, 3);
  });

  it('refuses when the history spans less than a day or has too few samples, and says so', () => {
    const short = forecastGrowth(history({ days: 0.5, start: GB, perDay: 100 * MB }));
    expect(short).toMatchObject({ ok: false, reason: 'short' });
    expect(!short.ok && short.message).toMatch(/Too little history for a forecast: \d+ samples over 12 h; it needs at least 6 samples over 24 h\./);
    const few = forecastGrowth(history({ days: 4, everyMs: DAY, start: GB, perDay: 100 * MB }));
    expect(few.ok).toBe(false);
    expect(few.ok === false && few.reason).toBe('short');
    // five daily samples: a long enough span, too few samples
    expect(few.ok === false && few.message).toContain(`at least ${MIN_POINTS} samples`);
    expect(forecastGrowth([])).toMatchObject({ ok: false, reason: 'short' });
  });

  it('refuses a history that jumps around, naming the width of the range', () => {
    const rnd = noise(11);
    // ±60 % swings around 1 GB (a table filled and emptied in bulk), a slight trend.
    const f = forecastGrowth(history({ days: 7, everyMs: 3_600_000, start: GB, perDay: MB, noise: () => rnd() * 0.6 * GB }));
    expect(f).toMatchObject({ ok: false, reason: 'noisy' });
    expect(!f.ok && f.message).toMatch(/^Sizes jump around too much for a forecast: the 30-day range would be ±\d+ % \(R² 0\.\d\d\)/);
    expect(describeGrowth('queue', f)).toMatch(/^queue: no forecast\. Sizes jump around/);
  });

  it('least squares is exact on a line, and the t quantile matches the table', () => {
    const fit = leastSquares([0, 1, 2, 3].map((i) => ({ at: T0 + i * DAY, bytes: 100 + 10 * i })));
    expect(fit.b * DAY).toBeCloseTo(10, 9);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.s).toBeCloseTo(0, 6);
    // Student's t 97.5 % quantiles from the printed tables.
    for (const [df, t] of [[4, 2.776], [10, 2.228], [30, 2.042], [1000, 1.962]] as const) expect(Math.abs(tQuantile975(df) - t) / t).toBeLessThan(0.005);
  });
});
