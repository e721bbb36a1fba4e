/**
 * Tiers: each series' samples also kept as aggregates of aligned buckets (10 s and
 * 1 min, as a TSDB downsamples), each bucket its minimum, maximum, sum and count
 * (mean = sum / count) and whether its minimum came before its maximum. Long ranges
 * (a day on the dashboard, a report over hours) read a tier: a bucket a minute
 * instead of sixty samples, with the spikes and dips still there.
 *
 * Buckets are aligned to multiples of their step (so a bucket is the same whoever
 * asks), and a series' buckets are contiguous in a ring: a bucket's time is implied
 * by its place, an empty bucket (the monitor was stopped) counts zero. So a tier
 * keeps the last `span` of time, whatever happened in it.
 *
 * The sum is accumulated in time order, sample by sample, so a tier equals a
 * recomputation from the raw samples exactly (not to a rounding).
 */
import type { SeriesInfo } from './seriesStore';

/** Steps of the tiers the store keeps and persists (ms), finest first. */
export const STORED_TIER_STEPS_MS: readonly number[] = [10_000, 60_000];

/**
 * The tiers written to disk: the 1 min tier. The 10 s tier would add about 0.7 B a
 * sample to the 1.8 B of the raw samples (past the ≤ 2 B budget); after a restore it is
 * rebuilt from the raw samples read back, and the 1 min tier reaches further.
 */
export const PERSISTED_TIER_STEPS_MS: readonly number[] = [60_000];

/** How far back each stored tier reaches (ms), by step: 6 h of 10 s buckets, a day of 1 min buckets. */
export const TIER_SPAN_MS: Readonly<Record<number, number>> = { 10_000: 6 * 3_600_000, 60_000: 24 * 3_600_000 };

/** Bytes of one bucket in memory: min, max, sum (float64), count (uint32), order (uint8). */
export const TIER_BUCKET_BYTES = 8 * 3 + 4 + 1;

/** Buckets a tier ring starts with (it grows by doubling, as far as its allowance lets it). */
const INITIAL_BUCKETS = 4;

/** One bucket's aggregate, as it is built. */
export interface BucketAggregate {
  min: number;
  max: number;
  sum: number;
  count: number;
  /** Whether the minimum came no later than the maximum (draw min then max). */
  minFirst: boolean;
}

/** Adds a finite value (the newest of its bucket) to an aggregate: the one rule every tier follows. */
export function addToBucket(b: BucketAggregate, value: number): void {
  if (b.count === 0) {
    b.min = b.max = b.sum = value;
    b.count = 1;
    b.minFirst = true;
    return;
  }
  if (value < b.min) {
    b.min = value;
    b.minFirst = false;
  } else if (value > b.max) {
    b.max = value;
    b.minFirst = true;
  }
  b.sum += value;
  b.count++;
}

/**
 * The aggregate of one bucket seen in two parts (`a` before `b`): a bucket a session
 * wrote when it closed and the next session completed.
 */
export function mergeBuckets(a: BucketAggregate, b: BucketAggregate): BucketAggregate {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const minFromB = b.min < a.min;
  const maxFromB = b.max > a.max;
  const minFirst = minFromB === maxFromB ? (minFromB ? b.minFirst : a.minFirst) : maxFromB;
  return { min: minFromB ? b.min : a.min, max: maxFromB ? b.max : a.max, sum: a.sum + b.sum, count: a.count + b.count, minFirst };
}

export function emptyBucket(): BucketAggregate {
  return { min: NaN, max: NaN, sum: 0, count: 0, minFirst: true };
}

/**
 * A run of buckets of one series in one tier: bucket `i` starts at times[i]; only
 * buckets holding samples are listed.
 */
export interface TierWindow {
  readonly stepMs: number;
  /** Bucket start times, ms, ascending. */
  readonly times: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  /** 1 where the bucket's minimum came no later than its maximum. */
  readonly minFirst: Uint8Array;
}

/** Mean of each bucket of a window (sum / count). */
export function tierMeans(w: TierWindow): Float64Array {
  const out = new Float64Array(w.times.length);
  for (let i = 0; i < out.length; i++) out[i] = w.sum[i]! / w.count[i]!;
  return out;
}

/** The bucket (index since the epoch) holding `timeMs`. */
export function bucketOf(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs);
}

