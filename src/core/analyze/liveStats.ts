/**
 * The live window's statistics and trends, kept up to date from one analysis to the
 * next instead of re-read (issue 20, "incremental analysis": O(new samples) per tick
 * for the windows the status bar and dashboard use; a report over an arbitrary window
 * still scans it whole, seriesScan.ts).
 *
 * Per series it keeps:
 *  - the window's finite values in ascending order (a new value is inserted, a value
 *    that left is removed, each by a binary search): min, max and the percentiles are
 *    read off it, the same order statistics the full scan selects;
 *  - the minutes of the clock its samples fall in (moments.ts), and the moments of each
 *    minute between the window's first and last, computed once after the clock left it,
 *    and their fold.
 * An analysis reads the leaving samples and the new ones, re-reads the first minute of
 * the window (it loses samples from its start, which sums cannot take out exactly) and
 * the last (it gains them), and merges: O(new + leaving samples + two minutes + the
 * window's minutes), against O(window) and a selection for the full scan. The figures
 * are the full scan's to the last bit (test/unit/analyze/liveStats.test.ts checks it
 * tick by tick).
 *
 * Whatever it cannot follow — a sample the store no longer holds, a time that went
 * back, a sample without a valid time — it does not guess: it starts over from the
 * window (or leaves that series to the full scan).
 */
import { RingSegment } from '../store/ringBuffer';
import { SeriesStore } from '../store/seriesStore';
import { BLOCK_MS, Moments, blockMoments, blockOf, centredSums } from './moments';
import { NO_BUCKETS, WindowScan, contiguous } from './seriesScan';
import { summaryOfSorted } from './stats';
import { trendFromSums } from './trend';

/** A minute of the clock with a finite sample held, and where its samples are. */
interface Block {
  readonly startMs: number;
  /** Sequence number (see SeriesWindow.seq) of its first finite sample. */
  readonly startSeq: number;
  /** Sequence number of the next block's first finite sample; NaN while it is the last. */
  endSeq: number;
  /** Computed once, when needed after the clock left the block. */
  moments: Moments | undefined;
}

/** Reads one window given as views in order (the ring gives at most two), by index, without copying. */
class Samples {
  private readonly t0: Float64Array;
  private readonly v0: Float64Array;
  private readonly t1: Float64Array;
  private readonly v1: Float64Array;
  private readonly n0: number;
  readonly length: number;

  constructor(segments: readonly RingSegment[]) {
    const [a, b] = segments.length <= 2 ? segments : [contiguous(segments)];
    this.t0 = a?.times ?? EMPTY;
    this.v0 = a?.values ?? EMPTY;
    this.t1 = b?.times ?? EMPTY;
    this.v1 = b?.values ?? EMPTY;
    this.n0 = Math.min(this.t0.length, this.v0.length);
    this.length = this.n0 + Math.min(this.t1.length, this.v1.length);
  }

  time(i: number): number {
    return i < this.n0 ? this.t0[i]! : this.t1[i - this.n0]!;
  }

  value(i: number): number {
    return i < this.n0 ? this.v0[i]! : this.v1[i - this.n0]!;
  }

  /** blockMoments of samples [from, to) read in place when they lie in one view; undefined when they straddle two. */
  momentsInPlace(from: number, to: number, out: Moments): Moments | undefined {
    if (to <= this.n0) return blockMoments(this.t0, this.v0, from, to, out);
    if (from >= this.n0) return blockMoments(this.t1, this.v1, from - this.n0, to - this.n0, out);
    return undefined;
  }
}

const EMPTY = new Float64Array(0);

/** One series' window (exported for tests). */
export class SeriesWindow {
  /** The start of the window last followed. */
  fromMs = NaN;
  /** Time of the first and of the last sample held (finite or not); NaN when none. */
  firstMs = NaN;
  lastMs = NaN;
  /** Samples held, finite or not. */
  held = 0;
  invalid = 0;
  /** The finite values held, ascending, in sorted[0..count). */
  sorted = new Float64Array(64);
  count = 0;
  latestMs = NaN;
  latestValue = NaN;
  /** Samples ever taken in; the held ones are seq − held … seq − 1. */
  seq = 0;
  /** Minutes with a finite sample, oldest first, from `head` on; the last is the one samples arrive in. */
  blocks: Block[] = [];
  head = 0;
  /** The fold of the closed minutes after the first minute `middleFirstMs`: `middleBlocks` of them. */
  readonly middle = new Moments();
  middleFirstMs = NaN;
  middleBlocks = 0;
  generation = 0;

  private room(): void {
    if (this.count === this.sorted.length) {
      const grown = new Float64Array(this.sorted.length * 2);
      grown.set(this.sorted);
      this.sorted = grown;
    }
  }

  private append(y: number): void {
    this.room();
    this.sorted[this.count++] = y;
  }

  private insert(y: number): void {
    this.room();
    const a = this.sorted;
    const at = upperBound(a, this.count, y);
    a.copyWithin(at + 1, at, this.count);
    a[at] = y;
    this.count++;
  }

