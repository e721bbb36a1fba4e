/** A contiguous run of a series' samples: views of its ring's storage, not copies. */
export interface RingSegment {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Rows a new ring starts with: a new series costs a few samples, not its whole history. */
export const INITIAL_RING_SLOTS = 8;

/** Bytes of one slot of one column (a float64). */
export const SLOT_BYTES = 8;

/**
 * A ring of rows: one column of tick times shared by the value columns of the series
 * written in those ticks (the series one source writes each tick). A sample costs its
 * 8-byte value and its share of the time: with k series in a ring, 8 + 8/k bytes, where
 * a ring per series costs 16.
 *
 * A column holds the ring's newest `length` rows: it joins with none and gains one each
 * row, so a series that appears after the others shares their times from then on.
 * Every column gets a value in every row (`next`, set before `push`); a series that
 * misses a row its ring writes must leave first (SeriesStore moves it to a ring of its
 * own), so no row ever holds a made-up value.
 *
 * The storage grows (to at most `capacity` rows, all columns at once) as rows arrive;
 * the store decides whether its memory budget allows a growth.
 */
export class TimeRing {
  private timesStore: Float64Array;
  /** Physical index of the oldest row. */
  private head = 0;
  private count = 0;
  /** Rows ever written: a column's length is the rows written since it joined. */
  private written = 0;
  private readonly cols: ValueColumn[] = [];

  /** The store's tick bookkeeping: the tick this ring was last staged in, and how many columns were staged then. */
  stagedTick = 0;
  stagedColumns = 0;
  /** Whether the store's budget stopped this ring from growing to its capacity. */
  capped = false;

  constructor(
    readonly capacity: number,
    slots: number,
    /** The monitor's own series (the budget treats them apart). */
    readonly own: boolean,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.timesStore = new Float64Array(Math.max(1, Math.min(capacity, slots)));
  }

  /** Rows the storage holds now (≤ capacity). */
  get slots(): number {
    return this.timesStore.length;
  }

  /** Rows held (≤ slots). */
  get length(): number {
    return this.count;
  }

  get rowsWritten(): number {
    return this.written;
  }

  get columns(): readonly ValueColumn[] {
    return this.cols;
  }

  /** Bytes of storage: the time column and every value column. */
  get bytes(): number {
    return this.timesStore.length * SLOT_BYTES * (this.cols.length + 1);
  }

  /** Whether the next row overwrites the oldest one. */
  get full(): boolean {
    return this.count === this.timesStore.length;
  }

  /** A new column that holds no row yet (it gains the next one). */
  addColumn(): ValueColumn {
    const c = new ValueColumn(this, new Float64Array(this.timesStore.length), this.written, this.cols.length);
    this.cols.push(c);
    return c;
  }

  /**
   * A column holding every row `fill` gave (the last `count` of `values`, oldest
   * first): a restored series, or one leaving its ring. Only before the first push.
   */
  addColumnHolding(values: ArrayLike<number>): ValueColumn {
    if (this.head !== 0 || this.written !== this.count || values.length < this.count) {
      throw new Error('a column can only hold the rows a ring was filled with');
    }
    const store = new Float64Array(this.timesStore.length);
    const from = values.length - this.count;
    for (let i = 0; i < this.count; i++) store[i] = values[from + i]!;
    const c = new ValueColumn(this, store, 0, this.cols.length);
    this.cols.push(c);
    return c;
  }

  /**
   * A column holding `src`'s newest samples (at most this ring's rows), whose times
   * must be this ring's newest rows: a series moving here from another ring.
   */
  addColumnFrom(src: ValueColumn): ValueColumn {
    const n = Math.min(src.length, this.count);
    const store = new Float64Array(this.timesStore.length);
    const skip = src.length - n;
    for (let k = 0; k < n; k++) store[this.physical(this.count - n + k)] = src.valueAt(skip + k);
    const c = new ValueColumn(this, store, this.written - n, this.cols.length);
    c.key = src.key;
    this.cols.push(c);
    return c;
  }

  /** The newest `n` row times, oldest first. */
  tailTimes(n: number): Float64Array {
    const out = new Float64Array(Math.min(n, this.count));
    for (let k = 0; k < out.length; k++) out[k] = this.timeAtRow(this.count - out.length + k);
    return out;
  }

  /** Whether `c`'s times are this ring's newest rows (then it can move here). */
  holdsTimesOf(c: ValueColumn): boolean {
    const n = c.length;
    const m = this.count;
    if (n === 0 || n > m || c.timeAt(n - 1) !== this.timeAtRow(m - 1) || c.timeAt(0) !== this.timeAtRow(m - n)) return false;
    for (let k = 1; k < n - 1; k++) {
      if (c.timeAt(k) !== this.timeAtRow(m - n + k)) return false;
    }
    return true;
  }

