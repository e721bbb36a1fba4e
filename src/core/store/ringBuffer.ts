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
 * A ring needs this many value columns, too, to keep them in a slab. Below it, at most
 * 31 arrays are replaced at a growth; at 100 columns of 8,192 rows, arrays left ~14 MB
 * more RSS than the slab (issue 11: 10,000 columns growing at once).
 */
export const SLAB_MIN_COLUMNS = 32;

/**
 * A ring of this many columns or more keeps its slab in one resizable buffer, not in
 * pages (see PagedFloats; where the engine has resizable buffers). Such a ring is a
 * label explosion (issue 11: the watcher's 10,000 series of one source) whose analyses
 * read a few hundred series at most; plain pages there raised memory.watcher100k's
 * peak RSS by ~10 MB (150.8–153.6 MB against 139.3–153.3 on a resizable buffer, 4
 * interleaved runs each), which Node 20 leaves out of its count of external memory.
 */
export const RESIZABLE_SLAB_MIN_COLUMNS = 1_000;

/** Floats in one page of a slab (256 KiB): a column crossing a page's end is read as two views. */
export const SLAB_PAGE_FLOATS = 1 << 15;

/** A slab's last page grows in steps of this many floats (8 KiB), so a slab holds little more than its columns. */
const PAGE_STEP_FLOATS = 1 << 10;

/** Where a slab's floats are: pages of plain buffers, or one resizable buffer. */
export interface SlabFloats {
  /** The buffers' views, in order. */
  readonly pages: readonly Float64Array[];
  readonly length: number;
  get(at: number): number;
  set(at: number, v: number): void;
  /** At least `floats` long, what it holds kept. */
  ensure(floats: number): void;
  /** Gives back what lies past `floats` (some of it at least). */
  shrink(floats: number): void;
  /** Copies `n` floats from `from` to `to` (the ranges may overlap, as copyWithin). */
  copy(to: number, from: number, n: number): void;
  /** Writes `src` from `at` on. */
  write(at: number, src: Float64Array): void;
  /** A copy of `n` floats from `at` (into the start of `out` when given: no allocation). */
  slice(at: number, n: number, out?: Float64Array): Float64Array;
  /** Floats from `at` on that one view can show (at most `n`). */
  runAt(at: number, n: number): number;
  /** A view of `n` floats from `at` (n ≤ runAt(at, n)). */
  view(at: number, n: number): Float64Array;
}

/** ES2024's resizable ArrayBuffer (Node 20 has it; the project's lib is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;
/** Whether this runtime has resizable buffers (else every slab is pages). */
export const HAS_RESIZABLE = typeof (ArrayBuffer.prototype as Partial<ResizableArrayBuffer>).resize === 'function';
/** The engine's largest resizable buffer (V8: 2^32 bytes). */
const RESIZABLE_MAX_BYTES = 2 ** 32;

/**
 * A slab in one resizable buffer, grown and shrunk in place within an address-space
 * reservation (which costs no memory): what a ring of thousands of columns keeps (see
 * RESIZABLE_SLAB_MIN_COLUMNS). On Node 20 its views are read on the engine's slow path.
 */
export class ResizableFloats implements SlabFloats {
  private buffer: ResizableArrayBuffer;
  private all: Float64Array;

  constructor(
    floats: number,
    /** Floats to reserve room for (the engine's limit at most). */
    private reserveFloats: number,
  ) {
    this.buffer = new ResizableBuffer(floats * SLOT_BYTES, { maxByteLength: ResizableFloats.reserveBytes(Math.max(floats, reserveFloats)) });
    this.all = new Float64Array(this.buffer);
  }

  /** Whether `floats` fit in a resizable buffer at all. */
  static fits(floats: number): boolean {
    return floats * SLOT_BYTES <= RESIZABLE_MAX_BYTES;
  }

  private static reserveBytes(floats: number): number {
    return Math.min(RESIZABLE_MAX_BYTES, floats * SLOT_BYTES);
  }

  get pages(): readonly Float64Array[] {
    return [this.all];
  }

  get length(): number {
    return this.all.length;
  }

  get(at: number): number {
    return this.all[at]!;
  }

  set(at: number, v: number): void {
    this.all[at] = v;
  }

  ensure(floats: number): void {
    if (floats <= this.all.length) return;
    const bytes = floats * SLOT_BYTES;
    if (bytes <= this.buffer.maxByteLength) {
      this.buffer.resize(bytes);
      return;
    }
    // Past the reservation: a new buffer with a bigger one takes the floats.
    this.reserveFloats = Math.max(floats, 2 * this.reserveFloats);
    const moved = new ResizableBuffer(bytes, { maxByteLength: ResizableFloats.reserveBytes(this.reserveFloats) });
    new Uint8Array(moved).set(new Uint8Array(this.buffer));
    this.buffer = moved;
    this.all = new Float64Array(moved);
  }

