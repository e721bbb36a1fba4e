/**
 * The streaming anomaly detector: each value is scored from the past only, in
 * bounded memory (≈ 2.5 KB per series) and O(log w) per sample, then learnt.
 *
 * Four views of "unusual", each a raw deviation calibrated into a tail probability
 * against the series' OWN history of that deviation (TailCalibrator), so that one
 * threshold means the same on a noisy CPU series, a quantised fd count, a flat
 * line and a heavy-tailed latency:
 *  - local: robust z against the median/MAD of the previous 64 values (spikes, dips);
 *  - global: z against an exponentially weighted mean/σ with a memory of ~3,000
 *    values (level shifts and drifts the local window has already absorbed);
 *  - daily: z against the same quarter-hour of previous days (EW mean and mean
 *    absolute deviation per quarter-hour, by time, so irregular sampling is fine):
 *    a daily or load-driven pattern is not an anomaly, a break in it is;
 *  - range: a value more than 5% of the range beyond every value seen (after 300
 *    values and an hour).
 * The probability of the value is the smallest of the four, times four (Bonferroni:
 * four looks at one value). Its surprise, −log10 p / 10 in [0, 1], is the `level`;
 * the `score` is the level where it exceeds every level of the previous 50 values
 * and 0 elsewhere: an anomaly is reported when it starts or worsens, not again on
 * every sample while it lasts.
 *
 * Why these (measured on NAB, `npm run bench:anomaly`, standard profile at the
 * optimised threshold): the old detectors' raw z-scores score 2.9 / 3.3, because a
 * z of 3.5 means something different on every real series. Calibrating the local
 * robust z alone into a per-series tail probability: 37; local + global: 46; the
 * onset filter: 51; with the daily view: 58; with the range view: 62.
 *
 * The calibration is the idea behind Numenta's anomaly likelihood (Ahmad et al.,
 * "Unsupervised real-time anomaly detection for streaming data", Neurocomputing
 * 2017: a raw score → "how unusual is this score for this series"), done with a
 * decayed histogram of the raw score below its 98th percentile and, above it, the
 * peaks-over-threshold exponential tail of extreme value theory (Siffer et al.,
 * "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017), so tail
 * probabilities far beyond the history's resolution can still be told apart.
 */
import { AnomalyInterval, TrailingMedianMad } from './anomaly';
import { DOUBLE_ONE, DOUBLE_ZERO } from './doubleField';

/** Score ≥ this flags an anomaly (p ≤ 10^−2.8 ≈ 0.16%): NAB's optimiser puts the standard profile's best at 0.285 (npm run bench:anomaly), rounded down. */
export const DEFAULT_ANOMALY_THRESHOLD = 0.28;

export type Sensitivity = 'low' | 'medium' | 'high';

/** The score threshold of a sensitivity: low = p ≤ 10⁻⁴, medium = the shipped default, high = p ≤ 10⁻². */
export function thresholdFor(sensitivity: Sensitivity | number): number {
  if (typeof sensitivity === 'number') return sensitivity;
  return sensitivity === 'low' ? 0.4 : sensitivity === 'high' ? 0.2 : DEFAULT_ANOMALY_THRESHOLD;
}

/** Surprise of a probability in [0, 1]: −log10 p / 10, so p = 10⁻¹⁰ or less is 1. */
export function surprise(p: number): number {
  if (!(p > 0)) return 1;
  return Math.max(0, Math.min(1, -Math.log10(Math.min(1, p)) / 10));
}

export type AnomalyView = 'local' | 'global' | 'daily' | 'range';

export interface StreamScore {
  /** Probability of a deviation at least this large, the four views combined. */
  readonly p: number;
  /** surprise(p). */
  readonly level: number;
  /** The level at an onset or worsening, 0 while an anomaly lasts or nothing happens. */
  readonly score: number;
  /** The view that found the value most unusual. */
  readonly view: AnomalyView;
  /** The value is above (high) or below (low) what the winning view expected. */
  readonly direction: 'high' | 'low';
}

export interface StreamingOptions {
  readonly localWindow?: number;
  readonly globalAlpha?: number;
  readonly dailyBuckets?: number;
  readonly dailyAlpha?: number;
  readonly rangeWarmup?: number;
  readonly rangeMargin?: number;
  /** The range view speaks only after this much time too (default 1 h): a few minutes of 1 Hz samples have no range worth the name. */
  readonly rangeWarmupMs?: number;
  readonly onsetWindow?: number;
  readonly calibration?: TailOptions;
}

