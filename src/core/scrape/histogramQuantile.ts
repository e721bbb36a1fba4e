/**
 * Prometheus' histogram_quantile for classic (le-bucket) histograms, on one
 * histogram's buckets. Same rules as promql/quantile.go, so a quantile the monitor
 * shows is the quantile a Grafana panel over the same server would show.
 */

/**
 * The q-quantile of observations counted in cumulative buckets.
 *
 * - `upperBounds` ascending, the last one +Inf; `cumulativeCounts` aligned with them.
 * - Linear interpolation inside the bucket the rank falls into; the lowest bucket
 *   starts at 0 when its bound is positive (and is returned as is when it is not).
 * - A rank in the +Inf bucket returns the highest finite bound (nothing better is known).
 * - NaN when there is no +Inf bucket, fewer than two buckets, or no observations —
 *   the caller shows a gap, never a made-up 0.
 * - q < 0 → -Inf, q > 1 → +Inf, as Prometheus does.
 */
export function histogramQuantile(
  q: number,
  upperBounds: ArrayLike<number>,
  cumulativeCounts: ArrayLike<number>,
  /**
   * Where to write the monotonic counts (length ≥ the buckets'), instead of a fresh
   * array per call; it may be `cumulativeCounts` itself, which is then made monotonic.
   */
  scratch?: Float64Array,
): number {
  if (Number.isNaN(q)) {
    return NaN;
  }
  if (q < 0) {
    return -Infinity;
  }
  if (q > 1) {
    return Infinity;
  }
  const n = Math.min(upperBounds.length, cumulativeCounts.length);
  if (n < 2 || upperBounds[n - 1] !== Infinity) {
    return NaN;
  }
  // Counts of a scraped histogram can dip by float error or a racy exporter;
  // Prometheus forces them monotonic before searching, and so do we.
  const counts = scratch !== undefined && scratch.length >= n ? scratch : new Float64Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const c = cumulativeCounts[i]!;
    max = c > max ? c : max;
    counts[i] = max;
  }
  const observations = counts[n - 1]!;
  if (!(observations > 0)) {
    return NaN;
  }
  let rank = q * observations;
  // First bucket whose cumulative count reaches the rank (sort.Search in Go).
  let b = 0;
  while (b < n - 1 && counts[b]! < rank) {
    b++;
  }
  if (b === n - 1) {
    return upperBounds[n - 2]!;
  }
  if (b === 0 && upperBounds[0]! <= 0) {
    return upperBounds[0]!;
  }
  let bucketStart = 0;
  const bucketEnd = upperBounds[b]!;
  let count = counts[b]!;
  if (b > 0) {
    bucketStart = upperBounds[b - 1]!;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  // count is 0 only for q = 0 on an empty lowest bucket: 0/0 gives NaN, as in Prometheus.
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
