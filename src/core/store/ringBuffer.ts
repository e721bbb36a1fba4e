/** A contiguous run of a series' samples: views of its ring's storage, not copies. */
export interface RingSegment {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Segments, in order, copied into one fresh pair of arrays. */
export function joinSegments(segments: readonly RingSegment[]): { times: Float64Array; values: Float64Array } {
  let n = 0;
  for (const s of segments) n += s.times.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const s of segments) {
    times.set(s.times, at);
    values.set(s.values, at);
    at += s.times.length;
  }
  return { times, values };
}

/** Rows a new ring starts with: a new series costs a few samples, not its whole history. */
export const INITIAL_RING_SLOTS = 8;

/** Bytes of one slot of one column (a float64). */
export const SLOT_BYTES = 8;

/**
 * A ring whose value columns grow past this many bytes keeps them in one slab (see
 * TimeRing). Below it, a column is an array of its own: a slab costs whole pages and
 * an address-space reservation, worth it only for a big ring.
 */
export const SLAB_MIN_BYTES = 1 << 20;

/**
 * A ring needs this many value columns, too, to keep them in a slab. The slab is a
 * resizable buffer, and on Node 20 (V8 11.3: code-server's Node and the bench's) every
 * typed array over one takes the engine's slow paths: reading and summing a column's
 * 900 values took 2.6–2.9 µs CPU against 0.7–0.8 over a plain array, and the analyzer
 * over a day of 10 series 22.0–23.6 ms against 19.9–21.7 (issue 20). The slab is worth
 * that where arrays cost memory: many columns growing at once (issue 11: 10,000; at 100
 * columns of 8,192 rows, arrays left ~14 MB more RSS than the slab). A ring of fewer
 * columns (a source's few series, the monitor's own) keeps an array per column, read on
 * the fast path; at most 31 arrays are replaced at a growth.
 */
export const SLAB_MIN_COLUMNS = 32;

/** ES2024's resizable ArrayBuffer (Node 20 has it; the project's lib is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;
/** A runtime without resizable buffers keeps every column on its own. */
const HAS_RESIZABLE = typeof (ArrayBuffer.prototype as Partial<ResizableArrayBuffer>).resize === 'function';
/** The engine's largest resizable buffer (V8: 2^32 bytes); the store's budget is at most 4096 MiB, so a ring never needs more. */
const SLAB_MAX_BYTES = 2 ** 32;

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
 *
 * A big ring of many columns keeps its value columns in one slab (see
 * SLAB_MIN_COLUMNS): a resizable buffer that holds column i at rows
 * [i × slots, (i + 1) × slots), grown and shrunk in place. With an array per
 * column, 10,000 columns growing meant 10,000 new arrays at twice the size while the
 * old ones waited for a major GC, and malloc kept the holes they left: ~30 MB of the
 * watcher's peak RSS at 100,000 exposed series (issue 11). A slab's pages are
 * committed as it grows and given back as it shrinks; its address space is reserved
 * up front, which costs no memory.
 */