export interface TailOptions {
  /** Weight lost per observation by older ones (default 1/2000: a memory of ~2,000 values). */
  readonly decay?: number;
  /** Quantile above which the exponential tail is used (default 0.98). */
  readonly quantile?: number;
  /** Observations before any probability below 1 is given (default 100). */
  readonly warmup?: number;
  /**
   * Until this many observations (default 200), no probability below 1/(n + 1)
   * is claimed from n observations.
   */
  readonly trustedAfter?: number;
  /**
   * Pseudo-exceedances of a heavy prior tail (mean excess = the threshold itself)
   * mixed into the tail fit (default 5): with few real exceedances the tail stays
   * heavy and cautious; with many, the data decide.
   */
  readonly priorExceedances?: number;
}

const BINS = 200;
/** Room in a calibrator's list of filled bins at first (it doubles as bins fill). */
const FILLED_START = 8;
const BIN_WIDTH = 0.125; // raw deviations 0 … 25 in the histogram, the tail beyond
const MAX_RAW = 1e6;

/**
 * The probability, under the history of a raw score, of a raw score at least this
 * large: a decayed histogram below the `quantile`-th percentile; above it an
 * exponential tail fitted to the mean excess (peaks over threshold). O(bins) per
 * update, bins fixed (200): constant time and memory.
 */
export class TailCalibrator {
  private readonly bins = new Float64Array(BINS);
  private readonly decay: number;
  private readonly quantile: number;
  private readonly warmup: number;
  private readonly trustedAfter: number;
  private readonly prior: number;
  // Doubles from the start: see doubleField.ts.
  private total = DOUBLE_ZERO;
  /** Weight of the newest observation: grows instead of decaying every bin. */
  private weight = DOUBLE_ONE;
  private excess = DOUBLE_ZERO;
  private excessWeight = DOUBLE_ZERO;
  private seen = 0;
  /**
   * One past the highest bin ever filled: every bin from here up is exactly 0 (weights
   * only grow; a rescale keeps 0 at 0), so the scans start here instead of at BINS —
   * the same sums, to the last bit, at a third of the work on typical deviations.
   */
  private top = 0;
  /**
   * The bins ever filled, in ascending order (`filledCount` of them). The scans add only
   * these: every other bin is exactly 0, and adding 0 changes no sum, so the sums and
   * the bin where a scan stops are the same to the last bit. A live series' deviations
   * take few values (a quantised count, a near-constant gauge, a rare outlier far above
   * the rest): on the example server's series, 2–7 of the ~23–34 bins a scan crossed
   * held any weight (issue 20: a warm live analysis' detectors ~35 % cheaper with the σ
   * change below; the first, cold updates cost about the same, that is the JIT).
   * The list grows as bins fill (8, then doubling): a series scored in a watcher of
   * 10,000 series holds three calibrators, and a list of all BINS each was 600 B more a
   * series (issue 11's memory budget), for 2–7 bins used.
   */
  private filled = new Uint8Array(FILLED_START);
  private filledCount = 0;
  private scanned = 0;

  constructor(options: TailOptions = {}) {
    this.decay = options.decay ?? 1 / 2000;
    this.quantile = options.quantile ?? 0.98;
    this.warmup = options.warmup ?? 100;
    this.trustedAfter = options.trustedAfter ?? 200;
    this.prior = options.priorExceedances ?? 5;
  }

  /** Bins the scans of `update` have added so far (a test reads it: only bins that hold weight). */
  get binsScanned(): number {
    return this.scanned;
  }

  /** Bins that have held weight. */
  get binsFilled(): number {
    return this.filledCount;
  }

  /** Bins the list of filled bins has room for (a test reads it: it grows as bins fill). */
  get filledCapacity(): number {
    return this.filled.length;
  }

