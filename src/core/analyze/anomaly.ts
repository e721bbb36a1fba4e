/**
 * Adaptive anomaly detection: no threshold is set by hand per metric. Each sample is
 * scored against the series' own recent behaviour, and runs of flagged samples are
 * merged into intervals a person can read ("CPU spiked to 97% at 10:42 for 8 s").
 *
 * Two detectors, chosen by series name (see DETECTOR_TABLE):
 *  - robust z-score (spiky series: CPU, latency, messages/s): the trailing rolling
 *    median and MAD of the previous `windowSamples` values;
 *    score = 0.6745·(x − median) / MAD (Iglewicz & Hoaglin's modified z-score).
 *  - EWMA (slow series: memory, fds, threads, disk): exponentially weighted mean,
 *    σ from successive differences; score = (x − mean) / σ. While a sample is
 *    flagged σ is frozen and only the mean follows, so a slow drift keeps being
 *    flagged (the mean lags it by slope/α) and a level shift is flagged until the
 *    mean has caught up with it.
 */
import * as l10n from '@vscode/l10n';
import { BucketReducer, ReducedBuckets, bucketsOf, downsample } from './downsample';
import { ValueKind, valueKind } from '../seriesKind';

export type AnomalyMethod = 'robust-z' | 'ewma' | 'calibrated';
export type DetectorKind = 'robust' | 'ewma' | 'none';

export interface AnomalyInterval {
  /** Series key (name plus labels). */
  readonly series: string;
  readonly startMs: number;
  /** Time of the last flagged sample (equal to startMs for a single-sample spike). */
  readonly endMs: number;
  /** The value at the peak score. */
  readonly peakValue: number;
  /** Signed score of the most extreme sample. */
  readonly peakScore: number;
  readonly direction: 'high' | 'low';
  readonly method: AnomalyMethod;
  /** Flagged samples (or buckets, on a downsampled window) in the interval. */
  readonly flaggedCount: number;
}

export interface RobustOptions {
  /** Trailing window for median/MAD, in samples (default 60). */
  readonly windowSamples?: number;
  /** |score| above this is flagged (default 3.5). */
  readonly threshold?: number;
  /** Samples needed in the window before anything is scored (default 20). */
  readonly warmupSamples?: number;
  /**
   * The spread is never taken below this fraction of |median| (default 0.01), so a
   * near-flat series does not turn each tiny wobble into an anomaly.
   */
  readonly minRelativeScale?: number;
}

export interface EwmaOptions {
  /** Weight of the newest sample in the mean (default 0.05: a memory of roughly 40 samples). */
  readonly alpha?: number;
  /** Weight of the newest successive difference in σ² (default: alpha). */
  readonly alphaVariance?: number;
  readonly threshold?: number;
  /** Samples averaged plainly before scoring starts (default 30). */
  readonly warmupSamples?: number;
  /** σ is never taken below this fraction of |mean| (default 0.002). */
  readonly minRelativeSigma?: number;
}

/**
 * Which detector watches which series; first match wins, default robust (`why` in the
 * display language, for the report's methods section). A row with
 * a `kind` applies only to series of that kind (seriesKind.ts): `*_total` is a
 * counter's name, but a family declared `# TYPE … gauge` (`nodejs_active_resources_total`)
 * is a level like any other and is scored.
 */
export const DETECTOR_TABLE: readonly { readonly pattern: RegExp; readonly kind?: ValueKind; readonly detector: DetectorKind; readonly why: () => string }[] = [
  { pattern: /_total$/, kind: 'counter', detector: 'none', why: () => l10n.t('counters are not scored, their rates are') },
  { pattern: /^target_up$|^scrape_up$|uptime_seconds$|_max_fds$|_total_bytes$/, detector: 'none', why: () => l10n.t('states and constants are not scored') },
  { pattern: /^anomaly_level$|^forecast_seconds_to_limit$/, detector: 'none', why: () => l10n.t("the monitor's own derived series for alert rules") },
  { pattern: /_bytes_per_second$|_per_second$/, detector: 'robust', why: () => l10n.t('rates are spiky') },
  { pattern: /memory|_bytes$|_fds$|_threads$|disk/, detector: 'ewma', why: () => l10n.t('slow series: level shifts and drifts') },
  { pattern: /.*/, detector: 'robust', why: () => l10n.t('spiky by default (CPU, latency, lag)') },
];

/** The detector of a series; `kind` from its declared TYPE (valueKind), by default from its name alone. */
export function detectorFor(name: string, kind: ValueKind = valueKind(name)): DetectorKind {
  for (const row of DETECTOR_TABLE) {
    if ((row.kind === undefined || row.kind === kind) && row.pattern.test(name)) return row.detector;
  }
  return 'robust';
}