/**
 * One series' buckets of one step: a ring of contiguous buckets ending at the newest
 * one written. It grows (doubling, up to `capacity`) only when `allow` grants the bytes;
 * when it may not, it overwrites its oldest bucket.
 */
export class TierRing {
  private minArr: Float64Array;
  private maxArr: Float64Array;
  private sumArr: Float64Array;
  private countArr: Uint32Array;
  private orderArr: Uint8Array;
  /** Physical index of the oldest bucket. */
  private head = 0;
  private n = 0;
  /** Bucket index (since the epoch) of the newest bucket; NaN while empty. */
  private newest = NaN;
  /** Scratch for one bucket's update. */
  private readonly cur: BucketAggregate = emptyBucket();

  constructor(
    readonly stepMs: number,
    /** Buckets kept at most. */
    readonly capacity: number,
    private readonly allow: (bytes: number) => boolean,
    slots = Math.min(capacity, INITIAL_BUCKETS),
  ) {
    this.minArr = new Float64Array(slots);
    this.maxArr = new Float64Array(slots);
    this.sumArr = new Float64Array(slots);
    this.countArr = new Uint32Array(slots);
    this.orderArr = new Uint8Array(slots);
  }

  get slots(): number {
    return this.countArr.length;
  }

  get bytes(): number {
    return this.slots * TIER_BUCKET_BYTES;
  }

  /** Bucket index of the newest bucket held (NaN when empty). */
  get newestBucket(): number {
    return this.newest;
  }

  /** Bucket index of the oldest bucket held (NaN when empty). */
  get oldestBucket(): number {
    return this.n === 0 ? NaN : this.newest - this.n + 1;
  }

  /** Adds a sample (times must not go back a bucket; non-finite values are not samples). */
  add(timeMs: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const b = bucketOf(timeMs, this.stepMs);
    if (!this.reach(b)) return;
    const i = this.physical(this.n - 1);
    const cur = this.cur;
    cur.min = this.minArr[i]!;
    cur.max = this.maxArr[i]!;
    cur.sum = this.sumArr[i]!;
    cur.count = this.countArr[i]!;
    cur.minFirst = this.orderArr[i] === 1;
    addToBucket(cur, value);
    this.store(i, cur);
  }

  /** Puts a whole bucket (from disk) at bucket index `b`, merged with what the ring holds there. */
  put(b: number, agg: BucketAggregate): void {
    this.putBucket(b, agg.min, agg.max, agg.sum, agg.count, agg.minFirst);
  }

  /** `put` without an object per bucket (a restore puts a day of buckets a series). */
  putBucket(b: number, min: number, max: number, sum: number, count: number, minFirst: boolean): void {
    if (count === 0 || !this.reach(b)) return;
    const i = this.physical(this.n - 1 - (this.newest - b));
    if (this.countArr[i]! === 0) {
      this.minArr[i] = min;
      this.maxArr[i] = max;
      this.sumArr[i] = sum;
      this.countArr[i] = count;
      this.orderArr[i] = minFirst ? 1 : 0;
    } else {
      this.store(i, mergeBuckets(this.aggregateAt(i), { min, max, sum, count, minFirst }));
    }
  }

  /**
   * Adds samples `from`..`to` of a series (times ascending, in buckets after the newest
   * held), a bucket at a time: what `add` would make of them, at a fraction of the cost.
   */
  addRun(times: ArrayLike<number>, values: ArrayLike<number>, from: number, to: number): void {
    const step = this.stepMs;
    let i = from;
    while (i < to) {
      const b = Math.floor(times[i]! / step);
      let min = NaN;
      let max = NaN;
      let sum = 0;
      let count = 0;
      let minFirst = true;
      for (; i < to && Math.floor(times[i]! / step) === b; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        if (count === 0) {
          min = max = sum = v;
        } else {
          if (v < min) {
            min = v;
            minFirst = false;
          } else if (v > max) {
            max = v;
            minFirst = true;
          }
          sum += v;
        }
        count++;
      }
      this.putBucket(b, min, max, sum, count, minFirst);
    }
  }

