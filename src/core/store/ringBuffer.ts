/** A contiguous run of a ring buffer's samples: views of its storage, not copies. */
export interface RingSegment {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Storage a ring starts with: a new series costs 256 bytes, not its whole history. */
export const INITIAL_RING_SLOTS = 8;

/**
 * A ring of (timestamp ms, value) pairs in two Float64Arrays, 16 bytes a sample. Its
 * storage grows (doubling) as samples arrive, up to `capacity`, so a series costs what
 * it holds, not its whole possible history; the store may refuse a growth (its memory
 * budget), and the ring then keeps its latest samples in the storage it has.
 */
export class RingBuffer {
  private times: Float64Array;
  private values: Float64Array;
  /** Index of the oldest sample. */
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** Asked before the storage grows by `bytes`; false keeps the current storage (it wraps). */
    private readonly mayGrow: (bytes: number) => boolean = () => true,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    const slots = Math.min(capacity, INITIAL_RING_SLOTS);
    this.times = new Float64Array(slots);
    this.values = new Float64Array(slots);
  }

  /** Samples the storage can hold now (≤ capacity). */
  get slots(): number {
    return this.times.length;
  }

  /** Bytes of sample storage held now. */
  get bytes(): number {
    return this.times.length * 16;
  }

  /** Samples dropped early because the storage could not grow to the capacity. */
  get cappedDrops(): number {
    return this.capped;
  }

  private capped = 0;

  get length(): number {
    return this.count;
  }

  push(timeMs: number, value: number): void {
    let size = this.times.length;
    if (this.count === size && size < this.capacity) {
      const next = Math.min(this.capacity, size * 2);
      if (this.mayGrow((next - size) * 16)) {
        this.grow(next);
        size = next;
      }
    }
    const i = (this.head + this.count) % size;
    this.times[i] = timeMs;
    this.values[i] = value;
    if (this.count < size) {
      this.count++;
    } else {
      this.head = (this.head + 1) % size;
      if (size < this.capacity) this.capped++;
    }
  }

  /**
   * Grows the storage at once to hold `samples` (at most the capacity), when the
   * budget allows: a restore that knows its count copies nothing on the way there.
   */
  reserve(samples: number): void {
    const size = this.times.length;
    const next = Math.min(this.capacity, samples);
    if (next > size && this.mayGrow((next - size) * 16)) {
      this.grow(next);
    }
  }

  /** Copies the samples, oldest first, into larger storage. */
  private grow(slots: number): void {
    const times = new Float64Array(slots);
    const values = new Float64Array(slots);
    for (let k = 0; k < this.count; k++) {
      const j = (this.head + k) % this.times.length;
      times[k] = this.times[j]!;
      values[k] = this.values[j]!;
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }

  /** i = 0 is the oldest kept sample. */
  timeAt(i: number): number {
    return this.times[(this.head + i) % this.times.length]!;
  }

  valueAt(i: number): number {
    return this.values[(this.head + i) % this.times.length]!;
  }

  /** Index of the first sample with time >= t (binary search; samples are in time order). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.count;
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
    const [start, end] = this.range(fromMs, toMs);
    const n = Math.max(0, end - start);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      times[k] = this.timeAt(start + k);
      values[k] = this.valueAt(start + k);
    }
    return { times, values };
  }

  /**
   * Samples with fromMs <= t <= toMs, in time order, as at most two zero-copy views
   * (two when the window wraps around the end of the storage). Reading a day of
   * samples this way costs nothing, where a copy costs milliseconds. The views
   * alias the ring: a later push overwrites what they show, so read them at once
   * and never keep them.
   */
  segments(fromMs: number, toMs: number): RingSegment[] {
    const [start, end] = this.range(fromMs, toMs);
    const n = end - start;
    if (n <= 0) {
      return [];
    }
    const size = this.times.length;
    const p = (this.head + start) % size;
    const first = Math.min(n, size - p);
    const out: RingSegment[] = [{ times: this.times.subarray(p, p + first), values: this.values.subarray(p, p + first) }];
    if (n > first) {
      out.push({ times: this.times.subarray(0, n - first), values: this.values.subarray(0, n - first) });
    }
    return out;
  }

  /** Logical indices [start, end) of the samples with fromMs <= t <= toMs. */
  private range(fromMs: number, toMs: number): [number, number] {
    const start = this.lowerBound(fromMs);
    let end = this.lowerBound(toMs);
    while (end < this.count && this.timeAt(end) <= toMs) {
      end++;
    }
    return [start, end];
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