const MAD_TO_SIGMA = 0.6745;
/** E|X − μ| = σ·√(2/π) for a normal variable, so σ ≈ 1.2533 · mean absolute deviation. */
const MEAN_AD_TO_SIGMA = 1.2533141373155;
const TINY = 1e-12;

/**
 * Robust z-scores of finite `values` against the trailing window (the sample itself
 * excluded). NaN while warming up. O(n·w) with w the window, no allocation per sample.
 */
export function robustScores(values: ArrayLike<number>, options: RobustOptions = {}): Float64Array {
  const w = Math.max(3, Math.floor(options.windowSamples ?? 60));
  const warmup = Math.min(w, Math.max(3, Math.floor(options.warmupSamples ?? 20)));
  const minRel = options.minRelativeScale ?? 0.01;
  const n = values.length;
  const scores = new Float64Array(n).fill(NaN);
  const window = new TrailingMedianMad(w);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    if (window.count >= warmup) {
      const median = window.median();
      scores[i] = (x - median) / Math.max(window.sigma(median), minRel * Math.abs(median), TINY);
    }
    window.push(x);
  }
  return scores;
}

/**
 * The last `size` values kept sorted, for a trailing median and MAD: a ring in
 * insertion order for eviction and a sorted copy. A push finds its place by
 * bisection (O(log w)) and moves only the values between the old and the new
 * value's places; the median is O(1), the MAD O(log w) (madOfSorted).
 */
export class TrailingMedianMad {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private n = 0;
  private head = 0;
  private summed = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  get count(): number {
    return this.n;
  }

  push(x: number): void {
    // The newest takes the oldest's place when full, else is inserted.
    if (this.n === this.size) {
      replaceSorted(this.sorted, this.n, this.ring[this.head]!, x);
    } else {
      insertSorted(this.sorted, this.n, x);
      this.n++;
    }
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.size;
  }

  median(): number {
    return medianOfSorted(this.sorted, this.n);
  }

  /**
   * σ from the MAD (MAD/0.6745); when more than half the window is one value the
   * MAD is 0 and the mean absolute deviation stands in (0 only on a flat window).
   */
  sigma(median = this.median()): number {
    const mad = madOfSorted(this.sorted, this.n, median);
    if (mad > 0) return mad / MAD_TO_SIGMA;
    // The values equal to the median, at least half the window here, add exactly 0: the
    // sum skips their run and adds the others in the same order, so it is the same to the
    // last bit (issue 20: a flat or quantised series summed its whole window every sample).
    const a = this.sorted;
    const n = this.n;
    const from = lowerBound(a, n, median);
    const to = upperBound(a, n, median);
    let sumAbs = 0;
    for (let k = 0; k < from; k++) sumAbs += Math.abs(a[k]! - median);
    for (let k = to; k < n; k++) sumAbs += Math.abs(a[k]! - median);
    this.summed += from + n - to;
    return (sumAbs / n) * MEAN_AD_TO_SIGMA;
  }

  /** Deviations the mean-absolute-deviation fallback of `sigma` has added (a test reads it). */
  get deviationsSummed(): number {
    return this.summed;
  }
}

/**
 * EWMA z-scores of `values` (NaN during the warm-up and for non-finite values).
 *
 * σ comes from successive differences (von Neumann: E[(x_t − x_{t−1})²] = 2σ² for
 * independent noise), exponentially weighted. Unlike the variance of residuals
 * around the EWMA mean, it is not inflated by the growing lag of a slow drift nor by
 * the echo after a level shift, so one event does not blind the detector to the
 * next. While a sample is flagged σ is frozen and only the mean follows.
 */
export function ewmaScores(values: ArrayLike<number>, options: EwmaOptions = {}): Float64Array {
  const alpha = options.alpha ?? 0.05;
  const alphaVar = options.alphaVariance ?? alpha;
  const threshold = options.threshold ?? 3.5;
  const warmup = Math.max(3, Math.floor(options.warmupSamples ?? 30));
  const minRel = options.minRelativeSigma ?? 0.002;
  const n = values.length;
  const scores = new Float64Array(n).fill(NaN);
  let seen = 0;
  let mean = 0;
  let variance = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    const step = x - prev; // NaN on the first sample
    if (seen < warmup) {
      seen++;
      mean += (x - mean) / seen;
      if (seen > 1) variance += (step * step / 2 - variance) / (seen - 1);
      prev = x;
      continue;
    }
    const sigma = Math.max(Math.sqrt(variance), minRel * Math.abs(mean), TINY);
    const diff = x - mean;
    const z = diff / sigma;
    scores[i] = z;
    mean += alpha * diff;
    if (Math.abs(z) <= threshold && Math.abs(step) <= threshold * sigma * Math.SQRT2) {
      variance += alphaVar * (step * step / 2 - variance);
    }
    prev = x;
  }
  return scores;
}

