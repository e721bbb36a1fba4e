/**
 * Bucketing of long windows so the anomaly detectors stay O(points shown), not
 * O(samples kept): a day at 1 Hz becomes ~2,000 buckets of 43 samples.
 */

export type BucketReducer = 'mean' | 'max' | 'min';

export interface Buckets {
  /** Time of each bucket's first sample. */
  readonly startMs: Float64Array;
  /** Time of each bucket's last sample. */
  readonly endMs: Float64Array;
  readonly values: Float64Array;
  /** Samples per bucket (the last one may hold fewer). */
  readonly bucketSize: number;
}

/**
 * Groups consecutive finite samples by count into at most `maxPoints` buckets and
 * reduces each bucket. With n ≤ maxPoints every sample is its own bucket.
 * `mean` keeps level shifts and drifts; `max`/`min` keep short spikes/dips that a
 * mean would dilute.
 */
export function downsample(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints: number,
  reducer: BucketReducer,
): Buckets {
  const n = Math.min(times.length, values.length);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(values[i]!) && Number.isFinite(times[i]!)) finite++;
  }
  const size = Math.max(1, Math.ceil(finite / Math.max(1, Math.floor(maxPoints))));
  const buckets = Math.ceil(finite / size);
  const startMs = new Float64Array(buckets);
  const endMs = new Float64Array(buckets);
  const out = new Float64Array(buckets);
  let b = 0;
  let inBucket = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const t = times[i]!;
    if (!Number.isFinite(v) || !Number.isFinite(t)) continue;
    if (inBucket === 0) {
      startMs[b] = t;
      acc = reducer === 'mean' ? 0 : v;
    }
    if (reducer === 'mean') acc += v;
    else if (reducer === 'max') acc = v > acc ? v : acc;
    else acc = v < acc ? v : acc;
    endMs[b] = t;
    inBucket++;
    if (inBucket === size) {
      out[b] = reducer === 'mean' ? acc / inBucket : acc;
      b++;
      inBucket = 0;
    }
  }
  if (inBucket > 0) {
    out[b] = reducer === 'mean' ? acc / inBucket : acc;
  }
  return { startMs, endMs, values: out, bucketSize: size };
}
