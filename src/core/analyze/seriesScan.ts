/**
 * One window of one series read the way the analyzer needs it, without copying the
 * window and without a separate pass per figure: the summary, the least-squares
 * trend, the latest finite sample and the anomaly detectors' buckets, from
 *
 *  1. one pass over the ring buffer's views that gathers the finite samples into
 *     reused scratch arrays with their count, min and max;
 *  2. one pass over the scratch for the moments (count, means, centred sums), folded
 *     by blocks of the clock (moments.ts) so that the live analysis, which keeps them
 *     tick by tick, gives the same figures to the last bit; they agree with
 *     summarize() and linearTrend() (one long sum each) to rounding;
 *  3. one tight loop per bucket reducer, then selection for the percentiles.
 *
 * A day at 1 Hz used to be copied out of the ring, then read by five separate
 * passes with a finiteness test and a reducer branch per sample.
 */
import { RingSegment, joinSegments } from '../store/ringBuffer';
import { BucketReducer, ReducedBuckets, bucketFinite, downsample } from './downsample';
import { Moments, MomentsScratch, centredSums, windowMoments } from './moments';
import { Summary, summaryOfFinite } from './stats';
import { Trend, TrendOptions, linearTrend, trendFromSums } from './trend';

/**
 * Scratch arrays reused from one series to the next, so a scan allocates nothing
 * per sample and nothing per series beyond its buckets. Grown to the longest
 * window seen; one per analysis, dropped with it.
 */
export class ScanScratch {
  private t = new Float64Array(0);
  private v = new Float64Array(0);
  readonly moments = new MomentsScratch();
  readonly window = new Moments();

  /** Arrays of at least `n` elements; their contents are garbage. */
  take(n: number): { readonly t: Float64Array; readonly v: Float64Array } {
    if (this.t.length < n) {
      this.t = new Float64Array(n);
      this.v = new Float64Array(n);
    }
    return { t: this.t, v: this.v };
  }
}

export interface ScanOptions {
  /** Buckets at most (see downsample.ts). */
  readonly maxPoints: number;
  /** Bucket reductions wanted; none skips bucketing. */
  readonly reducers: readonly BucketReducer[];
  readonly trend?: TrendOptions;
}

export interface WindowScan {
  /** Samples read, finite or not. */
  readonly sampleCount: number;
  /** As summarize(values). */
  readonly summary: Summary;
  /** As linearTrend(times, values). */
  readonly trend: Trend;
  /** The last sample with a finite value. */
  readonly latest?: { readonly timeMs: number; readonly value: number };
  /** As downsample(times, values, maxPoints, reducers). */
  readonly buckets: ReducedBuckets;
}

/** The buckets of a scan asked for none. */
export const NO_BUCKETS: ReducedBuckets = { startMs: new Float64Array(0), endMs: new Float64Array(0), bucketSize: 1, values: {} };

/** Samples in a window's views, finite or not (what a scan counts). */
export function samplesIn(segments: readonly RingSegment[]): number {
  let n = 0;
  for (const seg of segments) n += Math.min(seg.times.length, seg.values.length);
  return n;
}

/**
 * Scans the samples of `segments` taken in order as one window (the views
 * SeriesStore.windowSegments gives, or any arrays). Never throws on odd values:
 * NaN and ±Infinity are counted as invalid and skipped.
 */
export function scanWindow(segments: readonly RingSegment[], scratch: ScanScratch, options: ScanOptions): WindowScan {
  const n = samplesIn(segments);
  const { t: st, v: sv } = scratch.take(n);

  // Pass 1: gather the finite values with their times.
  let c = 0;
  let sumY = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let badTimes = 0;
  for (const seg of segments) {
    const times = seg.times;
    const values = seg.values;
    const len = Math.min(times.length, values.length);
    for (let i = 0; i < len; i++) {
      const y = values[i]!;
      if (!Number.isFinite(y)) continue;
      const t = times[i]!;
      if (!Number.isFinite(t)) badTimes++;
      st[c] = t;
      sv[c] = y;
      c++;
      sumY += y;
      if (y < min) min = y;
      if (y > max) max = y;
    }
  }
  const t = st.subarray(0, c);
  const v = sv.subarray(0, c);
  const latest = c > 0 ? { timeMs: t[c - 1]!, value: v[c - 1]! } : undefined;
  let meanY = sumY / c;

  let trend: Trend;
  let buckets: ReducedBuckets;
  let syy = 0;
  if (badTimes > 0) {
    // A sample without a valid time (never written by the collector): the trend
    // and buckets skip it, the summary does not — take the general paths.
    for (let i = 0; i < c; i++) {
      const d = v[i]! - meanY;
      syy += d * d;
    }
    trend = linearTrend(t, v, options.trend);
    buckets = options.reducers.length > 0 ? downsample(t, v, options.maxPoints, options.reducers) : NO_BUCKETS;
  } else {
    // Pass 2: the moments, folded by blocks of the clock (moments.ts), as the live
    // analysis keeps them tick by tick. Syy is also the summary's Σ(x − mean)².
    const m = windowMoments(t, v, c, scratch.moments, scratch.window);
    meanY = m.meanY;
    syy = m.syy;
    trend = trendFromSums(centredSums(m, c > 0 ? t[0]! : NaN, c > 0 ? t[c - 1]! : NaN), options.trend);
    buckets = options.reducers.length > 0 ? bucketFinite(t, v, c, options.maxPoints, options.reducers) : NO_BUCKETS;
  }
  // Last: the selection reorders the scratch values.
  const summary = summaryOfFinite(v, n - c, meanY, min, max, syy);
  return { sampleCount: n, summary, trend, latest, buckets };
}

/** One window as one pair of arrays: a view when the ring did not wrap inside it, else a copy. */
export function contiguous(segments: readonly RingSegment[]): RingSegment {
  const first = segments[0];
  if (segments.length === 1 && first) return first;
  return joinSegments(segments);
}