  /** Removes one value equal to `y`; false when there is none (the state no longer matches the window). */
  remove(y: number): boolean {
    const a = this.sorted;
    const at = upperBound(a, this.count, y) - 1;
    if (at < 0 || a[at] !== y) return false;
    a.copyWithin(at, at + 1, this.count);
    this.count--;
    return true;
  }

  /** Takes in a sample newer than every one held; `sorted`: insert its value in order (else append, to sort later). */
  push(t: number, y: number, sorted: boolean): void {
    if (this.held === 0) this.firstMs = t;
    const seq = this.seq++;
    this.held++;
    this.lastMs = t;
    if (!Number.isFinite(y)) {
      this.invalid++;
      return;
    }
    if (sorted) {
      this.insert(y);
    } else {
      this.append(y);
    }
    this.latestMs = t;
    this.latestValue = y;
    const start = blockOf(t);
    const last = this.blocks[this.blocks.length - 1];
    if (!last || last.startMs !== start) {
      if (last) last.endSeq = seq;
      this.blocks.push({ startMs: start, startSeq: seq, endSeq: NaN, moments: undefined });
    }
  }

  /** Index in the window (as the Samples of the window read it) of a sequence number. */
  indexOf(seq: number): number {
    return seq - (this.seq - this.held);
  }
}