  /** P(R ≥ r) from the past, then r is learnt. Non-finite r: 1, not learnt. */
  update(raw: number): number {
    if (Number.isNaN(raw)) return 1;
    const r = Math.min(Math.abs(raw), MAX_RAW);
    const uq = this.upperQuantile();
    let p = 1;
    if (this.seen >= this.warmup) {
      if (r > uq) {
        p = (1 - this.quantile) * Math.exp(-(r - uq) / this.meanExcess(uq));
      } else {
        let above = 0;
        const from = this.filledFrom(binOf(r));
        for (let i = from; i < this.filledCount; i++) above += this.bins[this.filled[i]!]!;
        this.scanned += this.filledCount - from;
        p = above / this.total;
      }
      if (this.seen < this.trustedAfter) p = Math.max(p, 1 / (this.seen + 1));
    }
    this.seen++;
    this.weight /= 1 - this.decay;
    if (this.weight > 1e200) this.rescale();
    const at = binOf(r);
    if (at >= this.top) {
      if (this.filledCount === this.filled.length) this.growFilled();
      this.filled[this.filledCount++] = at;
      this.top = at + 1;
    } else if (this.bins[at] === 0) {
      this.markFilled(at);
    }
    this.bins[at] = this.bins[at]! + this.weight;
    this.total += this.weight;
    if (r > uq) {
      this.excess += this.weight * (r - uq);
      this.excessWeight += this.weight;
    }
    return p;
  }

  /**
   * The smallest raw score whose probability is at most `p` now (the inverse of
   * update's answer, without learning); +∞ when the history cannot say it yet.
   */
  rawFor(p: number): number {
    if (this.seen < this.warmup || !(p > 0)) return Number.POSITIVE_INFINITY;
    if (this.seen < this.trustedAfter && p < 1 / (this.seen + 1)) return Number.POSITIVE_INFINITY;
    const uq = this.upperQuantile();
    if (p < 1 - this.quantile) {
      return uq + this.meanExcess(uq) * Math.log((1 - this.quantile) / p);
    }
    let above = 0;
    for (let i = this.filledCount - 1; i >= 0; i--) {
      const k = this.filled[i]!;
      above += this.bins[k]!;
      if (above / this.total > p) return (k + 1) * BIN_WIDTH;
    }
    return 0;
  }

  /** The tail's mean excess over uq, shrunk towards uq by the prior pseudo-exceedances. */
  private meanExcess(uq: number): number {
    // Real exceedances, counted in observations (weights are relative to the newest).
    const k = this.excessWeight / this.weight;
    const real = this.excessWeight > 0 ? this.excess / this.excessWeight : 0;
    return Math.max((real * k + Math.max(uq, BIN_WIDTH) * this.prior) / (k + this.prior), BIN_WIDTH);
  }

  /** The lower edge above which `1 − quantile` of the weight lies. */
  private upperQuantile(): number {
    const target = (1 - this.quantile) * this.total;
    if (this.top === 0) return BINS * BIN_WIDTH; // nothing learnt: the whole range, as a scan of zeros gives
    let cum = 0;
    for (let i = this.filledCount - 1; i >= 0; i--) {
      const k = this.filled[i]!;
      cum += this.bins[k]!;
      if (cum >= target) {
        this.scanned += this.filledCount - i;
        return (k + 1) * BIN_WIDTH;
      }
    }
    this.scanned += this.filledCount;
    return 0;
  }

  /** Position in `filled` of the first bin at or above `bin`. */
  private filledFrom(bin: number): number {
    let lo = 0;
    let hi = this.filledCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.filled[mid]! < bin) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds `bin` (below `top`) to `filled` unless it is there (a bin a rescale took to 0 stays listed). */
  private markFilled(bin: number): void {
    const i = this.filledFrom(bin);
    if (i < this.filledCount && this.filled[i] === bin) return;
    if (this.filledCount === this.filled.length) this.growFilled();
    this.filled.copyWithin(i + 1, i, this.filledCount);
    this.filled[i] = bin;
    this.filledCount++;
  }

  /** Twice the room in the list of filled bins (never more than BINS: a bin is listed once). */
  private growFilled(): void {
    const grown = new Uint8Array(Math.min(BINS, this.filled.length * 2));
    grown.set(this.filled);
    this.filled = grown;
  }

  private rescale(): void {
    for (let j = 0; j < BINS; j++) this.bins[j] = this.bins[j]! / this.weight;
    this.total /= this.weight;
    this.excess /= this.weight;
    this.excessWeight /= this.weight;
    this.weight = 1;
  }
}

function binOf(r: number): number {
  return Math.min(BINS - 1, Math.floor(r / BIN_WIDTH));
}

const DAY_MS = 86_400_000;
const TINY = 1e-12;