  shrink(floats: number): void {
    if (floats < this.all.length) this.buffer.resize(floats * SLOT_BYTES);
  }

  copy(to: number, from: number, n: number): void {
    if (n > 0 && to !== from) this.all.copyWithin(to, from, from + n);
  }

  write(at: number, src: Float64Array): void {
    this.all.set(src, at);
  }

  slice(at: number, n: number, out?: Float64Array): Float64Array {
    if (out === undefined) return this.all.slice(at, at + n);
    out.set(this.all.subarray(at, at + n));
    return out;
  }

  runAt(_at: number, n: number): number {
    return n;
  }

  view(at: number, n: number): Float64Array {
    return this.all.subarray(at, at + n);
  }
}

/**
 * One run of float64s made of plain ArrayBuffers of `pageFloats` each (the last one may be
 * shorter): what the slab's columns live in. Growing it adds pages (or lengthens the
 * last), never copies what it holds, so a big ring grows without its old and new
 * storage both alive. Its pages are plain buffers: on Node 20 (V8 11.3: code-server's
 * and the bench's Node) a typed array over a resizable buffer, the slab before, is read
 * on the engine's slow paths, ~3–4× slower (issue 20).
 */
export class PagedFloats implements SlabFloats {
  private readonly shift: number;
  private readonly mask: number;
  /** Pages, in order; each is a whole buffer of its own. */
  readonly pages: Float64Array[] = [];
  private size = 0;

  constructor(readonly pageFloats = SLAB_PAGE_FLOATS) {
    if (!(pageFloats >= 1 && (pageFloats & (pageFloats - 1)) === 0)) throw new RangeError(`page size must be a power of two, got ${pageFloats}`);
    this.shift = Math.log2(pageFloats);
    this.mask = pageFloats - 1;
  }

  /** Floats the pages hold now. */
  get length(): number {
    return this.size;
  }

  get(at: number): number {
    return this.pages[at >>> this.shift]![at & this.mask]!;
  }

  set(at: number, v: number): void {
    this.pages[at >>> this.shift]![at & this.mask] = v;
  }

  /** At least `floats` long: the last page lengthened (to a page at most), then new pages. */
  ensure(floats: number): void {
    if (floats <= this.size) return;
    const P = this.pageFloats;
    const step = Math.min(P, PAGE_STEP_FLOATS);
    const last = this.pages.length - 1;
    if (last >= 0 && this.pages[last]!.length < P) {
      const old = this.pages[last]!;
      const want = Math.min(P, floats - last * P);
      // A quarter more than asked for, so columns added one by one do not copy the page each time.
      const len = Math.min(P, Math.ceil(Math.max(want, old.length * 1.25) / step) * step);
      const page = new Float64Array(len);
      page.set(old);
      this.pages[last] = page;
      this.size = last * P + len;
    }
    while (this.size < floats) {
      const len = Math.min(P, Math.ceil((floats - this.size) / step) * step);
      this.pages.push(new Float64Array(len));
      this.size += len;
    }
  }

  /** Gives back the whole pages past `floats`. */
  shrink(floats: number): void {
    const keep = Math.ceil(floats / this.pageFloats);
    if (keep >= this.pages.length) return;
    this.pages.length = keep;
    this.size = keep === 0 ? 0 : (keep - 1) * this.pageFloats + this.pages[keep - 1]!.length;
  }

  /** Copies `n` floats from `from` to `to` (the ranges may overlap, as copyWithin). */
  copy(to: number, from: number, n: number): void {
    if (n <= 0 || to === from) return;
    const P = this.pageFloats;
    if (to < from) {
      for (let k = 0; k < n; ) {
        const s = from + k;
        const d = to + k;
        const len = Math.min(n - k, P - (s & this.mask), P - (d & this.mask));
        this.move(d, s, len);
        k += len;
      }
    } else {
      for (let k = n; k > 0; ) {
        const s = from + k;
        const d = to + k;
        const len = Math.min(k, ((s - 1) & this.mask) + 1, ((d - 1) & this.mask) + 1);
        this.move(d - len, s - len, len);
        k -= len;
      }
    }
  }

  /** Copies `len` floats inside one page of each side. */
  private move(d: number, s: number, len: number): void {
    const sp = this.pages[s >>> this.shift]!;
    const dp = this.pages[d >>> this.shift]!;
    const so = s & this.mask;
    const dOff = d & this.mask;
    if (sp === dp) sp.copyWithin(dOff, so, so + len);
    else dp.set(sp.subarray(so, so + len), dOff);
  }

