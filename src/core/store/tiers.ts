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
 *
 * A series' store holds the buckets of the samples that left its raw history (and those
 * read from disk); a read of a tier (SeriesTiers) makes the buckets of its raw samples
 * after them, going on with a bucket half stored, so the two never hold the same hours.
 * A tier's span counts from its newest stored bucket, so it reaches that far past the
 * raw history.
 */
import type { ValueColumn } from './ringBuffer';
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
 * Whether the merged bucket's minimum came no later than its maximum, when part `b`
 * follows part `a` and `minFromB` / `maxFromB` say which part holds each extreme.
 * The chart's bucket merge (chartTiers.ts) uses the same rule on its columns.
 */
export function mergedMinFirst(aMinFirst: boolean, bMinFirst: boolean, minFromB: boolean, maxFromB: boolean): boolean {
  if (minFromB === maxFromB) return minFromB ? bMinFirst : aMinFirst;
  return maxFromB;
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
  const minFirst = mergedMinFirst(a.minFirst, b.minFirst, minFromB, maxFromB);
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

/** Columns a tier store makes room for at first; it grows by half as series come. */
const INITIAL_COLUMNS = 4;

/** One series' buckets of one step, as TieredView reads them. */
export interface TierSeries {
  readonly stepMs: number;
  /** Bucket index of the oldest bucket held for the series (NaN when none). */
  readonly oldestBucket: number;
  /** Bucket index of the newest bucket the series has a sample in (NaN when none). */
  readonly newestBucket: number;
  window(fromMs: number, toMs: number): TierWindow;
}

/**
 * The buckets of one step for every tiered series at once, in columns: one ring of
 * contiguous buckets shared by all series (buckets are aligned to the step, so bucket
 * i is the same time for every series), and a column a series in five typed arrays the
 * store holds (min, max, sum, count, order; column c at [c × slots, (c + 1) × slots)).
 * A series costs its bucket bytes and nothing more: no arrays or ring of its own. An
 * empty bucket (no sample then, or the monitor was stopped) counts zero.
 *
 * The ring keeps the last `capacity` buckets of time; it grows (doubling) only when
 * `allow` grants the bytes, else the oldest bucket goes for every series. A pause
 * longer than the span starts it again.
 */
export class TierStore {
  private minArr = new Float64Array(0);
  private maxArr = new Float64Array(0);
  private sumArr = new Float64Array(0);
  private countArr = new Uint32Array(0);
  private orderArr = new Uint8Array(0);
  /** Per column, the newest and oldest bucket it put a sample in (NaN: none yet). */
  private lastOf = new Float64Array(0);
  private firstOf = new Float64Array(0);
  /**
   * Per column, the time of the newest sample added (-Infinity: none), and the newest
   * bucket put whole (from disk; -Infinity: none): the column's raw samples after both
   * are not in the store yet (SeriesTiers reads them from the raw column).
   */
  private fedToOf = new Float64Array(0);
  private fedBucketOf = new Float64Array(0);
  private cols = 0;
  private colCap = 0;
  private rows: number;
  /** Physical row of the oldest bucket. */
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
    private readonly initialSlots = Math.min(capacity, INITIAL_BUCKETS),
  ) {
    this.rows = Math.max(1, Math.min(capacity, initialSlots));
  }

  /** Empty again, every column gone, the arrays given back. */
  clear(): void {
    this.minArr = new Float64Array(0);
    this.maxArr = new Float64Array(0);
    this.sumArr = new Float64Array(0);
    this.countArr = new Uint32Array(0);
    this.orderArr = new Uint8Array(0);
    this.lastOf = new Float64Array(0);
    this.firstOf = new Float64Array(0);
    this.fedToOf = new Float64Array(0);
    this.fedBucketOf = new Float64Array(0);
    this.cols = this.colCap = this.head = this.n = 0;
    this.newest = NaN;
    this.rows = Math.max(1, Math.min(this.capacity, this.initialSlots));
  }

  /** Buckets the ring has room for now. */
  get slots(): number {
    return this.rows;
  }

  get columns(): number {
    return this.cols;
  }

  /** Bytes of the arrays (every column the store has room for). */
  get bytes(): number {
    return this.rows * this.colCap * TIER_BUCKET_BYTES;
  }

  /** Bucket index of the newest bucket held (NaN when empty). */
  get newestBucket(): number {
    return this.newest;
  }

  /** Bucket index of the oldest bucket held (NaN when empty). */
  get oldestBucket(): number {
    return this.n === 0 ? NaN : this.newest - this.n + 1;
  }

  /** A new column (series), its buckets empty; undefined when the allowance cannot hold it. */
  addColumn(): number | undefined {
    if (this.cols === this.colCap) {
      const next = Math.max(INITIAL_COLUMNS, Math.ceil(this.colCap * 1.5));
      if (!this.allow((next - this.colCap) * this.rows * TIER_BUCKET_BYTES)) return undefined;
      this.relayout(this.rows, next);
    }
    const c = this.cols++;
    this.lastOf[c] = NaN;
    this.firstOf[c] = NaN;
    this.fedToOf[c] = Number.NEGATIVE_INFINITY;
    this.fedBucketOf[c] = Number.NEGATIVE_INFINITY;
    const at = c * this.rows;
    this.minArr.fill(NaN, at, at + this.rows);
    this.maxArr.fill(NaN, at, at + this.rows);
    this.sumArr.fill(0, at, at + this.rows);
    this.countArr.fill(0, at, at + this.rows);
    this.orderArr.fill(1, at, at + this.rows);
    return c;
  }

  /** Takes back the newest column (a series that could not get a column in every step). */
  dropLastColumn(): void {
    if (this.cols > 0) this.cols--;
  }

  /**
   * Makes room for `buckets` at once (a restore knows how many it puts), as far as
   * `capacity` and the allowance let it: one allocation instead of a doubling at a time.
   */
  reserve(buckets: number): void {
    const next = Math.min(this.capacity, buckets);
    if (next <= this.rows || !this.allow((next - this.rows) * this.colCap * TIER_BUCKET_BYTES)) return;
    this.relayout(next, this.colCap);
  }

  /** Adds a sample of column `col` (non-finite values are not samples; a bucket older than the ring holds is not kept). */
  add(col: number, timeMs: number, value: number): void {
    if (timeMs > this.fedToOf[col]!) this.fedToOf[col] = timeMs;
    if (!Number.isFinite(value)) return;
    const b = bucketOf(timeMs, this.stepMs);
    if (!this.reach(b)) return;
    const i = this.cell(col, b);
    const cur = this.cur;
    cur.min = this.minArr[i]!;
    cur.max = this.maxArr[i]!;
    cur.sum = this.sumArr[i]!;
    cur.count = this.countArr[i]!;
    cur.minFirst = this.orderArr[i] === 1;
    addToBucket(cur, value);
    this.store(i, cur);
    this.touch(col, b);
  }

  /** Puts a whole bucket (from disk) of column `col` at bucket index `b`, merged with what is held there. */
  putBucket(col: number, b: number, min: number, max: number, sum: number, count: number, minFirst: boolean): void {
    if (b > this.fedBucketOf[col]!) this.fedBucketOf[col] = b;
    this.putMerged(col, b, min, max, sum, count, minFirst);
  }

  /** A bucket's aggregate merged into what column `col` holds at bucket `b`. */
  private putMerged(col: number, b: number, min: number, max: number, sum: number, count: number, minFirst: boolean): void {
    if (count === 0 || !this.reach(b)) return;
    const i = this.cell(col, b);
    if (this.countArr[i]! === 0) {
      this.minArr[i] = min;
      this.maxArr[i] = max;
      this.sumArr[i] = sum;
      this.countArr[i] = count;
      this.orderArr[i] = minFirst ? 1 : 0;
    } else {
      this.store(i, mergeBuckets(this.aggregateAt(i), { min, max, sum, count, minFirst }));
    }
    this.touch(col, b);
  }

  /**
   * Adds samples `from`..`to` of column `col` (times ascending, in buckets after its
   * newest), a bucket at a time: what `add` would make of them, at a fraction of the cost.
   */
  addRun(col: number, times: ArrayLike<number>, values: ArrayLike<number>, from: number, to: number): void {
    const step = this.stepMs;
    if (to > from && times[to - 1]! > this.fedToOf[col]!) this.fedToOf[col] = times[to - 1]!;
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
      this.putMerged(col, b, min, max, sum, count, minFirst);
    }
  }

  /** The time of the newest sample column `col` was given (-Infinity: none). */
  fedTo(col: number): number {
    return this.fedToOf[col]!;
  }

  /** The newest bucket column `col` was given whole (from disk; -Infinity: none). */
  fedBucket(col: number): number {
    return this.fedBucketOf[col]!;
  }

  /** Bucket index of the newest bucket column `col` has a sample in, while the ring holds it (else NaN). */
  newestOf(col: number): number {
    const last = this.lastOf[col]!;
    return last >= this.newest - this.n + 1 ? last : NaN;
  }

  /** Bucket index of the oldest bucket held for column `col` (NaN when it has none). */
  oldestOf(col: number): number {
    return this.newestOf(col) === this.newestOf(col) ? Math.max(this.firstOf[col]!, this.newest - this.n + 1) : NaN;
  }

  /** Column `col`'s buckets with samples whose start lies in [fromMs, toMs] (a bucket that began before fromMs but holds it counts too). */
  window(col: number, fromMs: number, toMs: number): TierWindow {
    const step = this.stepMs;
    const lo = Math.max(this.oldestBucket, bucketOf(fromMs, step));
    const hi = Math.min(this.newest, bucketOf(toMs, step));
    const size = this.n === 0 || !(hi >= lo) ? 0 : hi - lo + 1;
    let filled = 0;
    for (let b = lo; b < lo + size; b++) {
      if (this.countArr[this.cell(col, b)]! > 0) filled++;
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
      const i = this.cell(col, b);
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

  /** Column `col` as one series' tier (read when asked: the store holds no object a series). */
  seriesOf(col: number): TierSeries {
    return {
      stepMs: this.stepMs,
      oldestBucket: this.oldestOf(col),
      newestBucket: this.newestOf(col),
      window: (fromMs, toMs) => this.window(col, fromMs, toMs),
    };
  }

  /** Array index of column `col`'s bucket `b` (held by the ring). */
  private cell(col: number, b: number): number {
    return col * this.rows + ((this.head + this.n - 1 - (this.newest - b)) % this.rows);
  }

  /** Column `col` put a sample in bucket `b`: its first and last buckets since the ring held none of its samples. */
  private touch(col: number, b: number): void {
    const last = this.lastOf[col]!;
    if (!(last >= this.newest - this.n + 1)) {
      this.firstOf[col] = b;
      this.lastOf[col] = b;
      return;
    }
    if (b > last) this.lastOf[col] = b;
    if (b < this.firstOf[col]!) this.firstOf[col] = b;
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

  /** Makes bucket `b` held (appending empty buckets up to it); false when it is older than the ring reaches. */
  private reach(b: number): boolean {
    if (this.n === 0) {
      this.newest = b;
      this.n = 1;
      this.head = 0;
      this.clearRow(0);
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
      this.clearRow(0);
      return true;
    }
    while (this.newest < b) {
      if (this.n === this.rows) {
        this.growOrDropOldest();
      }
      this.newest++;
      this.n++;
      this.clearRow((this.head + this.n - 1) % this.rows);
    }
    return true;
  }

  private growOrDropOldest(): void {
    const next = Math.min(this.capacity, this.rows * 2);
    if (next > this.rows && this.allow((next - this.rows) * this.colCap * TIER_BUCKET_BYTES)) {
      this.relayout(next, this.colCap);
      return;
    }
    // Full: the oldest bucket goes.
    this.head = (this.head + 1) % this.rows;
    this.n--;
  }

  /** New arrays of `rows` × `colCap`, each column's held buckets copied oldest first (two block copies a column). */
  private relayout(rows: number, colCap: number): void {
    const move = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, into: T): T => {
      const first = Math.min(this.n, this.rows - this.head);
      for (let c = 0; c < this.cols; c++) {
        const at = c * this.rows;
        into.set(a.subarray(at + this.head, at + this.head + first), c * rows);
        if (this.n > first) into.set(a.subarray(at, at + this.n - first), c * rows + first);
      }
      return into;
    };
    this.minArr = move(this.minArr, new Float64Array(rows * colCap));
    this.maxArr = move(this.maxArr, new Float64Array(rows * colCap));
    this.sumArr = move(this.sumArr, new Float64Array(rows * colCap));
    this.countArr = move(this.countArr, new Uint32Array(rows * colCap));
    this.orderArr = move(this.orderArr, new Uint8Array(rows * colCap));
    if (colCap !== this.colCap) {
      const last = new Float64Array(colCap);
      last.set(this.lastOf.subarray(0, this.cols));
      const first = new Float64Array(colCap);
      first.set(this.firstOf.subarray(0, this.cols));
      const fedTo = new Float64Array(colCap);
      fedTo.set(this.fedToOf.subarray(0, this.cols));
      const fedBucket = new Float64Array(colCap);
      fedBucket.set(this.fedBucketOf.subarray(0, this.cols));
      this.lastOf = last;
      this.firstOf = first;
      this.fedToOf = fedTo;
      this.fedBucketOf = fedBucket;
    }
    this.rows = rows;
    this.colCap = colCap;
    this.head = 0;
  }

  private clearRow(r: number): void {
    for (let c = 0, i = r; c < this.cols; c++, i += this.rows) {
      this.minArr[i] = NaN;
      this.maxArr[i] = NaN;
      this.sumArr[i] = 0;
      this.countArr[i] = 0;
      this.orderArr[i] = 1;
    }
  }
}

/**
 * Scraped series given tiers at most (the monitor's own series always get them): the
 * tiers' share of the budget is divided among the series' buckets (every tiered series
 * keeps as many buckets as the others), so past a few hundred series each would keep
 * too little to reach past the raw history. The analyzer and the dashboard read at
 * most a few hundred series.
 */
export const MAX_TIERED_SCRAPED_SERIES = 1_000;

/**
 * The tiers of every series of a store: a TierStore a step, a column a series (the same
 * column in each step). Their bytes are granted by the owner (the store's memory
 * budget): past it the stores stop growing and keep their newest buckets, and a new
 * series gets no tiers.
 */
export class SeriesTiers {
  private readonly byKey = new Map<string, { info: SeriesInfo; readonly col: number }>();
  /** A store a step, finest first. */
  readonly stores: readonly TierStore[];
  private used = 0;
  private scraped = 0;

  constructor(
    /** Grants bytes for buckets (the store's budget), false when they do not fit. */
    private readonly grant: (bytes: number) => boolean = () => true,
    readonly steps: readonly number[] = STORED_TIER_STEPS_MS,
    /** Buckets kept a step: its span (TIER_SPAN_MS) over the step. */
    readonly spansMs: Readonly<Record<number, number>> = TIER_SPAN_MS,
    readonly maxScrapedSeries = MAX_TIERED_SCRAPED_SERIES,
    /**
     * A series' raw samples (the store's column), where they are not in the tiers yet:
     * the store gives a sample to its tiers only when it leaves the raw history, so the
     * tiers do not hold twice the hours the raw samples hold; a read takes the buckets
     * after the stored ones from the raw samples.
     */
    private readonly rawOf: (key: string) => ValueColumn | undefined = () => undefined,
  ) {
    this.stores = steps.map((s) => new TierStore(s, Math.max(1, Math.ceil((spansMs[s] ?? s) / s)), this.allow));
  }

  /** Bytes of bucket storage held now. */
  get usedBytes(): number {
    return this.used;
  }

  private readonly allow = (bytes: number): boolean => {
    if (!this.grant(bytes)) return false;
    this.used += bytes;
    return true;
  };

  /** A sample of a series' tier column into every step's store (it has left the raw history). */
  add(col: number, timeMs: number, value: number): void {
    for (const st of this.stores) st.add(col, timeMs, value);
  }

  /**
   * The column of a series (the same in every step's store), made on first use; undefined
   * when the budget cannot hold a new one, or when `own` is false and `maxScrapedSeries`
   * scraped series have one.
   */
  columnOf(key: string, info: SeriesInfo, own = true): number | undefined {
    const r = this.byKey.get(key);
    if (r) return r.col;
    if (!own && this.scraped >= this.maxScrapedSeries) return undefined;
    let col: number | undefined;
    for (let i = 0; i < this.stores.length; i++) {
      const c = this.stores[i]!.addColumn();
      if (c === undefined || (col !== undefined && c !== col)) {
        for (let k = 0; k <= i; k++) if (k < i || c !== undefined) this.stores[k]!.dropLastColumn();
        return undefined;
      }
      col = c;
    }
    if (col === undefined) return undefined;
    this.byKey.set(key, { info, col });
    if (!own) this.scraped++;
    return col;
  }

  /** Whether the series has tiers. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The name, labels and TYPE/UNIT of a series with tiers. */
  info(key: string): SeriesInfo | undefined {
    return this.byKey.get(key)?.info;
  }

  /** The series' name, labels and TYPE/UNIT changed (its family declared another). */
  setInfo(key: string, info: SeriesInfo): void {
    const r = this.byKey.get(key);
    if (r) r.info = info;
  }

  /** The store of a step this store keeps. */
  store(stepMs: number): TierStore | undefined {
    const i = this.steps.indexOf(stepMs);
    return i < 0 ? undefined : this.stores[i];
  }

  /** A series' tier at a step this store keeps: its stored buckets, then those of its raw samples after them. */
  ring(key: string, stepMs: number): TierSeries | undefined {
    const r = this.byKey.get(key);
    const st = this.store(stepMs);
    if (r === undefined || st === undefined) return undefined;
    const col = r.col;
    const raw = this.rawAfter(st, col, key);
    return {
      stepMs,
      oldestBucket: raw !== undefined && !(st.oldestOf(col) <= raw.first) ? raw.first : st.oldestOf(col),
      newestBucket: raw !== undefined ? raw.last : st.newestOf(col),
      window: (fromMs, toMs) => this.windowOf(st, col, key, fromMs, toMs),
    };
  }

  /**
   * The buckets (first and last, within the store's span of the newest) of a series' raw
   * samples not yet in `st`, and the index of the first such sample; undefined when none.
   */
  private rawAfter(st: TierStore, col: number, key: string): { column: ValueColumn; from: number; first: number; last: number } | undefined {
    const column = this.rawOf(key);
    const n = column?.length ?? 0;
    if (column === undefined || n === 0) return undefined;
    const step = st.stepMs;
    const last = bucketOf(column.timeAt(n - 1), step);
    // After the samples given, after the buckets given whole, and within the span.
    const fedTo = st.fedTo(col);
    const afterMs = Math.max((Math.max(st.fedBucket(col), last - st.capacity) + 1) * step, Number.NEGATIVE_INFINITY);
    let from = column.lowerBound(afterMs);
    if (fedTo >= afterMs) {
      from = column.lowerBound(fedTo);
      while (from < n && column.timeAt(from) <= fedTo) from++;
    }
    if (from >= n) return undefined;
    return { column, from, first: bucketOf(column.timeAt(from), step), last };
  }

  /** Column `col`'s stored buckets in [fromMs, toMs], then those its raw samples make (see rawOf). */
  private windowOf(st: TierStore, col: number, key: string, fromMs: number, toMs: number): TierWindow {
    const stored = st.window(col, fromMs, toMs);
    const raw = this.rawAfter(st, col, key);
    if (raw === undefined) return stored;
    const step = st.stepMs;
    const lo = Math.max(raw.first, bucketOf(fromMs, step));
    const hi = Math.min(raw.last, bucketOf(toMs, step));
    if (!(hi >= lo)) return stored;
    // The stored window's last bucket goes on with the raw samples when they continue it (a bucket half given).
    const n0 = stored.times.length;
    const joins = n0 > 0 && stored.times[n0 - 1]! === lo * step ? 1 : 0;
    const cap = n0 + (hi - lo + 1);
    const w = {
      stepMs: step,
      times: new Float64Array(cap),
      min: new Float64Array(cap),
      max: new Float64Array(cap),
      sum: new Float64Array(cap),
      count: new Uint32Array(cap),
      minFirst: new Uint8Array(cap),
    };
    w.times.set(stored.times);
    w.min.set(stored.min);
    w.max.set(stored.max);
    w.sum.set(stored.sum);
    w.count.set(stored.count);
    w.minFirst.set(stored.minFirst);
    let k = n0 - joins;
    const cur = emptyBucket();
    let b = Number.NaN;
    if (joins === 1) {
      b = lo;
      cur.min = stored.min[k]!;
      cur.max = stored.max[k]!;
      cur.sum = stored.sum[k]!;
      cur.count = stored.count[k]!;
      cur.minFirst = stored.minFirst[k] === 1;
    }
    const put = (): void => {
      if (cur.count === 0) return;
      w.times[k] = b * step;
      w.min[k] = cur.min;
      w.max[k] = cur.max;
      w.sum[k] = cur.sum;
      w.count[k] = cur.count;
      w.minFirst[k] = cur.minFirst ? 1 : 0;
      k++;
    };
    const c = raw.column;
    const startAt = Math.max(raw.from, c.lowerBound(lo * step));
    for (const seg of c.segments(c.timeAt(Math.min(startAt, c.length - 1)), (hi + 1) * step)) {
      const ts = seg.times;
      const vs = seg.values;
      for (let i = 0; i < ts.length; i++) {
        const sb = Math.floor(ts[i]! / step);
        if (sb > hi) break;
        if (sb !== b) {
          put();
          b = sb;
          cur.count = 0;
          cur.sum = 0;
        }
        const v = vs[i]!;
        if (Number.isFinite(v)) addToBucket(cur, v);
      }
    }
    put();
    if (k === cap) return w;
    return {
      stepMs: step,
      times: w.times.slice(0, k),
      min: w.min.slice(0, k),
      max: w.max.slice(0, k),
      sum: w.sum.slice(0, k),
      count: w.count.slice(0, k),
      minFirst: w.minFirst.slice(0, k),
    };
  }

  /** Every series with tiers (some may have no raw samples left), in the order they came. */
  series(): SeriesInfo[] {
    return [...this.byKey.values()].map((r) => r.info);
  }

  /** A series' buckets of `stepMs` (one of `steps`) in [fromMs, toMs]: stored, then made from its raw samples after them. */
  window(key: string, stepMs: number, fromMs: number, toMs: number): TierWindow | undefined {
    const r = this.byKey.get(key);
    const st = this.store(stepMs);
    return r === undefined || st === undefined ? undefined : this.windowOf(st, r.col, key, fromMs, toMs);
  }

  /** Start of the oldest bucket any series holds at this step (Infinity when none). */
  earliestTimeMs(stepMs: number): number {
    const st = this.store(stepMs);
    let min = Number.POSITIVE_INFINITY;
    if (!st) return min;
    for (const [key, r] of this.byKey) {
      let b = st.oldestOf(r.col);
      if (b !== b) b = this.rawAfter(st, r.col, key)?.first ?? Number.NaN;
      if (b === b) min = Math.min(min, b * stepMs);
    }
    return min;
  }

  clear(): void {
    this.byKey.clear();
    this.used = 0;
    this.scraped = 0;
    for (const st of this.stores) st.clear();
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