  /** Takes a column out (its storage goes with it). */
  removeColumn(c: ValueColumn): void {
    const last = this.cols.pop()!;
    if (last !== c) {
      this.cols[c.index] = last;
      last.index = c.index;
    }
  }

  /**
   * Fills a new, empty ring with the last `n` of `times` (restore, or a series leaving
   * its ring): the rows it starts with, before any column.
   */
  fill(times: ArrayLike<number>, n: number): void {
    if (this.written !== 0 || n > this.timesStore.length) {
      throw new Error('a ring can only be filled once, with at most its slots');
    }
    const from = times.length - n;
    for (let i = 0; i < n; i++) this.timesStore[i] = times[from + i]!;
    this.count = n;
    this.written = n;
  }

  /** Grows every column to `slots` rows, oldest first. */
  grow(slots: number): void {
    const next = Math.min(this.capacity, slots);
    if (next <= this.timesStore.length) return;
    this.timesStore = this.unwrapped(this.timesStore, next);
    for (const c of this.cols) c.values = this.unwrapped(c.values, next);
    this.head = 0;
  }

  private unwrapped(a: Float64Array, size: number): Float64Array {
    const out = new Float64Array(size);
    const first = Math.min(this.count, a.length - this.head);
    out.set(a.subarray(this.head, this.head + first), 0);
    if (this.count > first) out.set(a.subarray(0, this.count - first), first);
    return out;
  }

  /** Writes a row at `timeMs` with each column's `next` value (the oldest row goes when full). */
  push(timeMs: number): void {
    const size = this.timesStore.length;
    const i = (this.head + this.count) % size;
    this.timesStore[i] = timeMs;
    for (const c of this.cols) c.values[i] = c.next;
    if (this.count < size) {
      this.count++;
    } else {
      this.head = (this.head + 1) % size;
    }
    this.written++;
  }

  /** Physical index of logical row `i` (0 = the oldest held). */
  physical(i: number): number {
    return (this.head + i) % this.timesStore.length;
  }

  timeAtRow(i: number): number {
    return this.timesStore[this.physical(i)]!;
  }

  /** The time column's storage, for columns' views (never keep it: it moves when the ring grows). */
  get timeStorage(): Float64Array {
    return this.timesStore;
  }
}

/** One series' values in a TimeRing: the ring's newest `length` rows. */
export class ValueColumn {
  /** The value this series gets in the ring's next row. */
  next = Number.NaN;
  /** The series' key (the store's). */
  key = '';

  constructor(
    readonly ring: TimeRing,
    /** Same layout as the ring's time column. */
    public values: Float64Array,
    /** The ring's rowsWritten when this column joined. */
    private readonly joinedAt: number,
    /** Position in the ring's columns. */
    public index: number,
  ) {}

  get length(): number {
    return Math.min(this.ring.rowsWritten - this.joinedAt, this.ring.length);
  }

  /** Logical ring row of this column's sample `i` (0 = its oldest). */
  private row(i: number): number {
    return this.ring.length - this.length + i;
  }

  timeAt(i: number): number {
    return this.ring.timeAtRow(this.row(i));
  }

  valueAt(i: number): number {
    return this.values[this.ring.physical(this.row(i))]!;
  }

  /** Index of the first sample with time >= t (binary search; samples are in time order). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Copies samples with fromMs <= t <= toMs into fresh arrays. */
  window(fromMs: number, toMs: number): { times: Float64Array; values: Float64Array } {
    const segs = this.segments(fromMs, toMs);
    let n = 0;
    for (const s of segs) n += s.times.length;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let at = 0;
    for (const s of segs) {
      times.set(s.times, at);
      values.set(s.values, at);
      at += s.times.length;
    }
    return { times, values };
  }

  /**
   * Samples with fromMs <= t <= toMs, in time order, as at most two zero-copy views
   * (two when the window wraps around the end of the storage). The views alias the
   * ring: a later push overwrites what they show, so read them at once, never keep them.
   */
  segments(fromMs: number, toMs: number): RingSegment[] {
    const start = this.lowerBound(fromMs);
    let end = this.lowerBound(toMs);
    const len = this.length;
    while (end < len && this.timeAt(end) <= toMs) end++;
    const n = end - start;
    if (n <= 0) return [];
    const times = this.ring.timeStorage;
    const size = times.length;
    const p = this.ring.physical(this.row(start));
    const first = Math.min(n, size - p);
    const out: RingSegment[] = [{ times: times.subarray(p, p + first), values: this.values.subarray(p, p + first) }];
    if (n > first) {
      out.push({ times: times.subarray(0, n - first), values: this.values.subarray(0, n - first) });
    }
    return out;
  }
}
