/**
 * The live analysis' anomaly detectors, kept from one analysis to the next (issue 20:
 * "the streaming detector fed one bucket per tick, keeping its state between ticks").
 *
 * A report over an arbitrary window runs detectCalibrated over that window from a
 * fresh detector. The live window (the last 15 min, re-analysed every few ticks) does
 * not: each series keeps its StreamingAnomalyDetector and its open interval, and an
 * analysis feeds only the samples that arrived since the previous one — O(new
 * samples) instead of O(window) per series, and the detectors' state never starts
 * over. The detector scores each value from the past only, so fed once, in order, it
 * gives every sample the score it gets at the end of a full run over the same
 * history; what changes is that the history is the whole watch rather than the
 * window (no 100-sample warm-up at the window's start, a calibration with more
 * memory). Intervals follow detectCalibrated's rules exactly (onset at the score,
 * lasting while the level stays at the threshold, gaps of `gapSamples` bridged);
 * those that ended before the window are forgotten.
 */
import { AnomalyInterval } from './anomaly';
import { DOUBLE_ZERO } from './doubleField';
import { StreamingAnomalyDetector } from './streaming';
import { RingSegment } from '../store/ringBuffer';

/** Closed intervals kept per series at most (the window's are far fewer; a bound, not a figure). */
const MAX_CLOSED = 200;

/**
 * A track's interval while it lasts. A class whose number fields start as doubles
 * (doubleField.ts), not an object literal: a literal's fields took the representation of
 * the first interval's values (a counter's integer peak), and the first fraction then
 * changed its hidden class and deoptimised `feed` and `step` (issue 20).
 */
class OpenInterval {
  startMs = DOUBLE_ZERO;
  endMs = DOUBLE_ZERO;
  endIndex = 0;
  peak = DOUBLE_ZERO;
  peakValue = DOUBLE_ZERO;
  flagged = 1;

  constructor(
    time: number,
    index: number,
    level: number,
    value: number,
    readonly direction: 'high' | 'low',
  ) {
    this.startMs = time;
    this.endMs = time;
    this.endIndex = index;
    this.peak = level;
    this.peakValue = value;
  }
}

interface Track {
  readonly detector: StreamingAnomalyDetector;
  /** Time of the last sample fed. */
  lastMs: number;
  /** Samples fed, the position detectCalibrated's loop index would have. */
  index: number;
  threshold: number;
  closed: AnomalyInterval[];
  open: OpenInterval | undefined;
  /** The analysis that last fed it; series not fed by the latest are dropped. */
  generation: number;
}

export class LiveDetectors {
  private readonly tracks = new Map<string, Track>();
  private generation = 0;
  private fed = 0;

  constructor(private readonly gapSamples = 2) {
    if (!warmedUp) warmUp();
  }

  /** Samples fed to detectors since this object was made (a test reads it: O(new samples)). */
  get samplesFed(): number {
    return this.fed;
  }

  /** Series with a detector. */
  get size(): number {
    return this.tracks.size;
  }

  /** Starts an analysis: series it does not feed are forgotten by `end()`. */
  begin(): void {
    this.generation++;
  }

  /** Ends an analysis. */
  end(): void {
    for (const [key, t] of this.tracks) {
      if (t.generation !== this.generation) this.tracks.delete(key);
    }
  }

  clear(): void {
    this.tracks.clear();
  }