/** The streaming detector of one series (see the module comment). */
export class StreamingAnomalyDetector {
  private readonly local: TrailingMedianMad;
  private readonly calLocal: TailCalibrator;
  private readonly calGlobal: TailCalibrator;
  private readonly calDaily: TailCalibrator;
  private readonly globalAlpha: number;
  private readonly dailyAlpha: number;
  private readonly rangeWarmup: number;
  private readonly rangeMargin: number;
  private readonly rangeWarmupMs: number;
  private firstTime = Number.NaN;
  private gMean = DOUBLE_ZERO; // doubles from the start: see doubleField.ts
  private gVar = DOUBLE_ZERO;
  private n = 0;
  private readonly dMean: Float64Array;
  private readonly dDev: Float64Array;
  private readonly dWeight: Float64Array;
  private readonly dDays: Float64Array;
  private readonly dLastDay: Float64Array;
  private lastTime = Number.NaN;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  /** Recent levels as a monotone deque (indices and levels, decreasing levels) for the onset filter. */
  private readonly onsetWindow: number;
  private readonly dqIndex: Float64Array;
  private readonly dqLevel: Float64Array;
  private dqHead = 0;
  private dqLen = 0;

  constructor(options: StreamingOptions = {}) {
    if (!warmedUp) warmUp();
    this.local = new TrailingMedianMad(options.localWindow ?? 64);
    this.calLocal = new TailCalibrator(options.calibration);
    this.calGlobal = new TailCalibrator(options.calibration);
    this.calDaily = new TailCalibrator(options.calibration);
    this.globalAlpha = options.globalAlpha ?? 1 / 3000;
    this.dailyAlpha = options.dailyAlpha ?? 0.3;
    this.rangeWarmup = options.rangeWarmup ?? 300;
    this.rangeMargin = options.rangeMargin ?? 0.05;
    this.rangeWarmupMs = options.rangeWarmupMs ?? 3_600_000;
    const buckets = options.dailyBuckets ?? 96;
    this.dMean = new Float64Array(buckets);
    this.dDev = new Float64Array(buckets);
    this.dWeight = new Float64Array(buckets);
    this.dDays = new Float64Array(buckets);
    this.dLastDay = new Float64Array(buckets).fill(Number.NaN);
    this.onsetWindow = options.onsetWindow ?? 50;
    this.dqIndex = new Float64Array(this.onsetWindow + 1);
    this.dqLevel = new Float64Array(this.onsetWindow + 1);
  }

  /** Values seen (finite ones). */
  get count(): number {
    return this.n;
  }

  /** Scores `value` at `timeMs` from the past only, then learns it. Non-finite values score 0 and are not learnt. */
  update(timeMs: number, value: number): StreamScore {
    const level = this.learn(timeMs, value);
    return { p: this.p, level, score: this.score, view: this.view, direction: this.direction };
  }

  private p = DOUBLE_ONE;
  private score = DOUBLE_ZERO;
  private view: AnomalyView = 'local';
  private direction: 'high' | 'low' = 'high';

  /** The latest sample's score (`update`'s `score`), as `learn` left it. */
  get lastScore(): number {
    return this.score;
  }

  /** The latest sample's direction (`update`'s `direction`), as `learn` left it. */
  get lastDirection(): 'high' | 'low' {
    return this.direction;
  }

