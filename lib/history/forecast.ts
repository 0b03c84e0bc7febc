// Growth and a forecast of one size series (a table, or a database's total).
//
// Why ordinary least squares: size grows roughly linearly over weeks (rows are
// added at a rate set by traffic), and OLS gives, in closed form, both the
// rate and a prediction interval for a future reading from the residuals
// (Student's t, n − 2 degrees of freedom), so the range shown is the fit's own
// honest uncertainty rather than a guessed ±%. Theil–Sen would shrug off
// outliers better but needs a bootstrap for its range; the outliers that
// matter here are cleanups (a step down), and those are cut off instead: the
// fit uses only the samples since the last drop of more than DROP_SHARE.
//
// Caveat: samples 15 minutes apart are not independent, so the interval is
// somewhat too narrow; refusing wide intervals (TOO_NOISY_SHARE) and short
// spans keeps what is shown on the safe side.

export type SizePoint = { at: number; bytes: number };

export const WINDOW_DAYS = 30;
export const HORIZON_DAYS = 30;
/** Less than this span (or MIN_POINTS samples) since the window's start: too short to say. */
export const MIN_SPAN_MS = 24 * 3_600_000;
export const MIN_POINTS = 6;
/** A step down of more than this share is a cleanup or a rewrite: the fit starts after it (lastDrop). */
export const DROP_SHARE = 0.1;
/** Refused when the 95 % range of the forecast is wider than ± this share of the forecast itself. */
export const TOO_NOISY_SHARE = 0.25;

const DAY_MS = 86_400_000;

export type Forecast =
  | {
      ok: true;
      perDay: number;
      perWeek: number;
      /** the size expected HORIZON_DAYS after the last sample, with its 95 % prediction interval */
      at: number;
      bytes: number;
      low: number;
      high: number;
      horizonDays: number;
      r2: number;
      n: number;
      spanDays: number;
      /** the fit starts after a drop (a cleanup or rewrite) */
      sinceDrop: boolean;
      /** true when the growth is within the noise (the range includes no change) */
      flat: boolean;
      /** the fitted line, for predictAt (a chart's shorter horizon) */
      fit: Fit;
    }
  | { ok: false; reason: 'short' | 'noisy'; message: string; perDay?: number };

export function forecastGrowth(points: SizePoint[], opts: { horizonDays?: number } = {}): Forecast {
  const horizonDays = opts.horizonDays ?? HORIZON_DAYS;
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const last = sorted[sorted.length - 1];
  if (!last) return { ok: false, reason: 'short', message: 'No samples yet.' };
  let window = sorted.filter((p) => p.at >= last.at - WINDOW_DAYS * DAY_MS);
  const dropAt = lastDrop(window);
  if (dropAt > 0) window = window.slice(dropAt);
  const sinceDrop = dropAt > 0;
  const span = window[window.length - 1]!.at - window[0]!.at;
  if (window.length < MIN_POINTS || span < MIN_SPAN_MS) {
    const have = `${window.length} sample${window.length === 1 ? '' : 's'} over ${formatSpan(span)}`;
    return {
      ok: false,
      reason: 'short',
      message: `Too little history${sinceDrop ? ' since the last cleanup' : ''} for a forecast: ${have}; it needs at least ${MIN_POINTS} samples over ${formatSpan(MIN_SPAN_MS)}.`,
    };
  }

  const fit = leastSquares(window);
  const target = last.at + horizonDays * DAY_MS;
  const { bytes, half } = predictAt(fit, target);
  const perDay = fit.b * DAY_MS;
  const scale = Math.max(Math.abs(bytes), Math.abs(last.bytes), 1);
  if (half > TOO_NOISY_SHARE * scale) {
    return {
      ok: false,
      reason: 'noisy',
      perDay,
      message: `Sizes jump around too much for a forecast: the ${horizonDays}-day range would be ±${Math.round((half / scale) * 100)} % (R² ${fit.r2.toFixed(2)}); a forecast is shown when it is within ±${TOO_NOISY_SHARE * 100} %.`,
    };
  }
  return {
    ok: true,
    perDay,
    perWeek: perDay * 7,
    at: target,
    bytes: Math.max(0, bytes),
    low: Math.max(0, bytes - half),
    high: Math.max(0, bytes + half),
    horizonDays,
    r2: fit.r2,
    n: fit.n,
    spanDays: span / DAY_MS,
    sinceDrop,
    flat: Math.abs(perDay * horizonDays) < half,
    fit,
  };
}

/**
 * Index of the first sample after the last step down of more than DROP_SHARE,
 * or 0. A step is a cleanup or rewrite: the (up to) STEP_SAMPLES samples after
 * it all lie below every one of the STEP_SAMPLES before it, by DROP_SHARE; a
 * history that merely jumps around has no such clean step, and is left whole
 * for the noise check to refuse.
 */
function lastDrop(points: SizePoint[]): number {
  for (let i = points.length - 1; i > 0; i--) {
    const before = points.slice(Math.max(0, i - STEP_SAMPLES), i).map((p) => p.bytes);
    const after = points.slice(i, i + STEP_SAMPLES).map((p) => p.bytes);
    if (Math.max(...after) < Math.min(...before) * (1 - DROP_SHARE)) return i;
  }
  return 0;
}

const STEP_SAMPLES = 6;

export type Fit = { a: number; b: number; s: number; r2: number; n: number; meanT: number; sxx: number };

/** y = a + b·t by ordinary least squares; s is the residuals' standard error. */
export function leastSquares(points: SizePoint[]): Fit {
  const n = points.length;
  // Centre the times: epoch milliseconds squared lose precision in doubles.
  const t0 = points[0]!.at;
  const meanT = points.reduce((s, p) => s + (p.at - t0), 0) / n;
  const meanY = points.reduce((s, p) => s + p.bytes, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dx = p.at - t0 - meanT;
    const dy = p.bytes - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = meanY - b * (t0 + meanT);
  const sse = Math.max(0, syy - b * sxy);
  const s = n > 2 ? Math.sqrt(sse / (n - 2)) : 0;
  const r2 = syy > 0 ? 1 - sse / syy : 1;
  return { a, b, s, r2, n, meanT: t0 + meanT, sxx };
}

/** The fitted size at `at` and the half-width of the 95 % prediction interval of one reading there. */
export function predictAt(fit: Fit, at: number): { bytes: number; half: number } {
  const bytes = fit.a + fit.b * at;
  const half = tQuantile975(fit.n - 2) * fit.s * Math.sqrt(1 + 1 / fit.n + (at - fit.meanT) ** 2 / fit.sxx);
  return { bytes, half };
}

/**
 * The 97.5 % quantile of Student's t with `df` degrees of freedom, by the
 * Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun
 * 26.7.5); within 0.5 % of the table value from df = 4 on.
 */
export function tQuantile975(df: number): number {
  const z = 1.959963985;
  if (df <= 0) return Infinity;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

function formatSpan(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${Math.round(h)} h` : `${Math.round(h / 24)} days`;
}