  /** Writes `src` from `at` on. */
  write(at: number, src: Float64Array): void {
    for (let k = 0; k < src.length; ) {
      const a = at + k;
      const len = Math.min(src.length - k, this.pageFloats - (a & this.mask));
      this.pages[a >>> this.shift]!.set(src.subarray(k, k + len), a & this.mask);
      k += len;
    }
  }

  /** A copy of `n` floats from `at` (into the start of `out` when given: no allocation). */
  slice(at: number, n: number, out = new Float64Array(n)): Float64Array {
    for (let k = 0; k < n; ) {
      const a = at + k;
      const len = Math.min(n - k, this.pageFloats - (a & this.mask));
      const o = a & this.mask;
      out.set(this.pages[a >>> this.shift]!.subarray(o, o + len), k);
      k += len;
    }
    return out;
  }

  /** Floats from `at` on that lie in one page (at most `n`). */
  runAt(at: number, n: number): number {
    return Math.min(n, this.pageFloats - (at & this.mask));
  }

  /** A view of `n` floats from `at`, inside one page (see runAt). */
  view(at: number, n: number): Float64Array {
    const o = at & this.mask;
    return this.pages[at >>> this.shift]!.subarray(o, o + n);
  }
}

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
 * SLAB_MIN_COLUMNS) that holds column i at floats [i × slots, (i + 1) × slots), grown
 * and moved in place: pages of plain buffers (PagedFloats, read on the engine's fast
 * path), or for a ring of thousands of columns one resizable buffer (ResizableFloats,
 * see RESIZABLE_SLAB_MIN_COLUMNS). With an array per column, 10,000 columns growing
 * meant 10,000 new arrays at twice the size while the old ones waited for a major GC,
 * and malloc kept the holes they left: ~30 MB of the watcher's peak RSS at 100,000
 * exposed series (issue 11). A slab grows without a second copy of what it holds, and
 * gives memory back as it shrinks.
 */
export class TimeRing {
  private timesStore: Float64Array;
  /**
   * Every value column, once the ring is big (undefined before: the columns are arrays of
   * their own): column i's row p is at i × slots + p. Columns hold no view of their own:
   * 10,000 views were 1 MB of heap, made again at every growth.
   */
  private slab: SlabFloats | undefined;
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
    /** Floats in a page of the slab (tests lower it). */
    private readonly slabPageFloats = SLAB_PAGE_FLOATS,
    /** Rings of at least this many columns keep their slab in one resizable buffer (tests lower it). */
    private readonly resizableMinColumns = RESIZABLE_SLAB_MIN_COLUMNS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.timesStore = new Float64Array(Math.max(1, Math.min(capacity, slots)));
    // Stored once more on purpose: V8 then treats `head` as a field that changes, from the
    // first ring on. Before, its first change (the first growth, `head = 0` in grow, at
    // tick 9; or the first wrap) made V8 throw away every optimised function that had read
    // it as a constant (push, physical, lowerBound and the store's append that inlines
    // them) and compile them again (issue 20).
    this.head = 0;
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