  /**
   * `update` without an object a sample: returns the level, and leaves the score and
   * the direction in `lastScore` and `lastDirection` until the next sample. For the
   * loops that feed a window (the live detectors, detectCalibrated): ~1,100 samples an
   * analysis of the example server, ~400 KiB a tick at 10,000 series (issue 20).
   */
  learn(timeMs: number, value: number): number {
    if (!Number.isFinite(value)) {
      this.p = 1;
      this.score = 0;
      this.view = 'local';
      this.direction = 'high';
      return 0;
    }
    const x = value;
    // The most surprising view so far (kept in locals: an object and a closure a call
    // were most of an analysis' garbage, issue 20).
    let bestP = 1;
    let bestView: AnomalyView = 'local';
    let bestSigned = 0;

    // local: robust z against the trailing window
    if (this.local.count >= 20) {
      const median = this.local.median();
      // σ is never taken below 1% of |median|: a near-flat series' wobble is not news.
      const z = (x - median) / Math.max(this.local.sigma(median), 0.01 * Math.abs(median), TINY);
      const p = this.calLocal.update(z);
      if (p < bestP) {
        bestP = p;
        bestView = 'local';
        bestSigned = z;
      }
    }
    this.local.push(x);

    // global: exponentially weighted mean and σ
    if (this.n > 10) {
      const z = (x - this.gMean) / Math.max(Math.sqrt(this.gVar), 1e-6 * Math.abs(this.gMean), TINY);
      const p = this.calGlobal.update(z);
      if (p < bestP) {
        bestP = p;
        bestView = 'global';
        bestSigned = z;
      }
    }
    this.n++;
    const a = Math.max(this.globalAlpha, 1 / this.n);
    const d = x - this.gMean;
    this.gMean += a * d;
    this.gVar = (1 - a) * (this.gVar + a * d * d);

    // daily: the same quarter-hour of earlier days, each day weighing the same
    // whatever the sampling rate (a sample weighs its share of the quarter-hour)
    if (Number.isFinite(timeMs)) {
      const buckets = this.dMean.length;
      const bucketMs = DAY_MS / buckets;
      const day = Math.floor(timeMs / DAY_MS);
      const b = Math.min(buckets - 1, Math.floor((timeMs - day * DAY_MS) / bucketMs));
      const dt = Number.isFinite(this.lastTime) && timeMs > this.lastTime ? timeMs - this.lastTime : bucketMs;
      this.lastTime = timeMs;
      const w = Math.min(1, dt / bucketMs);
      const earlierDays = this.dDays[b]! - (this.dLastDay[b] === day ? 1 : 0);
      if (earlierDays >= 3) {
        const z = (x - this.dMean[b]!) / Math.max(this.dDev[b]! * 1.2533, 1e-6 * Math.abs(this.dMean[b]!), TINY);
        const p = this.calDaily.update(z);
        if (p < bestP) {
          bestP = p;
          bestView = 'daily';
          bestSigned = z;
        }
      }
      if (this.dLastDay[b] !== day) {
        this.dDays[b] = this.dDays[b]! + 1;
        this.dLastDay[b] = day;
      }
      const first = this.dWeight[b] === 0;
      this.dWeight[b] = this.dWeight[b]! + w;
      const ad = Math.max(this.dailyAlpha * w, w / this.dWeight[b]!);
      const dd = x - this.dMean[b]!;
      this.dDev[b] = first ? 0 : this.dDev[b]! + ad * (Math.abs(dd) - this.dDev[b]!);
      this.dMean[b] = this.dMean[b]! + ad * dd;
    }

    // range: well beyond everything seen
    if (Number.isNaN(this.firstTime) && Number.isFinite(timeMs)) this.firstTime = timeMs;
    if (this.n > this.rangeWarmup && timeMs - this.firstTime >= this.rangeWarmupMs) {
      const margin = this.rangeMargin * (this.hi - this.lo);
      const beyond = x > this.hi + margin ? 1 : x < this.lo - margin ? -1 : 0;
      if (beyond !== 0 && 1e-4 < bestP) {
        bestP = 1e-4;
        bestView = 'range';
        bestSigned = beyond;
      }
    }
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;

    const p = Math.min(1, 4 * bestP);
    const level = surprise(p);
    this.score = level > this.recentMaxLevel() ? level : 0;
    this.pushLevel(level);
    this.p = p;
    this.view = bestView;
    this.direction = bestSigned < 0 ? 'low' : 'high';
    return level;
  }

  /**
   * The values the global view alone would flag at `threshold` now: outside
   * [low, high]. Undefined until its history can tell (see TailCalibrator.rawFor).
   */
  band(threshold = DEFAULT_ANOMALY_THRESHOLD): { low: number; high: number } | undefined {
    const r = this.calGlobal.rawFor(10 ** (-10 * threshold) / 4);
    if (!Number.isFinite(r) || this.n <= 10) return undefined;
    const sigma = Math.max(Math.sqrt(this.gVar), 1e-6 * Math.abs(this.gMean), TINY);
    return { low: this.gMean - r * sigma, high: this.gMean + r * sigma };
  }

  /** The largest level among the previous `onsetWindow` values (−∞ if none). */
  private recentMaxLevel(): number {
    const oldest = this.n - 1 - this.onsetWindow;
    while (this.dqLen > 0 && this.dqIndex[this.dqHead]! < oldest) {
      this.dqHead = (this.dqHead + 1) % this.dqIndex.length;
      this.dqLen--;
    }
    return this.dqLen > 0 ? this.dqLevel[this.dqHead]! : Number.NEGATIVE_INFINITY;
  }