  /** Buckets with samples whose start lies in [fromMs, toMs] (a bucket that began before fromMs but holds it counts too). */
  window(fromMs: number, toMs: number): TierWindow {
    const step = this.stepMs;
    const lo = Math.max(this.oldestBucket, bucketOf(fromMs, step));
    const hi = Math.min(this.newest, bucketOf(toMs, step));
    const size = this.n === 0 || !(hi >= lo) ? 0 : hi - lo + 1;
    let filled = 0;
    for (let b = lo; b < lo + size; b++) {
      if (this.countArr[this.physical(this.n - 1 - (this.newest - b))]! > 0) filled++;
    }
    const w = {
      stepMs: step,
      times: new Float64Array(filled),
      min: new Float64Array(filled),
      max: new Float64Array(filled),
      sum: new Float64Array(filled),
      count: new Uint32Array(filled),
      minFirst: new Uint8Array(filled),
    };
    let k = 0;
    for (let b = lo; b < lo + size; b++) {
      const i = this.physical(this.n - 1 - (this.newest - b));
      if (this.countArr[i]! === 0) continue;
      w.times[k] = b * step;
      w.min[k] = this.minArr[i]!;
      w.max[k] = this.maxArr[i]!;
      w.sum[k] = this.sumArr[i]!;
      w.count[k] = this.countArr[i]!;
      w.minFirst[k] = this.orderArr[i]!;
      k++;
    }
    return w;
  }

  private aggregateAt(i: number): BucketAggregate {
    return { min: this.minArr[i]!, max: this.maxArr[i]!, sum: this.sumArr[i]!, count: this.countArr[i]!, minFirst: this.orderArr[i] === 1 };
  }

  private store(i: number, a: BucketAggregate): void {
    this.minArr[i] = a.min;
    this.maxArr[i] = a.max;
    this.sumArr[i] = a.sum;
    this.countArr[i] = a.count;
    this.orderArr[i] = a.minFirst ? 1 : 0;
  }

  private physical(logical: number): number {
    return (this.head + logical) % this.slots;
  }

  /** Makes bucket `b` held (appending empty buckets up to it); false when it is older than the ring reaches. */
  private reach(b: number): boolean {
    if (this.n === 0) {
      this.newest = b;
      this.n = 1;
      this.clearSlot(this.physical(0));
      return true;
    }
    if (b <= this.newest) {
      return b > this.newest - this.n;
    }
    if (b - this.newest >= this.capacity) {
      // Further than the ring reaches: it starts again at b.
      this.head = 0;
      this.n = 1;
      this.newest = b;
      this.clearSlot(0);
      return true;
    }
    while (this.newest < b) {
      if (this.n === this.slots) {
        this.growOrDropOldest();
      }
      this.newest++;
      this.n++;
      this.clearSlot(this.physical(this.n - 1));
    }
    return true;
  }

  private growOrDropOldest(): void {
    const next = Math.min(this.capacity, this.slots * 2);
    if (next > this.slots && this.allow((next - this.slots) * TIER_BUCKET_BYTES)) {
      this.minArr = this.inOrder(this.minArr, new Float64Array(next));
      this.maxArr = this.inOrder(this.maxArr, new Float64Array(next));
      this.sumArr = this.inOrder(this.sumArr, new Float64Array(next));
      this.countArr = this.inOrder(this.countArr, new Uint32Array(next));
      this.orderArr = this.inOrder(this.orderArr, new Uint8Array(next));
      this.head = 0;
      return;
    }
    // Full: the oldest bucket goes.
    this.head = (this.head + 1) % this.slots;
    this.n--;
  }

  /** The held buckets of `a`, oldest first, copied into `into` (two block copies). */
  private inOrder<T extends Float64Array | Uint32Array | Uint8Array>(a: T, into: T): T {
    const first = Math.min(this.n, a.length - this.head);
    into.set(a.subarray(this.head, this.head + first), 0);
    if (this.n > first) into.set(a.subarray(0, this.n - first), first);
    return into;
  }

  private clearSlot(i: number): void {
    this.minArr[i] = NaN;
    this.maxArr[i] = NaN;
    this.sumArr[i] = 0;
    this.countArr[i] = 0;
    this.orderArr[i] = 1;
  }
}

/**
 * The tiers of every series of a store: a TierRing a series and step. Their bytes are
 * granted by the owner (the store's memory budget): past it a ring stops growing and
 * keeps its newest buckets, and a new series gets no tiers.
 */
