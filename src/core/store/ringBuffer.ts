/** A contiguous run of a ring buffer's samples: views of its storage, not copies. */
export interface RingSegment {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/**
 * A fixed-capacity ring of (timestamp ms, value) pairs in two Float64Arrays:
 * 16 bytes a sample, allocated once, so memory is bounded and known in advance.
 */
export class RingBuffer {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  /** Index of the oldest sample. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(timeMs: number, value: number): void {
    const i = (this.head + this.count) % this.capacity;
    this.times[i] = timeMs;
    this.values[i] = value;
    if (this.count < this.capacity) {
      this.count++;
    } else {
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** i = 0 is the oldest kept sample. */
  timeAt(i: number): number {
    return this.times[(this.head + i) % this.capacity]!;
  }

  valueAt(i: number): number {
    return this.values[(this.head + i) % this.capacity]!;
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
    const p = (this.head + start) % this.capacity;
    const first = Math.min(n, this.capacity - p);
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
