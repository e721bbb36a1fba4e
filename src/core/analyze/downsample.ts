/**
 * Bucketing of long windows so the anomaly detectors stay O(points shown), not
 * O(samples kept): a day at 1 Hz becomes ~2,000 buckets of 44 samples.
 */

export type BucketReducer = 'mean' | 'max' | 'min';

/** One reduction of a window's buckets: what the detectors score. */
export interface Buckets {
  /** Time of each bucket's first sample. */
  readonly startMs: Float64Array;
  /** Time of each bucket's last sample. */
  readonly endMs: Float64Array;
  readonly values: Float64Array;
  /** Samples per bucket (the last one may hold fewer). */
  readonly bucketSize: number;
}

/** The same buckets reduced several ways (only the reducers asked for are present). */
export interface ReducedBuckets {
  readonly startMs: Float64Array;
  readonly endMs: Float64Array;
  readonly bucketSize: number;
  readonly values: Readonly<Partial<Record<BucketReducer, Float64Array>>>;
}

/** The buckets with one reducer's values; no buckets when that reducer was not computed. */
export function bucketsOf(b: ReducedBuckets, reducer: BucketReducer): Buckets {
  const values = b.values[reducer];
  if (!values) {
    const none = new Float64Array(0);
    return { startMs: none, endMs: none, values: none, bucketSize: b.bucketSize };
  }
  return { startMs: b.startMs, endMs: b.endMs, values, bucketSize: b.bucketSize };
}

/**
 * Groups consecutive finite samples by count into at most `maxPoints` buckets and
 * reduces each bucket by every reducer in `reducers`. With n ≤ maxPoints every
 * sample is its own bucket. `mean` keeps level shifts and drifts; `max`/`min` keep
 * short spikes/dips that a mean would dilute. Pairs with a non-finite time or value
 * are skipped.
 */
export function downsample(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints: number,
  reducers: readonly BucketReducer[],
): ReducedBuckets {
  const n = Math.min(times.length, values.length);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const ti = times[i]!;
    const vi = values[i]!;
    if (Number.isFinite(vi) && Number.isFinite(ti)) {
      t[finite] = ti;
      v[finite] = vi;
      finite++;
    }
  }
  return bucketFinite(t, v, finite, maxPoints, reducers);
}

/**
 * `downsample` of pairs already known to be finite: t[0..n) and v[0..n). Each
 * reducer runs in its own tight loop over each bucket — no branch per sample on
 * which reducer it is — so a day of samples costs a fraction of a millisecond.
 */
export function bucketFinite(
  t: Float64Array,
  v: Float64Array,
  n: number,
  maxPoints: number,
  reducers: readonly BucketReducer[],
): ReducedBuckets {
  const size = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(maxPoints))));
  const count = Math.ceil(n / size);
  const startMs = new Float64Array(count);
  const endMs = new Float64Array(count);
  for (let b = 0, s = 0; b < count; b++, s += size) {
    startMs[b] = t[s]!;
    endMs[b] = t[Math.min(s + size, n) - 1]!;
  }
  const out: Partial<Record<BucketReducer, Float64Array>> = {};
  if (reducers.includes('max') && reducers.includes('min')) {
    // The robust detector wants both: one walk over the samples for the two.
    [out.max, out.min] = bucketMaxMin(v, n, size, count);
  }
  for (const reducer of reducers) {
    if (out[reducer]) continue;
    out[reducer] = reducer === 'mean' ? bucketMeans(v, n, size, count) : reducer === 'max' ? bucketMax(v, n, size, count) : bucketMin(v, n, size, count);
  }
  return { startMs, endMs, bucketSize: size, values: out };
}

function bucketMeans(v: Float64Array, n: number, size: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let b = 0, s = 0; b < count; b++, s += size) {
    const e = Math.min(s + size, n);
    // Summed in sample order from 0, so the mean is the same to the last bit as a running sum's.
    let acc = 0;
    for (let i = s; i < e; i++) acc += v[i]!;
    out[b] = acc / (e - s);
  }
  return out;
}

function bucketMax(v: Float64Array, n: number, size: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let b = 0, s = 0; b < count; b++, s += size) {
    const e = Math.min(s + size, n);
    let acc = v[s]!;
    for (let i = s + 1; i < e; i++) {
      const x = v[i]!;
      if (x > acc) acc = x;
    }
    out[b] = acc;
  }
  return out;
}

function bucketMaxMin(v: Float64Array, n: number, size: number, count: number): [Float64Array, Float64Array] {
  const hiOut = new Float64Array(count);
  const loOut = new Float64Array(count);
  for (let b = 0, s = 0; b < count; b++, s += size) {
    const e = Math.min(s + size, n);
    let hi = v[s]!;
    let lo = hi;
    for (let i = s + 1; i < e; i++) {
      const x = v[i]!;
      // A new maximum cannot be a new minimum (lo <= hi).
      if (x > hi) hi = x;
      else if (x < lo) lo = x;
    }
    hiOut[b] = hi;
    loOut[b] = lo;
  }
  return [hiOut, loOut];
}

function bucketMin(v: Float64Array, n: number, size: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let b = 0, s = 0; b < count; b++, s += size) {
    const e = Math.min(s + size, n);
    let acc = v[s]!;
    for (let i = s + 1; i < e; i++) {
      const x = v[i]!;
      if (x < acc) acc = x;
    }
    out[b] = acc;
  }
  return out;
}