/**
 * Scraped series given tiers at most (the monitor's own series always get them). Each tiered
 * series costs two rings and their arrays whatever its bucket bytes (about 2.5 KB of heap), and
 * an aggregation on every sample: at an endpoint's 10,000 kept series that was +120 MB of peak
 * RSS and 2.8x the tick. The analyzer and the dashboard read at most a few hundred series.
 */
export const MAX_TIERED_SCRAPED_SERIES = 1_000;

export class SeriesTiers {
  private readonly rings = new Map<string, { info: SeriesInfo; readonly rings: TierRing[] }>();
  private used = 0;
  private scraped = 0;

  constructor(
    /** Grants bytes for buckets (the store's budget), false when they do not fit. */
    private readonly grant: (bytes: number) => boolean = () => true,
    readonly steps: readonly number[] = STORED_TIER_STEPS_MS,
    /** Buckets kept a step: its span (TIER_SPAN_MS) over the step. */
    readonly spansMs: Readonly<Record<number, number>> = TIER_SPAN_MS,
    readonly maxScrapedSeries = MAX_TIERED_SCRAPED_SERIES,
  ) {}

  /** Bytes of bucket storage held now. */
  get usedBytes(): number {
    return this.used;
  }

  private readonly allow = (bytes: number): boolean => {
    if (!this.grant(bytes)) return false;
    this.used += bytes;
    return true;
  };

  /**
   * The rings of a series (one a step, finest first), made on first use; undefined when the budget
   * cannot hold a new one, or when `own` is false and `maxScrapedSeries` scraped series have them.
   */
  ringsOf(key: string, info: SeriesInfo, own = true): TierRing[] | undefined {
    let r = this.rings.get(key);
    if (!r) {
      if (!own && this.scraped >= this.maxScrapedSeries) return undefined;
      const first = this.steps.map((s) => Math.min(Math.ceil((this.spansMs[s] ?? s) / s), INITIAL_BUCKETS));
      if (!this.allow(first.reduce((n, slots) => n + slots * TIER_BUCKET_BYTES, 0))) return undefined;
      r = { info, rings: this.steps.map((s, i) => new TierRing(s, Math.max(1, Math.ceil((this.spansMs[s] ?? s) / s)), this.allow, first[i])) };
      this.rings.set(key, r);
      if (!own) this.scraped++;
    }
    return r.rings;
  }

  /** The series' name, labels and TYPE/UNIT changed (its family declared another). */
  setInfo(key: string, info: SeriesInfo): void {
    const r = this.rings.get(key);
    if (r) r.info = info;
  }

  /** The ring of a series at a step this store keeps. */
  ring(key: string, stepMs: number): TierRing | undefined {
    const i = this.steps.indexOf(stepMs);
    return i < 0 ? undefined : this.rings.get(key)?.rings[i];
  }

  /** Every series with tiers (some may have no raw samples left), in the order they came. */
  series(): SeriesInfo[] {
    return [...this.rings.values()].map((r) => r.info);
  }

  /** A series' buckets of `stepMs` (one of `steps`) in [fromMs, toMs]. */
  window(key: string, stepMs: number, fromMs: number, toMs: number): TierWindow | undefined {
    return this.ring(key, stepMs)?.window(fromMs, toMs);
  }

  /** Start of the oldest bucket any series holds at this step (Infinity when none). */
  earliestTimeMs(stepMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    const i = this.steps.indexOf(stepMs);
    for (const r of this.rings.values()) {
      const b = r.rings[i]?.oldestBucket;
      if (b !== undefined && b === b) min = Math.min(min, b * stepMs);
    }
    return min;
  }

  clear(): void {
    this.rings.clear();
    this.used = 0;
    this.scraped = 0;
  }
}

/**
 * The stored tier a range reads: none (0, raw samples) while the raw history covers
 * it and its samples fit in `maxPoints`; else the finest stored tier whose buckets
 * over the span fit in `maxPoints` (the coarsest when none does).
 */
export function tierForRange(spanMs: number, intervalMs: number, maxPoints: number, rawFromMs: number, fromMs: number, steps: readonly number[] = STORED_TIER_STEPS_MS): number {
  if (fromMs >= rawFromMs && spanMs / Math.max(1, intervalMs) <= maxPoints) return 0;
  return steps.find((s) => spanMs / s <= maxPoints) ?? steps[steps.length - 1]!;
}
