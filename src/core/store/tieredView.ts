/**
 * A window longer than the raw history, for the analyzer: each series as its tier's
 * bucket means (one point a bucket, at the bucket's middle), then its raw samples in
 * the bucket still being filled — so every series has the same cadence over the whole
 * window and a statistic weighs an hour as an hour, where the raw history no longer
 * reaches (older than the history kept, cut short by the memory budget, before a
 * restore). The tier is the finest one whose span covers the window (10 s up to six
 * hours, then 1 min). A series without tiers (the budget gave it none) reads raw.
 *
 * It is a SeriesStore to its readers (the analyzer and the report read a store) but
 * holds nothing itself: reads go to the store it views, nothing is copied but the
 * tier points. Writes are not for a view.
 */
import { Labels } from '../model';
import { RingSegment, joinSegments } from './ringBuffer';
import { LabelMatcher, LatestPoint, SeriesInfo, SeriesStore, SeriesWindow, compileMatcher } from './seriesStore';
import { TIER_SPAN_MS, bucketOf } from './tiers';

export class TieredView extends SeriesStore {
  constructor(private readonly base: SeriesStore) {
    super(base.capacity, base.maxSeries, base.budgetBytes);
  }

  /** Whether some series' raw samples start after `fromMs` while its tiers reach further back (else the store itself will do). */
  static needed(store: SeriesStore, fromMs: number): boolean {
    for (const info of store.tiers.series()) {
      const first = store.windowSegments(info.key, fromMs)?.[0]?.times[0] ?? Number.POSITIVE_INFINITY;
      if (first > fromMs && store.tiers.steps.some((s) => (store.tiers.ring(info.key, s)?.oldestBucket ?? Number.POSITIVE_INFINITY) * s + s <= first)) {
        return true;
      }
    }
    return false;
  }

  /** The stored tier a window reads: the finest whose span covers it. */
  stepFor(fromMs: number, toMs: number): number {
    const steps = this.base.tiers.steps;
    return steps.find((s) => toMs - fromMs <= (TIER_SPAN_MS[s] ?? 0)) ?? steps[steps.length - 1]!;
  }

  override windowSegments(key: string, fromMs: number, toMs = this.base.latestTimeMs): RingSegment[] | undefined {
    const step = this.stepFor(fromMs, toMs);
    const ring = this.base.tiers.ring(key, step);
    if (!ring || ring.newestBucket !== ring.newestBucket) {
      return this.base.windowSegments(key, fromMs, toMs);
    }
    // Raw from the start of the bucket holding the series' latest sample in the window: that bucket may still be filling.
    const latest = this.latestRawBefore(key, toMs);
    const boundary = latest === undefined ? (ring.newestBucket + 1) * step : bucketOf(latest, step) * step;
    const w = ring.window(fromMs, Math.min(toMs, boundary - step));
    const half = step / 2;
    const times = new Float64Array(w.times.length);
    const values = new Float64Array(w.times.length);
    for (let i = 0; i < times.length; i++) {
      times[i] = Math.min(toMs, Math.max(fromMs, w.times[i]! + half));
      values[i] = w.sum[i]! / w.count[i]!;
    }
    const raw = this.base.windowSegments(key, Math.max(fromMs, boundary), toMs) ?? [];
    return times.length > 0 ? [{ times, values }, ...raw] : raw;
  }

  /** Time of a series' newest raw sample at or before `toMs`. */
  private latestRawBefore(key: string, toMs: number): number | undefined {
    const segs = this.base.windowSegments(key, Number.NEGATIVE_INFINITY, toMs);
    const last = segs?.[segs.length - 1];
    return last && last.times.length > 0 ? last.times[last.times.length - 1] : undefined;
  }

  override window(key: string, fromMs: number, toMs = this.base.latestTimeMs): SeriesWindow | undefined {
    const info = this.info(key);
    const segs = this.windowSegments(key, fromMs, toMs);
    if (!info || !segs) return undefined;
    return { info, ...joinSegments(segs) };
  }

  override allSeries(): SeriesInfo[] {
    const raw = this.base.allSeries();
    // Series only the tiers still hold (a series of an earlier run), after the live ones.
    return raw.concat(this.base.tiers.series().filter((i) => !this.base.has(i.key)));
  }

  override select(name: string, matchers: readonly LabelMatcher[] = []): SeriesInfo[] {
    const compiled = matchers.map(compileMatcher);
    const only = this.base.tiers.series().filter((i) => i.name === name && !this.base.has(i.key) && compiled.every((m) => m(i.labels as Labels)));
    return this.base.select(name, matchers).concat(only);
  }

  override has(key: string): boolean {
    return this.base.has(key) || this.base.tiers.has(key);
  }

  override info(key: string): SeriesInfo | undefined {
    return this.base.info(key) ?? this.base.tiers.info(key);
  }

  override latest(key: string): LatestPoint | undefined {
    return this.base.latest(key);
  }

  override get latestTimeMs(): number {
    return this.base.latestTimeMs;
  }

  override get seriesCount(): number {
    return this.allSeries().length;
  }

  override length(key: string): number {
    return this.base.length(key);
  }

  override earliestTimeMs(): number {
    return earliestWithTiers(this.base);
  }

  override append(): number {
    throw new Error('a tiered view is read-only');
  }
}

/** The oldest time a store holds anything of: a raw sample or a tier bucket's start. */
export function earliestWithTiers(store: SeriesStore): number {
  return Math.min(store.earliestTimeMs(), ...store.tiers.steps.map((s) => store.tiers.earliestTimeMs(s)));
}
