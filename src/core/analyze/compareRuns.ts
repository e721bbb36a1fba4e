/**
 * Did my change make it slower? Two runs of the server, each a per-second series of
 * the same figures, compared with statistics that hold up on monitoring data.
 *
 * Per-second samples of one run are autocorrelated (a busy second is followed by
 * another), so tests that assume independent samples — a t-test, or a rank test on
 * the raw seconds — see "significant" differences between two runs of the same
 * build most of the time. The interval here comes from a moving-block bootstrap
 * (Künsch 1989): whole blocks of consecutive seconds are resampled, which keeps the
 * short-range dependence inside each block. A change is reported when the 99%
 * interval of the difference of means excludes zero AND the change is larger than
 * a practical threshold (a few per cent of the base), so that a real but
 * negligible shift is "no significant change", as a person would call it.
 */
import { mulberry32 } from './random';

export type Direction = 'lowerIsBetter' | 'higherIsBetter';

export interface FigureSamples {
  /** Stable id (`cpuPercent`, `latencyP95Ms` …), used in JSON. */
  readonly id: string;
  /** Words for people, with the unit. */
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction;
  readonly base: readonly number[];
  readonly head: readonly number[];
  /** Smallest absolute change worth reporting, in the figure's unit (latencies: 1 ms); 0 when absent. */
  readonly minAbsoluteChange?: number;
}

export type Verdict = 'regression' | 'improvement' | 'noChange' | 'notEnoughData';

export interface FigureComparison {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly baseMean: number;
  readonly headMean: number;
  /** head − base, in the figure's unit. */
  readonly difference: number;
  /** (head − base) / |base|, NaN when the base mean is 0. */
  readonly relativeChange: number;
  /** Interval of the difference of means (moving-block bootstrap) at `confidence`. */
  readonly ci: readonly [number, number];
  readonly confidence: number;
  /** Cliff's delta: P(head > base) − P(head < base), in [−1, 1]. */
  readonly cliffsDelta: number;
  readonly verdict: Verdict;
  readonly baseSamples: number;
  readonly headSamples: number;
}

export interface CompareOptions {
  /** Smallest relative change worth reporting (default 0.05 = 5%). */
  readonly minRelativeChange?: number;
  /** Bootstrap resamples (default 2000). */
  readonly resamples?: number;
  /** Fewer samples than this in either run: not enough data (default 20). */
  readonly minSamples?: number;
  /**
   * Confidence of the interval (default 0.99). A regression warning interrupts a
   * person, so it is held to 99%: at 95% the percentile block bootstrap on two
   * minutes of autocorrelated seconds called a change in one same-build pair of ten.
   */
  readonly confidence?: number;
  /** Seed of the bootstrap's generator, so a comparison is reproducible. */
  readonly seed?: number;
}

export function compareFigure(f: FigureSamples, options: CompareOptions = {}): FigureComparison {
  const minRel = options.minRelativeChange ?? 0.05;
  const minSamples = options.minSamples ?? 20;
  const confidence = options.confidence ?? 0.99;
  const base = f.base.filter(Number.isFinite);
  const head = f.head.filter(Number.isFinite);
  const baseMean = mean(base);
  const headMean = mean(head);
  const difference = headMean - baseMean;
  const relativeChange = baseMean !== 0 ? difference / Math.abs(baseMean) : NaN;
  const common = { id: f.id, label: f.label, unit: f.unit, baseMean, headMean, difference, relativeChange, baseSamples: base.length, headSamples: head.length };
  if (base.length < minSamples || head.length < minSamples) {
    return { ...common, ci: [NaN, NaN], confidence, cliffsDelta: NaN, verdict: 'notEnoughData' };
  }
  const ci = blockBootstrapCi(base, head, options.resamples ?? 2000, options.seed ?? 1, confidence);
  const cliffsDelta = cliffs(base, head);
  const excludesZero = ci[0] > 0 || ci[1] < 0;
  // With a zero base any change is "large"; compare against the spread instead.
  const large = (Number.isNaN(relativeChange) ? Math.abs(difference) > 0 : Math.abs(relativeChange) >= minRel) && Math.abs(difference) >= (f.minAbsoluteChange ?? 0);
  let verdict: Verdict = 'noChange';
  if (excludesZero && large) {
    const worse = f.direction === 'lowerIsBetter' ? difference > 0 : difference < 0;
    verdict = worse ? 'regression' : 'improvement';
  }
  return { ...common, ci, confidence, cliffsDelta, verdict };
}

/**
 * Block length for dependent samples: at least n^(1/3) (the rate for the mean, Hall,
 * Horowitz and Jing 1995) and at least twice the integrated autocorrelation time of
 * an AR(1) with the series' lag-1 autocorrelation ρ, (1 + ρ) / (1 − ρ): blocks
 * shorter than the memory of the series under-state the spread of the mean.
 */
export function blockLength(xs: readonly number[]): number {
  const n = xs.length;
  const rho = Math.min(0.95, Math.max(0, lag1Autocorrelation(xs)));
  const tau = (1 + rho) / (1 - rho);
  return Math.max(1, Math.min(Math.floor(n / 4), Math.round(Math.max(Math.cbrt(n), 2 * tau))));
}

function lag1Autocorrelation(xs: readonly number[]): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m;
    den += d * d;
    if (i > 0) {
      num += d * (xs[i - 1]! - m);
    }
  }
  return den > 0 ? num / den : 0;
}

function blockBootstrapCi(base: readonly number[], head: readonly number[], resamples: number, seed: number, confidence: number): [number, number] {
  const random = mulberry32(seed);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    diffs[r] = blockMean(head, random) - blockMean(base, random);
  }
  diffs.sort();
  const tail = (1 - confidence) / 2;
  return [quantileSorted(diffs, tail), quantileSorted(diffs, 1 - tail)];
}

/** The mean of one moving-block resample of `xs` (circular blocks, so the ends are not under-drawn). */
function blockMean(xs: readonly number[], random: () => number): number {
  const n = xs.length;
  const len = blockLength(xs);
  let sum = 0;
  let taken = 0;
  while (taken < n) {
    const start = Math.floor(random() * n);
    for (let k = 0; k < len && taken < n; k++, taken++) {
      sum += xs[(start + k) % n]!;
    }
  }
  return sum / n;
}

/** Cliff's delta by sorting one side and binary-searching it: O((m + n) log n). */
function cliffs(base: readonly number[], head: readonly number[]): number {
  const sorted = [...base].sort((a, b) => a - b);
  let greater = 0;
  let less = 0;
  for (const h of head) {
    const below = lowerBound(sorted, h);
    const atOrBelow = upperBound(sorted, h);
    greater += below;
    less += sorted.length - atOrBelow;
  }
  return (greater - less) / (base.length * head.length);
}

function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function upperBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function mean(xs: readonly number[]): number {
  if (xs.length === 0) {
    return NaN;
  }
  let s = 0;
  for (const x of xs) {
    s += x;
  }
  return s / xs.length;
}

function quantileSorted(xs: Float64Array, q: number): number {
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}