export interface DetectOptions {
  readonly robust?: RobustOptions;
  readonly ewma?: EwmaOptions;
  /** Force a detector instead of the name table. */
  readonly detector?: DetectorKind;
  /** Windows with more samples are bucketed to this many points first (default 2,000). */
  readonly maxPoints?: number;
  /**
   * Flagged runs separated by at most this many unflagged samples merge (default 2
   * for robust; 1/α = 20 for EWMA, whose score wavers around the threshold while
   * its mean catches up with a shift or lags a drift).
   */
  readonly mergeGapSamples?: number;
  /**
   * An interval of a single flagged sample is kept only if its |score| reaches this
   * (default 5). At 3.5 a rolling 60-sample MAD lets through ~2 noise samples per
   * 1,000; a lone sample must be clearly extreme, a run of two or more is
   * confirmation enough. Real spikes of a few samples' width are unaffected.
   */
  readonly minSingleSampleScore?: number;
}

/**
 * Anomaly intervals of one series. `name` picks the detector from DETECTOR_TABLE;
 * `series` (the key) is copied into each interval. Long windows are bucketed:
 * robust scoring runs on bucket maxima (for highs) and minima (for lows), EWMA on
 * bucket means, so anomalies shorter than a bucket are reported at bucket resolution.
 */
export function detectAnomalies(
  series: string,
  name: string,
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: DetectOptions = {},
): AnomalyInterval[] {
  const kind = options.detector ?? detectorFor(name);
  if (kind === 'none') return [];
  return detectInBuckets(series, kind, downsample(times, values, options.maxPoints ?? 2000, reducersFor(kind)), options);
}

/** The bucket reductions a detector scores (see detectInBuckets). */
export function reducersFor(kind: DetectorKind): readonly BucketReducer[] {
  return kind === 'ewma' ? ['mean'] : kind === 'robust' ? ['max', 'min'] : [];
}

/**
 * Anomaly intervals from a window already bucketed with at least the reductions
 * `reducersFor(kind)` names — for callers that bucket in a pass they make anyway
 * (the analyzer). `maxPoints` in the options is the caller's business here.
 */
export function detectInBuckets(series: string, kind: DetectorKind, b: ReducedBuckets, options: DetectOptions = {}): AnomalyInterval[] {
  if (kind === 'none') return [];
  const single = options.minSingleSampleScore ?? 5;
  if (kind === 'ewma') {
    const mean = bucketsOf(b, 'mean');
    const m = { threshold: options.ewma?.threshold ?? 3.5, gapSamples: options.mergeGapSamples ?? Math.round(1 / (options.ewma?.alpha ?? 0.05)), minSingleSampleScore: single };
    return mergeFlagged(series, mean, ewmaScores(mean.values, options.ewma), 'ewma', m, 'both');
  }
  const m = { threshold: options.robust?.threshold ?? 3.5, gapSamples: options.mergeGapSamples ?? 2, minSingleSampleScore: single };
  const hi = bucketsOf(b, 'max');
  if (hi.bucketSize === 1) {
    return mergeFlagged(series, hi, robustScores(hi.values, options.robust), 'robust-z', m, 'both');
  }
  const lo = bucketsOf(b, 'min');
  const highs = mergeFlagged(series, hi, robustScores(hi.values, options.robust), 'robust-z', m, 'high');
  const lows = mergeFlagged(series, lo, robustScores(lo.values, options.robust), 'robust-z', m, 'low');
  return highs.concat(lows).sort((a, b) => a.startMs - b.startMs);
}

export interface MergeOptions {
  readonly threshold: number;
  readonly gapSamples: number;
  readonly minSingleSampleScore: number;
}

/**
 * Merges flagged samples (|score| > threshold) into intervals: runs of the same
 * direction separated by at most `gapSamples` unflagged samples become one interval;
 * a lone flagged sample below `minSingleSampleScore` is dropped.
 */