  /** The slab's pages (none while every column has an array of its own). */
  get slabPages(): readonly Float64Array[] {
    return this.slab?.pages ?? [];
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
    const c = new ValueColumn(this, own, 0, this.cols.length);
    const from = values.length - this.count;
    for (let i = 0; i < this.count; i++) this.setPhysical(c, i, values[from + i]!);
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
    const c = new ValueColumn(this, own, this.written - n, this.cols.length);
    const skip = src.length - n;
    for (let k = 0; k < n; k++) this.setPhysical(c, this.physical(this.count - n + k), src.valueAt(skip + k));
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
    const slab = this.slab;
    if (slab !== undefined) {
      // It leaves with a copy of its values (the store still reads them: a series moving
      // to another ring); the last column's values fill its place, and the slab shrinks.
      const slots = this.timesStore.length;
      c.ownValues = slab.slice(c.index * slots, slots);
      if (last !== c) slab.copy(c.index * slots, last.index * slots, slots);
      slab.shrink(this.cols.length * slots);
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
    if (this.slab !== undefined) {
      this.fitSlab(this.cols.length * next);
      this.relayout(old, next);
    } else if (bytes > 0 && bytes >= this.slabMinBytes && this.cols.length >= this.slabMinColumns) {
      const floats = this.cols.length * next;
      let slab: SlabFloats;
      if (HAS_RESIZABLE && this.cols.length >= this.resizableMinColumns && ResizableFloats.fits(floats)) {
        // Room for twice the columns at the ring's capacity, reserved (not used).
        slab = new ResizableFloats(floats, 2 * this.cols.length * this.capacity);
      } else {
        slab = new PagedFloats(this.slabPageFloats);
        slab.ensure(floats);
      }
      const scratch = new Float64Array(next);
      for (const c of this.cols) {
        this.unwrapInto(c.ownValues!, scratch);
        slab.write(c.index * next, scratch);
        c.ownValues = undefined;
      }
      this.slab = slab;
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
    if (this.slab === undefined) return new Float64Array(slots);
    this.fitSlab((this.cols.length + 1) * slots);
    return undefined;
  }

  /** Makes the slab `floats` long; a resizable one past the engine's limit (only without a budget) moves into pages. */
  private fitSlab(floats: number): void {
    const slab = this.slab!;
    if (slab instanceof ResizableFloats && !ResizableFloats.fits(floats)) {
      const pages = new PagedFloats(this.slabPageFloats);
      pages.ensure(floats);
      pages.write(0, slab.view(0, slab.length));
      this.slab = pages;
      return;
    }
    slab.ensure(floats);
  }

  /** Column `c`'s value at physical row `p`. */
  valueAtPhysical(c: ValueColumn, p: number): number {
    const own = c.ownValues;
    return own !== undefined ? own[p]! : this.slab!.get(c.index * this.timesStore.length + p);
  }

  private setPhysical(c: ValueColumn, p: number, v: number): void {
    const own = c.ownValues;
    if (own !== undefined) own[p] = v;
    else this.slab!.set(c.index * this.timesStore.length + p, v);
  }

  /**
   * Views of column `c`'s physical rows [p, p + n) (inside the storage, not wrapping),
   * each paired with the same rows of the time column, appended to `out`: one view, or
   * one a page the rows cross in the slab.
   */
  viewsOf(c: ValueColumn, p: number, n: number, out: RingSegment[]): void {
    const times = this.timesStore;
    const own = c.ownValues;
    if (own !== undefined) {
      out.push({ times: times.subarray(p, p + n), values: own.subarray(p, p + n) });
      return;
    }
    const slab = this.slab!;
    const at = c.index * times.length + p;
    for (let k = 0; k < n; ) {
      const len = slab.runAt(at + k, n - k);
      out.push({ times: times.subarray(p + k, p + k + len), values: slab.view(at + k, len) });
      k += len;
    }
  }

  /**
   * Moves every column from `old` rows to `next` rows a column, oldest row first, inside
   * the slab (already `next` rows a column long). From the last column down, a column's
   * new place starts at or after its old one and past every column still to move.
   */
  private relayout(old: number, next: number): void {
    const slab = this.slab!;
    const head = this.head;
    // Rows [0, head) are the newest: kept aside (one array for every column) while the older ones move to the front.
    const newest = head > 0 ? new Float64Array(head) : undefined;
    for (let i = this.cols.length - 1; i >= 0; i--) {
      const from = i * old;
      const to = i * next;
      if (newest === undefined) {
        slab.copy(to, from, this.count);
      } else {
        slab.slice(from, head, newest);
        slab.copy(to, from + head, old - head);
        slab.write(to + old - head, newest);
      }
    }
  }

  /** Writes a row at `timeMs` with each column's `next` value (the oldest row goes when full). */
  push(timeMs: number): void {
    const size = this.timesStore.length;
    const i = (this.head + this.count) % size;
    this.timesStore[i] = timeMs;
    const slab = this.slab;
    // By index: a for-of made an iterator result per column a tick until V8 optimised it.
    const cols = this.cols;
    if (slab === undefined) {
      for (let k = 0; k < cols.length; k++) cols[k]!.ownValues![i] = cols[k]!.next;
    } else {
      for (let k = 0; k < cols.length; k++) slab.set(cols[k]!.index * size + i, cols[k]!.next);
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
   * Samples with fromMs <= t <= toMs, in time order, as zero-copy views: one, or
   * two when the window wraps around the end of the storage, or more in a slab where
   * it crosses a page's end (one a page). The views alias the
   * ring: a later push overwrites what they show, so read them at once, never keep them.
   */
  segments(fromMs: number, toMs: number): RingSegment[] {
    const start = this.lowerBound(fromMs);
    let end = this.lowerBound(toMs);
    const len = this.length;
    while (end < len && this.timeAt(end) <= toMs) end++;
    const n = end - start;
    if (n <= 0) return [];
    const size = this.ring.slots;
    const p = this.ring.physical(this.row(start));
    const first = Math.min(n, size - p);
    const out: RingSegment[] = [];
    this.ring.viewsOf(this, p, first, out);
    if (n > first) this.ring.viewsOf(this, 0, n - first, out);
    return out;
  }
}
