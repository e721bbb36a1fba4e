/**
 * Least-squares linear trend of a series against time, with a significance test.
 *
 * The seed compared the means of two halves of a window; a least-squares line uses
 * every sample, gives a rate people can act on ("+3.2 MB/min") and tells how well
 * the line fits (R²).
 *
 * Significance: a trend is significant when BOTH
 *  1. the slope's t-statistic, slope / SE(slope) with SE² = (SSres / (n − 2)) / Sxx,
 *     exceeds the two-sided Student-t critical value at α = 0.01 with n − 2 degrees
 *     of freedom, and
 *  2. R² ≥ `minR2` (default 0.3).
 * The R² gate is there because monitoring samples are autocorrelated: on a day of
 * 1 Hz samples the t-test alone calls a drift of a few bytes "significant". Asking
 * the line to explain a real share of the variance keeps noise "flat".
 */

export type TrendDirection = 'rising' | 'falling' | 'flat';

export interface Trend {
  /** Finite samples fitted. */
  readonly n: number;
  /** Units of the series per minute. */
  readonly slopePerMinute: number;
  /** Fitted value at `fromMs` (the first sample's time). */
  readonly intercept: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Coefficient of determination, 0..1 (0 when the series does not vary). */
  readonly r2: number;
  /** Standard error of the slope, per minute. */
  readonly slopeStdErr: number;
  /** slope / standard error; ±Infinity on an exact line. */
  readonly tStat: number;
  readonly significant: boolean;
  /** 'rising' or 'falling' only when significant. */
  readonly direction: TrendDirection;
}

export interface TrendOptions {
  /** Minimum R² for a significant trend (default 0.3). */
  readonly minR2?: number;
  /** Fewer finite samples than this give a flat, insignificant trend (default 5, at least 3). */
  readonly minSamples?: number;
}

const MS_PER_MINUTE = 60_000;

/** Fits values against times (ms); non-finite pairs are skipped. Never throws. */
export function linearTrend(times: ArrayLike<number>, values: ArrayLike<number>, options: TrendOptions = {}): Trend {
  const len = Math.min(times.length, values.length);
  let n = 0;
  let sumT = 0;
  let sumY = 0;
  let fromMs = NaN;
  let toMs = NaN;
  for (let i = 0; i < len; i++) {
    const t = times[i]!;
    const y = values[i]!;
    if (Number.isFinite(t) && Number.isFinite(y)) {
      if (n === 0) fromMs = t;
      toMs = t;
      n++;
      sumT += t;
      sumY += y;
    }
  }
  if (n === 0) {
    return flat(0, NaN, NaN, NaN);
  }
  const meanT = sumT / n;
  const meanY = sumY / n;
  // Centred sums (second pass): exact to rounding on synthetic lines even with
  // epoch-millisecond times and byte-sized values.
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < len; i++) {
    const t = times[i]!;
    const y = values[i]!;
    if (Number.isFinite(t) && Number.isFinite(y)) {
      const dx = (t - meanT) / MS_PER_MINUTE;
      const dy = y - meanY;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
  }
  return trendFromSums({ n, fromMs, toMs, meanT, meanY, sxx, sxy, syy }, options);
}

/**
 * What a least-squares fit needs, accumulated by whoever makes the passes: the
 * finite pairs' count, first and last time, means, and centred sums with times in
 * minutes: Sxx = Σdx², Sxy = Σdx·dy, Syy = Σdy² (dx = (t − meanT)/60,000, dy = y − meanY).
 */
export interface CentredSums {
  readonly n: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly meanT: number;
  readonly meanY: number;
  readonly sxx: number;
  readonly sxy: number;
  readonly syy: number;
}

/** The trend from sums accumulated elsewhere (see seriesScan.ts); same rules as linearTrend. */
export function trendFromSums(sums: CentredSums, options: TrendOptions = {}): Trend {
  const minR2 = options.minR2 ?? 0.3;
  const minSamples = Math.max(3, options.minSamples ?? 5);
  const { n, fromMs, toMs, meanT, meanY, sxx, sxy, syy } = sums;
  if (n === 0) {
    return flat(0, NaN, NaN, NaN);
  }
  if (sxx === 0) {
    // All samples at one instant: no slope can be fitted.
    return flat(n, meanY, fromMs, toMs);
  }
  const slope = sxy / sxx;
  const intercept = meanY + (slope * (fromMs - meanT)) / MS_PER_MINUTE;
  const r2 = syy === 0 ? 0 : Math.min(1, (sxy * sxy) / (sxx * syy));
  const ssRes = Math.max(0, syy - slope * sxy);
  const df = n - 2;
  const slopeStdErr = df > 0 ? Math.sqrt(ssRes / df / sxx) : NaN;
  let tStat: number;
  if (slope === 0) {
    tStat = 0;
  } else if (slopeStdErr === 0 || ssRes <= syy * 1e-24) {
    tStat = slope > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  } else {
    tStat = slope / slopeStdErr;
  }
  const significant = n >= minSamples && df > 0 && Math.abs(tStat) >= tCritical99(df) && r2 >= minR2 && syy > 0;
  const direction: TrendDirection = !significant ? 'flat' : slope > 0 ? 'rising' : 'falling';
  return { n, slopePerMinute: slope, intercept, fromMs, toMs, r2, slopeStdErr, tStat, significant, direction };
}

/** The fitted line's value at a time. */
export function trendValueAt(trend: Trend, timeMs: number): number {
  return trend.intercept + (trend.slopePerMinute * (timeMs - trend.fromMs)) / MS_PER_MINUTE;
}

function flat(n: number, level: number, fromMs: number, toMs: number): Trend {
  return {
    n,
    slopePerMinute: 0,
    intercept: level,
    fromMs,
    toMs,
    r2: 0,
    slopeStdErr: NaN,
    tStat: 0,
    significant: false,
    direction: 'flat',
  };
}

/** Two-sided 99% critical values of Student's t for 1..30 degrees of freedom. */
const T99 = [
  63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.25, 3.169, 3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898,
  2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.75,
];

/** Two-sided α = 0.01 critical t; a Cornish–Fisher expansion beyond the table. */
export function tCritical99(df: number): number {
  if (df < 1) {
    return Number.POSITIVE_INFINITY;
  }
  if (df <= T99.length) {
    return T99[Math.floor(df) - 1]!;
  }
  const z = 2.5758293035489;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}
