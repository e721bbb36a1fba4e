/**
 * The moments of a window of (time, value) samples — count, means and the centred
 * sums a summary and a least-squares trend are made of — computed in time-aligned
 * blocks, so that the live analysis can keep them up to date tick by tick and still
 * give, to the last bit, what a full scan of the same window gives (issue 20,
 * "incremental analysis").
 *
 * Floating-point sums depend on the order they are made in: a running sum that adds
 * the new sample and subtracts the one that left drifts away from a fresh sum over
 * the window. Instead, the window is cut at every whole minute of the clock (blocks
 * aligned on `BLOCK_MS`, not on the window's start), and every window — whoever
 * computes it — is folded the same way:
 *
 *  - each block's finite samples give its moments by themselves, in two passes (the
 *    means, then the centred sums), with times relative to the block's own start;
 *  - the blocks between the first and the last are merged in time order (Chan et
 *    al.'s pairwise update) into one; then window = (first ⊕ middle) ⊕ last.
 *
 * A block between the first and the last holds the same samples whatever the window,
 * so the live analysis computes it once, after the clock left it; only the first
 * block (it loses samples as the window moves) and the last (it gains them) are read
 * again, at most a minute of samples each. The fold is also more precise than one long
 * sum: each block's sums are small, and epoch-millisecond times are taken relative
 * to a block start.
 */
import { CentredSums } from './trend';

/** Blocks are the clock's minutes: at 1 Hz, 60 samples; a 15 min window, 16 blocks. */
export const BLOCK_MS = 60_000;

const MS_PER_MINUTE = 60_000;

/** The block a time falls in, as the block's start (ms). */
export function blockOf(timeMs: number): number {
  return Math.floor(timeMs / BLOCK_MS) * BLOCK_MS;
}

/**
 * Count, means and centred sums of (t, y) pairs, t taken relative to `originMs`
 * (ms): Sxx = Σ(t − meanT)², Sxy = Σ(t − meanT)(y − meanY), Syy = Σ(y − meanY)².
 * Mutable: one per block or window, reused.
 */
export class Moments {
  n = 0;
  /** Mean of t − originMs. */
  meanT = 0;
  meanY = 0;
  sxx = 0;
  sxy = 0;
  syy = 0;

  constructor(public originMs = 0) {}

  /** Empties it, with times counted from `originMs`. */
  reset(originMs: number): this {
    this.originMs = originMs;
    this.n = 0;
    this.meanT = 0;
    this.meanY = 0;
    this.sxx = 0;
    this.sxy = 0;
    this.syy = 0;
    return this;
  }

  /** Adds the samples `b` holds (Chan et al.), its times moved to this origin. Adding nothing changes nothing. */
  merge(b: Moments): void {
    if (b.n === 0) return;
    const bt = b.meanT + (b.originMs - this.originMs);
    if (this.n === 0) {
      this.n = b.n;
      this.meanT = bt;
      this.meanY = b.meanY;
      this.sxx = b.sxx;
      this.sxy = b.sxy;
      this.syy = b.syy;
      return;
    }
    const n = this.n + b.n;
    const dt = bt - this.meanT;
    const dy = b.meanY - this.meanY;
    const share = b.n / n;
    const cross = (this.n * b.n) / n;
    this.meanT += dt * share;
    this.meanY += dy * share;
    this.sxx += b.sxx + dt * dt * cross;
    this.sxy += b.sxy + dt * dy * cross;
    this.syy += b.syy + dy * dy * cross;
    this.n = n;
  }

  copyFrom(b: Moments): this {
    this.originMs = b.originMs;
    this.n = b.n;
    this.meanT = b.meanT;
    this.meanY = b.meanY;
    this.sxx = b.sxx;
    this.sxy = b.sxy;
    this.syy = b.syy;
    return this;
  }
}

/**
 * The moments of one block: its samples from index `start` to `end` (exclusive, all
 * in one block, in time order), the non-finite values skipped, in two passes over
 * them, times relative to the block's start. Returns `out`.
 */
export function blockMoments(times: ArrayLike<number>, values: ArrayLike<number>, start: number, end: number, out: Moments): Moments {
  out.reset(end > start ? blockOf(times[start]!) : 0);
  const origin = out.originMs;
  let n = 0;
  let sumT = 0;
  let sumY = 0;
  for (let i = start; i < end; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) continue;
    n++;
    sumT += times[i]! - origin;
    sumY += y;
  }
  if (n === 0) return out;
  const meanT = sumT / n;
  const meanY = sumY / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = start; i < end; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) continue;
    const dx = times[i]! - origin - meanT;
    const dy = y - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  out.n = n;
  out.meanT = meanT;
  out.meanY = meanY;
  out.sxx = sxx;
  out.sxy = sxy;
  out.syy = syy;
  return out;
}

/** Reused by windowMoments: one per call would be garbage per series. */
export class MomentsScratch {
  readonly block = new Moments();
  readonly middle = new Moments();
  readonly last = new Moments();
}

/** The first index from `i` on whose time is in a later block than times[i] (or `end`). */
function blockEnd(times: ArrayLike<number>, i: number, end: number): number {
  const next = blockOf(times[i]!) + BLOCK_MS;
  while (i < end && times[i]! < next) i++;
  return i;
}

/**
 * The moments of `c` samples in time order (times all finite; non-finite values are
 * skipped), folded the block way described above. Returns `out`.
 */
export function windowMoments(times: ArrayLike<number>, values: ArrayLike<number>, c: number, scratch: MomentsScratch, out: Moments): Moments {
  if (c === 0) return out.reset(0);
  let i = blockEnd(times, 0, c);
  blockMoments(times, values, 0, i, out);
  const middle = scratch.middle.reset(out.originMs);
  let last: Moments | undefined;
  while (i < c) {
    const end = blockEnd(times, i, c);
    const block = blockMoments(times, values, i, end, scratch.block);
    if (end < c) middle.merge(block);
    else last = block;
    i = end;
  }
  out.merge(middle);
  if (last) out.merge(last);
  return out;
}

/** What a least-squares fit reads from a window's moments (times in minutes); fromMs/toMs: the first and last sample's times. */
export function centredSums(m: Moments, fromMs: number, toMs: number): CentredSums {
  return {
    n: m.n,
    fromMs,
    toMs,
    meanT: m.originMs + m.meanT,
    meanY: m.meanY,
    sxx: m.sxx / (MS_PER_MINUTE * MS_PER_MINUTE),
    sxy: m.sxy / MS_PER_MINUTE,
    syy: m.syy,
  };
}