  private pushLevel(level: number): void {
    const cap = this.dqIndex.length;
    // Drop from the back every level not above the new one: they can never be the max again.
    while (this.dqLen > 0 && this.dqLevel[(this.dqHead + this.dqLen - 1) % cap]! <= level) this.dqLen--;
    const at = (this.dqHead + this.dqLen) % cap;
    this.dqIndex[at] = this.n - 1;
    this.dqLevel[at] = level;
    this.dqLen++;
  }
}

let warmedUp = false;

/**
 * Runs a throwaway detector once, before the first real one, through a synthetic series
 * that takes every branch of `learn` a real series takes only late: the local window
 * full (64 values), the calibrators past their warm-up (100) and beyond their upper
 * quantile, the onset window sliding (50), the daily view (a fourth day) and the range
 * view (300 values and an hour), integers and fractions, a non-finite value.
 *
 * Why (issue 20): V8 compiles `learn` with the calibrators and the window inlined, and a
 * branch that has never run when it does has no type feedback, so it is compiled as a
 * deoptimisation. Each such branch, first taken by some series later, threw `learn` away
 * and compiled it again: in the tick.floorWithScrape row `learn`, `update` and `push`
 * were compiled 3–5 times each, and TurboFan was ~39 % of the process' CPU. Warmed, the
 * first compile has seen every branch. The throwaway detectors share nothing with real
 * ones, so no result changes; they cost 500 samples once a process (4-9 ms in the interpreter).
 */
function warmUp(): void {
  warmedUp = true;
  const d = new StreamingAnomalyDetector();
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < 420; i++) {
    const value = i === 5 ? Number.NaN : i === 350 || i === 400 ? 1000 : (i % 7) + (i % 3) * 0.25;
    d.learn(t0 + i * 900_000, value);
  }
  d.band();
  // A flat window with fractions off it on both sides: the MAD is 0, and σ's fallback
  // sums the values below and above the median run. A flat series of integers taught
  // those sums integers, and the first fraction, later, threw `learn` away ("lost
  // precision or NaN", ~50 s into a monitor's life); a side never summed, the same.
  const flat = new StreamingAnomalyDetector();
  for (let i = 0; i < 80; i++) flat.learn(t0 + i * 900_000, i % 9 === 0 ? 3.25 : i % 11 === 0 ? 2.5 : 3);
}

/**
 * Anomaly intervals of one series by the streaming detector, for the analyzer and
 * the dashboard bands: an interval opens where the score (onset) reaches
 * `threshold` and lasts while the level stays at or above it (gaps of up to
 * `gapSamples` samples bridged). `peakScore` is the peak's −log10 p (2.8 is
 * p = 10^−2.8); the detector is returned so its state can serve a forecast.
 */
export function detectCalibrated(
  series: string,
  points: { readonly startMs: ArrayLike<number>; readonly endMs: ArrayLike<number>; readonly values: ArrayLike<number> },
  options: { readonly threshold?: number; readonly gapSamples?: number; readonly detector?: StreamingOptions } = {},
): { intervals: AnomalyInterval[]; detector: StreamingAnomalyDetector } {
  const threshold = options.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
  const gap = options.gapSamples ?? 2;
  const d = new StreamingAnomalyDetector(options.detector);
  const out: AnomalyInterval[] = [];
  let open: { start: number; end: number; peakI: number; peak: number; dir: 'high' | 'low'; flagged: number } | undefined;
  const close = (): void => {
    if (!open) return;
    out.push({
      series,
      startMs: points.startMs[open.start]!,
      endMs: points.endMs[open.end]!,
      peakValue: points.values[open.peakI]!,
      peakScore: 10 * open.peak,
      direction: open.dir,
      method: 'calibrated',
      flaggedCount: open.flagged,
    });
    open = undefined;
  };
  for (let i = 0; i < points.values.length; i++) {
    const level = d.learn(points.startMs[i]!, points.values[i]!);
    if (open && level >= threshold) {
      open.end = i;
      open.flagged++;
      if (level > open.peak) {
        open.peak = level;
        open.peakI = i;
      }
    } else if (open && i - open.end > gap) {
      close();
    }
    if (!open && d.lastScore >= threshold) {
      open = { start: i, end: i, peakI: i, peak: level, dir: d.lastDirection, flagged: 1 };
    }
  }
  close();
  return { intervals: out, detector: d };
}