  /**
   * Feeds `key`'s samples newer than the last fed and not after `toMs` (the window's
   * `segments`, in time order), then returns the intervals that reach into
   * [fromMs, toMs] (the open one as it stands) and the detector.
   */
  feed(
    key: string,
    segments: readonly RingSegment[],
    fromMs: number,
    toMs: number,
    threshold: number,
  ): { intervals: AnomalyInterval[]; detector: StreamingAnomalyDetector } {
    let t = this.tracks.get(key);
    if (!t) {
      t = { detector: new StreamingAnomalyDetector(), lastMs: Number.NEGATIVE_INFINITY, index: -1, threshold, closed: noIntervals(), open: undefined, generation: 0 };
      this.tracks.set(key, t);
    }
    t.generation = this.generation;
    if (t.threshold !== threshold) {
      // Another sensitivity: intervals are cut at the threshold, so the old ones do not apply.
      t.threshold = threshold;
      t.closed = noIntervals();
      t.open = undefined;
    }
    for (const s of segments) {
      const n = s.times.length;
      // Samples are in time order: skip what was fed by a binary search, not a scan.
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s.times[mid]! <= t.lastMs) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < n; i++) {
        const time = s.times[i]!;
        if (time > toMs) break;
        this.step(t, key, time, s.values[i]!);
      }
    }
    while (t.closed.length > 0 && t.closed[0]!.endMs < fromMs) t.closed.shift();
    const intervals = t.closed.slice();
    if (t.open && t.open.endMs >= fromMs) intervals.push(toInterval(key, t.open));
    return { intervals, detector: t.detector };
  }

  private step(t: Track, key: string, time: number, value: number): void {
    this.fed++;
    t.lastMs = time;
    t.index++;
    const d = t.detector;
    const level = d.learn(time, value);
    const open = t.open;
    if (open && level >= t.threshold) {
      open.endMs = time;
      open.endIndex = t.index;
      open.flagged++;
      if (level > open.peak) {
        open.peak = level;
        open.peakValue = value;
      }
    } else if (open && t.index - open.endIndex > this.gapSamples) {
      t.closed.push(toInterval(key, open));
      if (t.closed.length > MAX_CLOSED) t.closed.shift();
      t.open = undefined;
    }
    if (!t.open && d.lastScore >= t.threshold) {
      t.open = new OpenInterval(time, t.index, level, value, d.lastDirection);
    }
  }
}

/**
 * An empty list for a track's closed intervals, made with object elements from the start.
 * A `[]` literal starts with small-integer elements and changes its hidden class at its
 * first interval, and `feed` and `step`, compiled for lists that had, were deoptimised
 * by every new track's first one (issue 20). `slice` keeps the elements' kind.
 */
function noIntervals(): AnomalyInterval[] {
  return OBJECT_ELEMENTS.slice();
}
const OBJECT_ELEMENTS: AnomalyInterval[] = [{} as AnomalyInterval];
OBJECT_ELEMENTS.length = 0;

let warmedUp = false;

/**
 * Feeds a throwaway LiveDetectors once, before the first real one, a synthetic series
 * whose anomalies open, extend, close and drop intervals and leave one open, as the
 * detector's own warm-up does for `learn` (streaming.ts): a branch first taken by a real
 * series late, after `feed` and `step` were compiled, deoptimised them and they were
 * compiled again (issue 20). Nothing is shared with real ones: no result changes.
 */
function warmUp(): void {
  warmedUp = true;
  const n = 420;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = 1_700_000_000_000 + i * 900_000;
    values[i] = i === 330 || i === 331 ? 1000 + i : i === 390 ? 2000 : i === n - 1 ? 4000 : (i % 7) + (i % 3) * 0.25;
  }
  const live = new LiveDetectors();
  live.begin();
  const segments = [
    { times: times.subarray(0, 200), values: values.subarray(0, 200) },
    { times: times.subarray(200), values: values.subarray(200) },
  ];
  live.feed('warm-up', segments, times[360]!, times[n - 1]!, 0.28);
  live.feed('warm-up', segments, times[360]!, times[n - 1]!, 0.28);
  live.end();
}

function toInterval(series: string, o: OpenInterval): AnomalyInterval {
  return {
    series,
    startMs: o.startMs,
    endMs: o.endMs,
    peakValue: o.peakValue,
    peakScore: 10 * o.peak,
    direction: o.direction,
    method: 'calibrated',
    flaggedCount: o.flagged,
  };
}