export function mergeFlagged(
  series: string,
  points: { readonly startMs: ArrayLike<number>; readonly endMs: ArrayLike<number>; readonly values: ArrayLike<number> },
  scores: ArrayLike<number>,
  method: AnomalyMethod,
  options: MergeOptions,
  keep: 'high' | 'low' | 'both',
): AnomalyInterval[] {
  const { startMs, endMs, values } = points;
  const { threshold, gapSamples, minSingleSampleScore } = options;
  const out: AnomalyInterval[] = [];
  let open: { start: number; end: number; peakI: number; dir: 'high' | 'low'; flagged: number } | undefined;
  let lastFlagged = -Infinity;
  const close = (): void => {
    if (!open) return;
    if (open.flagged === 1 && !(Math.abs(scores[open.peakI]!) >= minSingleSampleScore)) {
      open = undefined;
      return;
    }
    out.push({
      series,
      startMs: startMs[open.start]!,
      endMs: endMs[open.end]!,
      peakValue: values[open.peakI]!,
      peakScore: scores[open.peakI]!,
      direction: open.dir,
      method,
      flaggedCount: open.flagged,
    });
    open = undefined;
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(Math.abs(s) > threshold)) continue;
    const dir = s > 0 ? 'high' : 'low';
    if (keep !== 'both' && dir !== keep) continue;
    if (open && (dir !== open.dir || i - lastFlagged - 1 > gapSamples)) close();
    if (!open) {
      open = { start: i, end: i, peakI: i, dir, flagged: 1 };
    } else {
      open.end = i;
      open.flagged++;
      if (Math.abs(s) > Math.abs(scores[open.peakI]!)) open.peakI = i;
    }
    lastFlagged = i;
  }
  close();
  return out;
}

/**
 * ±∞ as module constants, not `Number.POSITIVE_INFINITY` in a branch: a property read
 * that has never run has no type feedback, so the optimised code of madOfSorted (and of
 * `learn`, which inlines it) is compiled as a deoptimisation there — and a window whose
 * middle run reaches its end (a flat or quantised series) threw both away and had them
 * compiled again, ~20 s into a monitor's life (issue 20). A constant needs no feedback.
 */
const PLUS_INFINITY = Number.POSITIVE_INFINITY;
const MINUS_INFINITY = Number.NEGATIVE_INFINITY;

function medianOfSorted(a: Float64Array, n: number): number {
  const mid = n >> 1;
  return n % 2 === 1 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

/**
 * Median absolute deviation from a sorted window in O(log n), without sorting
 * again: the deviations below the median, median − a[i0 − r], and above it,
 * a[j0 + r] − median, are two ascending runs, so the middle rank(s) of their union
 * are found by bisecting how many of the smallest come from the lower run (the
 * k-th smallest of two sorted arrays).
 */
/** Exported for tests. */
export function madOfSorted(a: Float64Array, n: number, median: number): number {
  const i0 = (n - 1) >> 1; // a[i0] <= median: lower run L[r] = median − a[i0 − r]
  const j0 = i0 + 1; // a[j0] >= median: upper run U[r] = a[j0 + r] − median
  const lenL = i0 + 1;
  const lenU = n - j0;
  const k = (n - 1) >> 1; // the lower middle rank (0-based) of the n deviations
  // Smallest p (taken from L among the k + 1 smallest) with U[q − 1] <= L[p], q = k + 1 − p.
  let lo = Math.max(0, k + 1 - lenU);
  let hi = Math.min(k + 1, lenL);
  while (lo < hi) {
    const p = (lo + hi) >>> 1;
    if (a[j0 + k - p]! - median <= median - a[i0 - p]!) hi = p;
    else lo = p + 1;
  }
  const p = lo;
  const q = k + 1 - p;
  const fromL = p > 0 ? median - a[i0 - p + 1]! : MINUS_INFINITY;
  const fromU = q > 0 ? a[j0 + q - 1]! - median : MINUS_INFINITY;
  const low = fromL > fromU ? fromL : fromU;
  if ((n & 1) === 1) return (low + low) / 2; // one middle rank; written like the even case to round alike
  const nextL = p < lenL ? median - a[i0 - p]! : PLUS_INFINITY;
  const nextU = q < lenU ? a[j0 + q]! - median : PLUS_INFINITY;
  return (low + (nextL < nextU ? nextL : nextU)) / 2;
}

/** Index of the first element of sorted a[0..n) that is not below x. */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted a[0..n) that is above x. */
function upperBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(a: Float64Array, n: number, x: number): void {
  let p = n;
  // A plain loop: copyWithin's call costs more than moving a few dozen numbers.
  for (const at = lowerBound(a, n, x); p > at; p--) a[p] = a[p - 1]!;
  a[p] = x;
}

/**
 * Replaces one occurrence of `old` by `x` in sorted a[0..n), moving only the
 * elements between their two places — on a noisy window that is a handful, where
 * a removal then an insertion would move half the window twice.
 */
function replaceSorted(a: Float64Array, n: number, old: number, x: number): void {
  let p = lowerBound(a, n, old);
  if (x > old) {
    while (p + 1 < n && a[p + 1]! < x) {
      a[p] = a[p + 1]!;
      p++;
    }
  } else {
    while (p > 0 && a[p - 1]! > x) {
      a[p] = a[p - 1]!;
      p--;
    }
  }
  a[p] = x;
}
