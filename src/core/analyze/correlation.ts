/**
 * Pearson correlation of two series sampled on their own clocks: each sample of `a`
 * is paired with the nearest sample of `b` no further than half of b's typical
 * interval away, so a scrape that lags the process sampler still pairs up, and a
 * gap in one series is not bridged by a stale value.
 */

export interface Correlation {
  readonly a: string;
  readonly b: string;
  /** Pearson's r in [-1, 1]; NaN when fewer than 3 pairs or either side is constant. */
  readonly r: number;
  /** Pairs used. */
  readonly n: number;
}

export interface AlignedPairs {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Median spacing of sorted times (ms), NaN with fewer than 2 samples. */
export function typicalIntervalMs(times: ArrayLike<number>): number {
  const n = times.length;
  if (n < 2) return NaN;
  // A bounded sample of gaps is enough to find the typical one and keeps this O(1)-ish.
  const step = Math.max(1, Math.floor((n - 1) / 256));
  // A typed array sorts numerically without a comparator call per comparison (issue 20:
  // the four correlations of a live analysis sorted their gaps through one).
  const gaps = new Float64Array(Math.floor((n - 1) / step));
  for (let g = 0, i = step; i < n; i += step, g++) {
    gaps[g] = (times[i]! - times[i - step]!) / step;
  }
  gaps.sort();
  return gaps[gaps.length >> 1]!;
}

/**
 * Pairs each finite sample of a with b's nearest finite sample within `toleranceMs`
 * (default: half of b's typical interval). Two pointers: O(n + m).
 */
export function alignNearest(
  aTimes: ArrayLike<number>,
  aValues: ArrayLike<number>,
  bTimes: ArrayLike<number>,
  bValues: ArrayLike<number>,
  toleranceMs?: number,
): AlignedPairs {
  const tol = toleranceMs ?? typicalIntervalMs(bTimes) / 2;
  const na = Math.min(aTimes.length, aValues.length);
  const nb = Math.min(bTimes.length, bValues.length);
  const x = new Float64Array(na);
  const y = new Float64Array(na);
  let m = 0;
  if (!(tol >= 0) || nb === 0) {
    return { x: x.subarray(0, 0), y: y.subarray(0, 0) };
  }
  let j = 0;
  for (let i = 0; i < na; i++) {
    const t = aTimes[i]!;
    const va = aValues[i]!;
    if (!Number.isFinite(va)) continue;
    while (j + 1 < nb && bTimes[j + 1]! <= t) j++;
    // Candidates: b[j] (at or before t) and b[j+1] (after t).
    let best = -1;
    let bestDist = Number.POSITIVE_INFINITY;
    for (let k = j; k <= j + 1 && k < nb; k++) {
      const d = Math.abs(bTimes[k]! - t);
      if (d < bestDist && Number.isFinite(bValues[k]!)) {
        best = k;
        bestDist = d;
      }
    }
    if (best >= 0 && bestDist <= tol) {
      x[m] = va;
      y[m] = bValues[best]!;
      m++;
    }
  }
  return { x: x.subarray(0, m), y: y.subarray(0, m) };
}

/**
 * True when both series were sampled on the same ticks — the collector writes every
 * series of a tick at the tick's time, so this is the common case — with strictly
 * increasing finite times and no gap in b. One cheap pass decides it.
 */
function sameClock(aTimes: ArrayLike<number>, bTimes: ArrayLike<number>, bValues: ArrayLike<number>, na: number, nb: number): boolean {
  if (na !== nb) return false;
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nb; i++) {
    const t = bTimes[i]!;
    if (t !== aTimes[i] || !(t > prev) || !Number.isFinite(t) || !Number.isFinite(bValues[i]!)) return false;
    prev = t;
  }
  return true;
}

/** Pearson's r of paired values (two-pass, centred). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): { r: number; n: number } {
  const n = Math.min(x.length, y.length);
  if (n < 3) return { r: NaN, n };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { r: NaN, n };
  return { r: Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))), n };
}

/**
 * pearson() of the pairs (a[i], b[i]) with a[i] finite — b is all finite on the
 * same-clock path — with the same sums in the same order, so the same r to the bit.
 */
function pearsonSameClock(av: ArrayLike<number>, bv: ArrayLike<number>, len: number): { r: number; n: number } {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < len; i++) {
    const x = av[i]!;
    if (!Number.isFinite(x)) continue;
    mx += x;
    my += bv[i]!;
    n++;
  }
  if (n < 3) return { r: NaN, n };
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < len; i++) {
    const x = av[i]!;
    if (!Number.isFinite(x)) continue;
    const dx = x - mx;
    const dy = bv[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { r: NaN, n };
  return { r: Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))), n };
}

/** Correlation of series a and b aligned on timestamps. */
export function correlate(
  a: string,
  aTimes: ArrayLike<number>,
  aValues: ArrayLike<number>,
  b: string,
  bTimes: ArrayLike<number>,
  bValues: ArrayLike<number>,
  toleranceMs?: number,
): Correlation {
  if (!warmedUp) warmUp();
  const na = Math.min(aTimes.length, aValues.length);
  const nb = Math.min(bTimes.length, bValues.length);
  const same = nb > 0 && sameClock(aTimes, bTimes, bValues, na, nb);
  // On the same clock with two samples or more, b's gaps are all > 0, so the tolerance is
  // too and need not be worked out (a sort of up to 256 gaps, issue 20).
  const tol = toleranceMs ?? (same && nb >= 2 && bTimes.length === nb ? Number.POSITIVE_INFINITY : typicalIntervalMs(bTimes) / 2);
  if (tol >= 0 && same) {
    // Each finite sample of a pairs with b's at the same index (distance 0), as
    // alignNearest would pair it; the sums are taken where the samples lie, since
    // a day of fresh pair arrays costs more in page faults than the sums do.
    const { r, n } = pearsonSameClock(aValues, bValues, na);
    return { a, b, r, n };
  }
  const pairs = alignNearest(aTimes, aValues, bTimes, bValues, toleranceMs);
  const { r, n } = pearson(pairs.x, pairs.y);
  return { a, b, r, n };
}

let warmedUp = false;

/**
 * Once, at the first correlation: a window long enough that its gaps are sampled every
 * third one, so the divisions by that step have seen fractions before V8 compiles
 * typicalIntervalMs (and alignNearest, which inlines it). A live window passes 513
 * samples ~9 minutes into a monitor's life at 1 Hz: compiled for a step of 1 and integer
 * results, both were thrown away there ("lost precision") and compiled again (issue 20).
 * A dozen calls, not one: V8 keeps no type feedback for a function's first few calls.
 * Nothing reads the result; it costs 12 sorts of 300 gaps once a process.
 */
function warmUp(): void {
  warmedUp = true;
  const times = Float64Array.from({ length: 900 }, (_, i) => i * 1000.5);
  for (let i = 0; i < 12; i++) typicalIntervalMs(times);
}
