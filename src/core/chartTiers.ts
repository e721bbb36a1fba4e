/**
 * Chart columns of a long range from the store's tiers (tiers.ts: 10 s buckets for
 * 6 h, 1 min buckets for a day) rather than from raw ticks: a day on the dashboard
 * reads 1,440 buckets a series, not 86,400 samples, and reaches past the raw history
 * (history.minutes, or the hour a reload restores). The points are the ones
 * downsampleColumns makes from raw ticks — each chart bucket's minimum and maximum in
 * the order they happened, at ¼ and ¾ of it — so a chart does not change when its
 * source does, and a spike or a dip inside a bucket still shows.
 */
import { buildColumns, ChartColumns, downsampleColumns } from './chartData';
import { SeriesStore } from './store/seriesStore';
import { mergedMinFirst, STORED_TIER_STEPS_MS, TIER_SPAN_MS, TierWindow } from './store/tiers';

/** The coarsest stored tier whose buckets tile a chart bucket of `chartStepMs` (undefined when none does). */
export function storedTierFor(chartStepMs: number): number | undefined {
  let best: number | undefined;
  for (const s of STORED_TIER_STEPS_MS) {
    if (chartStepMs >= s && chartStepMs % s === 0) best = s;
  }
  return best;
}

/** Whether a stored tier of `tierStepMs` still holds `fromMs` when the newest tick is `latestMs`. */
export function tierReaches(tierStepMs: number, fromMs: number, latestMs: number): boolean {
  const span = TIER_SPAN_MS[tierStepMs];
  return span !== undefined && fromMs >= latestMs - span;
}

/** Extremes of one series over consecutive chart buckets, merged from parts in time order. */
class BucketExtremes {
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** 1 where the minimum came no later than the maximum. */
  readonly minFirst: Uint8Array;
  readonly has: Uint8Array;

  constructor(n: number) {
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.minFirst = new Uint8Array(n);
    this.has = new Uint8Array(n);
  }

  /** Adds a later part of bucket `i` (a tier bucket, or one sample with min = max), by mergeBuckets' rule. */
  add(i: number, min: number, max: number, minFirst: boolean): void {
    if (this.has[i] === 0) {
      this.has[i] = 1;
      this.min[i] = min;
      this.max[i] = max;
      this.minFirst[i] = minFirst ? 1 : 0;
      return;
    }
    const minLater = min < this.min[i]!;
    const maxLater = max > this.max[i]!;
    this.minFirst[i] = mergedMinFirst(this.minFirst[i] === 1, minFirst, minLater, maxLater) ? 1 : 0;
    if (minLater) this.min[i] = min;
    if (maxLater) this.max[i] = max;
  }
}

/**
 * Columns for `keys` from the chart bucket holding `fromMs` to the newest tick, in
 * buckets of `chartStepMs` (a multiple of the stored tier `tierStepMs`). Complete
 * buckets come from the tier; a series whose tier does not reach as far back as its
 * raw samples (the memory budget capped its tier, or it has none) is read raw there.
 * The live bucket is drawn as downsampleColumns draws it (its elapsed part, then its
 * newest tick raw). A run of empty buckets between two with data leaves a null row.
 */
export function tierColumns(store: SeriesStore, keys: readonly string[], fromMs: number, chartStepMs: number, tierStepMs: number, maxGapMs?: number): ChartColumns {
  const step = chartStepMs;
  const latestMs = store.latestTimeMs;
  const liveBucket = Math.floor(latestMs / step);
  const firstBucket = Math.min(liveBucket, Math.floor(fromMs / step));
  const n = liveBucket - firstBucket;
  const startMs = firstBucket * step;
  const liveStartMs = liveBucket * step;
  /** The last time before the live bucket (times are ms, fractions allowed). */
  const beforeLiveMs = liveStartMs - 1e-3;
  const perKey = keys.map((key) => {
    const ext = new BucketExtremes(n);
    if (n === 0) return ext;
    const tier = store.tierWindow(key, tierStepMs, startMs, beforeLiveMs);
    const segments = store.windowSegments(key, startMs, beforeLiveMs) ?? [];
    const rawFirst = segments.length > 0 && segments[0]!.times.length > 0 ? segments[0]!.times[0]! : Number.POSITIVE_INFINITY;
    const tierFirst = tier && tier.times.length > 0 ? tier.times[0]! : Number.POSITIVE_INFINITY;
    // Raw where the tier lacks what the raw ring holds (up to the first chart bucket the tier covers whole).
    const rawUntilMs = rawFirst < tierFirst ? Math.ceil(tierFirst / step) * step : startMs;
    if (tier) addTier(ext, tier, firstBucket, step, rawUntilMs);
    for (const s of segments) {
      for (let j = 0; j < s.times.length; j++) {
        const t = s.times[j]!;
        if (t >= rawUntilMs) break;
        const v = s.values[j]!;
        if (Number.isFinite(v)) ext.add(Math.floor(t / step) - firstBucket, v, v, true);
      }
    }
    return ext;
  });

  const x: number[] = [];
  const y: (number | null)[][] = keys.map(() => []);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (!perKey.some((e) => e.has[i] === 1)) continue;
    if (prev >= 0 && i - prev > 1) gapRow(x, y, (startMs + (prev + 1) * step) / 1000);
    const b = startMs + i * step;
    x.push((b + step / 4) / 1000, (b + (3 * step) / 4) / 1000);
    perKey.forEach((e, k) => {
      const col = y[k]!;
      if (e.has[i] === 0) col.push(null, null);
      else if (e.minFirst[i] === 1) col.push(e.min[i]!, e.max[i]!);
      else col.push(e.max[i]!, e.min[i]!);
    });
    prev = i;
  }
  const live = downsampleColumns(buildColumns(store, keys, { fromMs: liveStartMs, ...(maxGapMs !== undefined ? { maxGapMs } : {}) }), step, latestMs);
  if (live.x.length > 0) {
    if (prev >= 0 && n - prev > 1) gapRow(x, y, (startMs + (prev + 1) * step) / 1000);
    for (let r = 0; r < live.x.length; r++) {
      x.push(live.x[r]!);
      for (let k = 0; k < keys.length; k++) y[k]!.push(live.y[k]![r] ?? null);
    }
  }
  return { x, keys: [...keys], y, stepMs: step };
}

/** The tier's buckets before the live bucket (from `fromMs` on) into the chart buckets holding them. */
function addTier(ext: BucketExtremes, w: TierWindow, firstBucket: number, step: number, fromMs: number): void {
  for (let j = 0; j < w.times.length; j++) {
    const t = w.times[j]!;
    if (t < fromMs) continue;
    ext.add(Math.floor(t / step) - firstBucket, w.min[j]!, w.max[j]!, w.minFirst[j] === 1);
  }
}

function gapRow(x: number[], y: (number | null)[][], atSec: number): void {
  x.push(atSec);
  for (const col of y) col.push(null);
}
