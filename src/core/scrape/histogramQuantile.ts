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
  // Every step below runs on every call, whichever bucket the rank falls into: while all
  // observations sat in the lowest bucket, V8 optimised this (inlined into deriveHistogram)
  // with no feedback for the other buckets' arithmetic, and threw the code away when a
  // rank first passed that bucket, ~3 minutes in at 1 Hz (issue 20). Subtracting 0 for the
  // lowest bucket changes no bit.
  const highestFinite = upperBounds[n - 2]!;
  // First bucket whose cumulative count reaches the rank (sort.Search in Go).
  let b = -1;
  do {
    b++;
  } while (b < n - 1 && counts[b]! < rank);
  if (b === n - 1) {
    return highestFinite;
  }
  if (b === 0 && upperBounds[0]! <= 0) {
    return upperBounds[0]!;
  }
  const lo = Math.max(b - 1, 0);
  const belowBound = upperBounds[lo]!;
  const countAtLo = counts[lo]!;
  const belowCount = b > 0 ? countAtLo : 0;
  const bucketStart = b > 0 ? belowBound : 0;
  const bucketEnd = upperBounds[b]!;
  const count = counts[b]! - belowCount;
  rank -= belowCount;
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