/** First index in a[0..n) whose value is greater than y. */
function upperBound(a: Float64Array, n: number, y: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LiveStats {
  private readonly series = new Map<string, SeriesWindow>();
  private generation = 0;
  private read = 0;
  private readonly result = new Moments();
  private readonly block = new Moments();
  /** A block's samples, copied out of the ring's views (they may wrap inside it). */
  private t = new Float64Array(64);
  private v = new Float64Array(64);

  constructor() {
    if (!warmedUp) warmUp();
  }

  /** Samples read since this object was made (a test reads it: O(new samples), not O(window)). */
  get samplesRead(): number {
    return this.read;
  }

  /** Starts an analysis: series it does not scan are forgotten by `end()`. */
  begin(): void {
    this.generation++;
  }

  end(): void {
    for (const [key, w] of this.series) {
      if (w.generation !== this.generation) this.series.delete(key);
    }
  }

  clear(): void {
    this.series.clear();
  }

  /**
   * The scan of `key`'s samples with fromMs ≤ t ≤ toMs (`segments`: the store's views
   * of that window) without buckets: what scanWindow(segments, …, { reducers: [] })
   * gives, from the state kept since the previous call. Undefined where the full scan
   * must do it (a sample without a valid time).
   */
  scan(store: SeriesStore, key: string, segments: readonly RingSegment[], fromMs: number, toMs: number): WindowScan | undefined {
    const window = new Samples(segments);
    let w = this.series.get(key);
    if (!w || !this.follow(w, store, key, fromMs, toMs)) {
      w = new SeriesWindow();
      this.series.set(key, w);
      if (!this.ingest(w, window, 0, true)) {
        this.series.delete(key);
        return undefined;
      }
    }
    w.generation = this.generation;
    w.fromMs = fromMs;
    const scan = this.scanOf(w, window);
    if (!scan) this.series.delete(key);
    return scan;
  }

  /** Moves `w` to the window [fromMs, toMs]; false when it cannot and must start over. */
  private follow(w: SeriesWindow, store: SeriesStore, key: string, fromMs: number, toMs: number): boolean {
    // A window that moved back may take in samples never seen here.
    if (w.held === 0 || toMs < w.lastMs || fromMs < w.fromMs) return false;
    const all = new Samples(store.windowSegments(key, w.firstMs, toMs) ?? []);
    // The store must still hold the first sample kept here, and everything after it.
    if (all.length < w.held || all.time(0) !== w.firstMs || all.time(w.held - 1) !== w.lastMs) return false;
    let leave = 0;
    while (leave < w.held && all.time(leave) < fromMs) {
      const y = all.value(leave);
      this.read++;
      if (Number.isFinite(y)) {
        if (!w.remove(y)) return false;
      } else {
        w.invalid--;
      }
      leave++;
    }
    // Everything left: the window is all new, as from nothing.
    if (leave === w.held) return false;
    w.held -= leave;
    w.firstMs = all.time(leave);
    return this.ingest(w, all, leave + w.held, false);
  }

  /**
   * Takes in all.time(from…), each newer than anything held; false on a sample it
   * cannot place. `fresh`: w is new, its values are sorted once at the end rather than
   * inserted one by one.
   */
  private ingest(w: SeriesWindow, all: Samples, from: number, fresh: boolean): boolean {
    for (let i = from; i < all.length; i++) {
      const t = all.time(i);
      this.read++;
      if (!Number.isFinite(t) || (w.held > 0 && !(t > w.lastMs))) return false;
      w.push(t, all.value(i), !fresh);
    }
    if (fresh) w.sorted.subarray(0, w.count).sort();
    return true;
  }

  /** Undefined when the state does not match the window (then the full scan answers). */
  private scanOf(w: SeriesWindow, window: Samples): WindowScan | undefined {
    const sampleCount = w.held;
    if (w.count === 0) {
      const none = this.result.reset(0);
      return { sampleCount, summary: summaryOfSorted(w.sorted.subarray(0, 0), w.invalid, none.meanY, none.syy), trend: trendFromSums(centredSums(none, NaN, NaN)), latest: undefined, buckets: NO_BUCKETS };
    }
    // The first minute of the window that holds a finite sample: its samples inside the window.
    let s = 0;
    while (s < window.length && !Number.isFinite(window.value(s))) s++;
    if (s === window.length) return undefined;
    const firstMs = window.time(s);
    const firstStart = blockOf(firstMs);
    const last = w.blocks[w.blocks.length - 1];
    if (!last || last.startMs < firstStart) return undefined;
    let result: Moments;
    if (last.startMs === firstStart) {
      // One minute holds every finite sample: it is the first and the last.
      result = this.moments(window, s, window.length, this.result);
    } else {
      // Minutes up to the first are not merged: those before are gone, the first is read below.
      while (w.head < w.blocks.length && w.blocks[w.head]!.startMs <= firstStart) w.head++;
      if (w.head > 64 && w.head * 2 > w.blocks.length) {
        // The first minute (head − 1) stays: its moments are kept while it is whole.
        w.blocks = w.blocks.slice(w.head - 1);
        w.head = 1;
      }
      result = this.firstBlock(w, window, s, firstStart);
      if (w.middleFirstMs !== firstStart) {
        w.middle.reset(firstStart);
        w.middleFirstMs = firstStart;
        w.middleBlocks = 0;
      }
      // The minutes between the first and the last: each read once, after the clock left it.
      for (let k = w.head + w.middleBlocks; k < w.blocks.length - 1; k++) {
        const b = w.blocks[k]!;
        b.moments ??= this.moments(window, w.indexOf(b.startSeq), w.indexOf(b.endSeq), new Moments());
        w.middle.merge(b.moments);
        w.middleBlocks++;
      }
      result.merge(w.middle);
      result.merge(this.moments(window, w.indexOf(last.startSeq), window.length, this.block));
    }
    const trend = trendFromSums(centredSums(result, firstMs, w.latestMs));
    const summary = summaryOfSorted(w.sorted.subarray(0, w.count), w.invalid, result.meanY, result.syy);
    return { sampleCount, summary, trend, latest: { timeMs: w.latestMs, value: w.latestValue }, buckets: NO_BUCKETS };
  }

  /**
   * The moments of the window's first minute, which a later minute follows (closed).
   * While no sample has left it (the window is younger than its length, as in a
   * monitor's first 15 minutes) it holds the same samples at every analysis: its
   * moments are computed once and kept on its block, as a middle minute's are, instead
   * of read again each time (issue 20). Its end is the next minute's first finite
   * sample (the samples between are not finite: blockMoments skips them either way).
   */
  private firstBlock(w: SeriesWindow, window: Samples, s: number, firstStart: number): Moments {
    const first = w.blocks[w.head - 1];
    if (!first || first.startMs !== firstStart || !Number.isFinite(first.endSeq)) {
      let e = s;
      while (e < window.length && window.time(e) < firstStart + BLOCK_MS) e++;
      return this.moments(window, s, e, this.result);
    }
    const end = w.indexOf(first.endSeq);
    if (w.indexOf(first.startSeq) !== s) return this.moments(window, s, end, this.result);
    first.moments ??= this.moments(window, s, end, new Moments());
    return this.result.copyFrom(first.moments);
  }

  /** blockMoments of window samples [from, to) (one block): in place within one of the ring's views, else copied out of them first. */
  private moments(window: Samples, from: number, to: number, out: Moments): Moments {
    const n = Math.max(0, to - from);
    this.read += n;
    const inPlace = window.momentsInPlace(from, to, out);
    if (inPlace) return inPlace;
    if (this.t.length < n) {
      this.t = new Float64Array(Math.max(n, 2 * this.t.length));
      this.v = new Float64Array(this.t.length);
    }
    for (let i = 0; i < n; i++) {
      this.t[i] = window.time(from + i);
      this.v[i] = window.value(from + i);
    }
    return blockMoments(this.t, this.v, 0, n, out);
  }
}

let warmedUp = false;

/**
 * Runs a throwaway window once, before the first LiveStats, past its first growth, both
 * ways a value is taken in (inserted in order, appended to sort later). A window first
 * grows when it holds 64 values, a minute into a monitor's life at 1 Hz: `insert` had been
 * compiled without that branch, was thrown away there and compiled again (issue 20). The
 * throwaway shares nothing with real windows: no result changes.
 */
function warmUp(): void {
  warmedUp = true;
  for (const sorted of [true, false]) {
    const w = new SeriesWindow();
    for (let i = 0; i < 130; i++) w.push(1_700_000_000_000 + i * 1000, (i * 7919) % 131, sorted);
  }
}