export class TimeRing {
  private timesStore: Float64Array;
  /** Every value column, once the ring is big (undefined before: the columns are arrays of their own). */
  private slab: ResizableArrayBuffer | undefined;
  /**
   * The slab's values (a view that follows its length): column i's row p is at
   * i × slots + p. Columns hold no view of their own: 10,000 views were 1 MB of heap,
   * made again at every growth.
   */
  private slabValues: Float64Array | undefined;
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
    /** Value columns past this many bytes go into one slab when the ring grows (tests lower it). */
    private readonly slabMinBytes = SLAB_MIN_BYTES,
    /** ... and rings of at least this many columns (tests lower it). */
    private readonly slabMinColumns = SLAB_MIN_COLUMNS,
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
    const c = new ValueColumn(this, this.newColumnStore(), this.written, this.cols.length);
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
    const own = this.newColumnStore();
    const store = own ?? this.slabColumn(this.cols.length);
    const from = values.length - this.count;
    for (let i = 0; i < this.count; i++) store[i] = values[from + i]!;
    const c = new ValueColumn(this, own, 0, this.cols.length);
    this.cols.push(c);
    return c;
  }

  /**
   * A column holding `src`'s newest samples (at most this ring's rows), whose times
   * must be this ring's newest rows: a series moving here from another ring.
   */
  addColumnFrom(src: ValueColumn): ValueColumn {
    const n = Math.min(src.length, this.count);
    const own = this.newColumnStore();
    const store = own ?? this.slabColumn(this.cols.length);
    const skip = src.length - n;
    for (let k = 0; k < n; k++) store[this.physical(this.count - n + k)] = src.valueAt(skip + k);
    const c = new ValueColumn(this, own, this.written - n, this.cols.length);
    c.key = src.key;
    c.tierCol = src.tierCol;
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
    const all = this.slabValues;
    if (all !== undefined) {
      // It leaves with a copy of its values (the store still reads them: a series moving
      // to another ring); the last column's values fill its place, and the slab shrinks.
      const slots = this.timesStore.length;
      c.ownValues = all.slice(c.index * slots, (c.index + 1) * slots);
      if (last !== c) all.copyWithin(c.index * slots, last.index * slots, (last.index + 1) * slots);
      this.slab!.resize(this.cols.length * slots * SLOT_BYTES);
    }
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
    const old = this.timesStore.length;
    if (next <= old) return;
    const bytes = this.cols.length * next * SLOT_BYTES;
    if (this.slab !== undefined && bytes > SLAB_MAX_BYTES) this.leaveSlab();
    if (this.slab !== undefined) {
      this.fitSlab(bytes);
      this.relayout(old, next);
    } else if (HAS_RESIZABLE && bytes > 0 && bytes >= this.slabMinBytes && bytes <= SLAB_MAX_BYTES && this.cols.length >= this.slabMinColumns) {
      const slab = new ResizableBuffer(bytes, { maxByteLength: this.slabReserve(this.cols.length) });
      const all = new Float64Array(slab);
      for (const c of this.cols) {
        this.unwrapInto(c.ownValues!, all.subarray(c.index * next, (c.index + 1) * next));
        c.ownValues = undefined;
      }
      this.slab = slab;
      this.slabValues = all;
    } else {
      for (const c of this.cols) c.ownValues = this.unwrapped(c.ownValues!, next);
    }
    this.timesStore = this.unwrapped(this.timesStore, next);
    this.head = 0;
  }

  private unwrapped(a: Float64Array, size: number): Float64Array {
    const out = new Float64Array(size);
    this.unwrapInto(a, out);
    return out;
  }

  /** `a`'s rows, oldest first, from the start of `out`. */
  private unwrapInto(a: Float64Array, out: Float64Array): void {
    const first = Math.min(this.count, a.length - this.head);
    out.set(a.subarray(this.head, this.head + first), 0);
    if (this.count > first) out.set(a.subarray(0, this.count - first), first);
  }

  /** A new column's storage: an array of its own, or undefined when the slab makes room for its rows (the next `slots`). */
  private newColumnStore(): Float64Array | undefined {
    const slots = this.timesStore.length;
    const at = this.cols.length * slots * SLOT_BYTES;
    if (this.slab !== undefined && at + slots * SLOT_BYTES > SLAB_MAX_BYTES) this.leaveSlab();
    if (this.slab === undefined) return new Float64Array(slots);
    this.fitSlab(at + slots * SLOT_BYTES);
    return undefined;
  }

  /** A view of column `index`'s rows in the slab (for a moment: it is not kept). */
  private slabColumn(index: number): Float64Array {
    const slots = this.timesStore.length;
    return this.slabValues!.subarray(index * slots, (index + 1) * slots);
  }

  /** Column `c`'s storage, physical rows (a view of the slab for a slab column: read it at once). */
  valuesOf(c: ValueColumn): Float64Array {
    return c.ownValues ?? this.slabColumn(c.index);
  }

  /** Column `c`'s value at physical row `p`. */
  valueAtPhysical(c: ValueColumn, p: number): number {
    const own = c.ownValues;
    return own !== undefined ? own[p]! : this.slabValues![c.index * this.timesStore.length + p]!;
  }

  /** Address space a slab reserves: room for twice `columns` at the ring's capacity (the engine's limit at most). */
  private slabReserve(columns: number): number {
    return Math.min(SLAB_MAX_BYTES, Math.max(64, 2 * columns) * this.capacity * SLOT_BYTES);
  }

  /**
   * Makes the slab `bytes` long, in place while its reservation allows; past that, a
   * new slab with a bigger reservation takes the columns (as they are laid out now).
   */
  private fitSlab(bytes: number): void {
    const slab = this.slab!;
    if (bytes <= slab.maxByteLength) {
      slab.resize(bytes);
      return;
    }
    const moved = new ResizableBuffer(bytes, { maxByteLength: Math.max(bytes, this.slabReserve(this.cols.length + 1)) });
    new Uint8Array(moved).set(new Uint8Array(slab, 0, Math.min(slab.byteLength, bytes)));
    this.slab = moved;
    this.slabValues = new Float64Array(moved);
  }

  /** Past the engine's limit (a ring of over 4 GiB, only without a budget), every column takes its values back. */
  private leaveSlab(): void {
    for (const c of this.cols) c.ownValues = this.slabColumn(c.index).slice();
    this.slab = undefined;
    this.slabValues = undefined;
  }

  /**
   * Moves every column from `old` rows to `next` rows a column, oldest row first, inside
   * the slab (already `next` rows a column long). From the last column down, a column's
   * new place starts at or after its old one and past every column still to move.
   */
  private relayout(old: number, next: number): void {
    const all = this.slabValues!;
    const head = this.head;
    // Rows [0, head) are the newest: kept aside while the older ones move to the front.
    const newest = head > 0 ? new Float64Array(head) : undefined;
    for (let i = this.cols.length - 1; i >= 0; i--) {
      const from = i * old;
      const to = i * next;
      if (newest === undefined) {
        all.copyWithin(to, from, from + this.count);
      } else {
        newest.set(all.subarray(from, from + head));
        all.copyWithin(to, from + head, from + old);
        all.set(newest, to + old - head);
      }
    }
  }

  /** Writes a row at `timeMs` with each column's `next` value (the oldest row goes when full). */
  push(timeMs: number): void {
    const size = this.timesStore.length;
    const i = (this.head + this.count) % size;
    this.timesStore[i] = timeMs;
    const all = this.slabValues;
    if (all === undefined) {
      for (const c of this.cols) c.ownValues![i] = c.next;
    } else {
      for (const c of this.cols) all[c.index * size + i] = c.next;
    }
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
  /** The series' column in the store's tiers (-1: none): a row leaving the ring goes there. */
  tierCol = -1;

  constructor(
    readonly ring: TimeRing,
    /** Its values (same layout as the ring's time column), or undefined while they are in the ring's slab. */
    public ownValues: Float64Array | undefined,
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

  /** Its values by physical row (a view of the slab for a big ring: read it at once, never keep it). */
  get values(): Float64Array {
    return this.ring.valuesOf(this);
  }

  valueAt(i: number): number {
    return this.ring.valueAtPhysical(this, this.ring.physical(this.row(i)));
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
    return joinSegments(this.segments(fromMs, toMs));
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
    const values = this.values;
    const out: RingSegment[] = [{ times: times.subarray(p, p + first), values: values.subarray(p, p + first) }];
    if (n > first) {
      out.push({ times: times.subarray(0, n - first), values: values.subarray(0, n - first) });
    }
    return out;
  }
}
