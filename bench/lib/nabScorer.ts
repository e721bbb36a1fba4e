/**
 * A scorer for the Numenta Anomaly Benchmark, written from NAB's description
 * (Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms — the Numenta
 * Anomaly Benchmark", 2015, and the NAB repository's documentation):
 *
 *  - Each data file has labelled anomaly windows [start, end] (timestamps of rows).
 *  - The first 15% of a file (at most 750 rows) is a probationary period: nothing
 *    in it is scored, and a window wholly inside it does not count.
 *  - A detection is a row whose anomaly score is at or above the threshold.
 *  - A window is worth, by its earliest detection at relative position p in
 *    [−1, 0] (−1 the window's first row, 0 one row past its last), the scaled
 *    sigmoid σ(p) = 2/(1 + e^{5p}) − 1, normalised so the first row is worth the
 *    profile's A_TP; a window without a detection costs A_FN. Later detections in
 *    the same window are free.
 *  - A detection outside every window costs A_FP × σ(d / (w − 1)), with d the rows
 *    since the end of the previous window and w its width (so a detection right
 *    after a window is nearly free, one far after it costs nearly A_FP); before
 *    the first window it costs A_FP in full.
 *  - The three application profiles weigh (A_TP, A_FP, A_FN): standard (1, 0.11, 1),
 *    reward low FP (1, 0.22, 1), reward low FN (1, 0.11, 2).
 *  - Raw scores are summed over the corpus at ONE threshold for all files; the
 *    optimiser picks the threshold with the highest sum; the sum is normalised to
 *    100·(S − S_null)/(S_perfect − S_null), with S_null the null detector's best
 *    sum and S_perfect = A_TP × (number of windows).
 */

export interface NabProfile {
  readonly name: string;
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** One labelled file: row times (any increasing numbers) and windows as [first, last] row times. */
export interface LabelledFile {
  readonly name: string;
  readonly times: ArrayLike<number>;
  readonly windows: readonly (readonly [number, number])[];
}

/** σ(p) = 2/(1 + e^{5p}) − 1, and −1 beyond p = 3 (NAB's scaled sigmoid). */
export function scaledSigmoid(p: number): number {
  if (p > 3) return -1;
  return 2 / (1 + Math.exp(5 * p)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

export function probationaryLength(rows: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * What each row of a corpus would be worth if detected, independent of any
 * detector: computed once, reused for every detector, threshold and profile.
 */
export interface ScoringPlan {
  /** Files in order; rows of all files are concatenated in this order. */
  readonly files: readonly string[];
  readonly fileStart: readonly number[];
  readonly rows: number;
  /** Row → global window id, −1 outside windows, −2 probationary (not scored). */
  readonly window: Int32Array;
  /** Row → unweighted worth: σ inside a window, σ past the previous window (or −1) outside. */
  readonly worth: Float64Array;
  /** Windows with at least one scorable row (the only ones a miss is charged for). */
  readonly scorable: Uint8Array;
  /** All labelled windows, probationary or not (the perfect detector's count). */
  readonly windowCount: number;
}

export function planScoring(files: readonly LabelledFile[], probationPercent = 0.15): ScoringPlan {
  let rows = 0;
  const fileStart: number[] = [];
  for (const f of files) {
    fileStart.push(rows);
    rows += f.times.length;
  }
  const window = new Int32Array(rows);
  const worth = new Float64Array(rows);
  let windowCount = 0;
  for (const f of files) windowCount += f.windows.length;
  const scorable = new Uint8Array(windowCount);
  let wid = 0;
  files.forEach((f, fi) => {
    const n = f.times.length;
    const base = fileStart[fi]!;
    const probation = probationaryLength(n, probationPercent);
    const index = new Map<number, number>();
    for (let i = 0; i < n; i++) if (!index.has(f.times[i]!)) index.set(f.times[i]!, i);
    const bounds = f.windows.map(([s, e]) => {
      const a = index.get(s);
      const b = index.get(e);
      if (a === undefined || b === undefined) throw new Error(`${f.name}: window [${s}, ${e}] does not start and end on rows`);
      return [a, b] as const;
    });
    let next = 0; // next window to enter
    let cur: { a: number; b: number; id: number } | undefined;
    let prev: { b: number; width: number } | undefined;
    for (let i = 0; i < n; i++) {
      const nb = bounds[next];
      if (!cur && nb && i === nb[0]) {
        cur = { a: nb[0], b: nb[1], id: wid + next };
        next++;
      }
      let w: number;
      if (cur) {
        const width = cur.b - cur.a + 1;
        worth[base + i] = scaledSigmoid(-(cur.b - i + 1) / width) / MAX_TP;
        w = cur.id;
      } else {
        worth[base + i] = prev ? scaledSigmoid(Math.abs(prev.b - i) / (prev.width - 1)) : -1;
        w = -1;
      }
      if (i < probation) {
        window[base + i] = -2;
      } else {
        window[base + i] = w;
        if (w >= 0) scorable[w] = 1;
      }
      if (cur && i === cur.b) {
        prev = { b: cur.b, width: cur.b - cur.a + 1 };
        cur = undefined;
      }
    }
    wid += f.windows.length;
  });
  return { files: files.map((f) => f.name), fileStart, rows, window, worth, scorable, windowCount };
}

export interface Counts {
  /** Detected rows inside windows / outside windows (scorable rows only). */
  readonly tpRows: number;
  readonly fpRows: number;
  /** Windows detected / missed. */
  readonly detectedWindows: number;
  readonly missedWindows: number;
}

export interface ProfileScore extends Counts {
  readonly profile: string;
  readonly threshold: number;
  /** The raw NAB sum. */
  readonly raw: number;
  /** 100·(raw − null)/(perfect − null). */
  readonly normalized: number;
}

/** The null detector's sum: every scorable window missed, nothing else. */
export function nullScore(plan: ScoringPlan, profile: NabProfile): number {
  let missed = 0;
  for (let w = 0; w < plan.windowCount; w++) missed += plan.scorable[w]!;
  return -profile.fnWeight * missed;
}

export function perfectScore(plan: ScoringPlan, profile: NabProfile): number {
  return profile.tpWeight * plan.windowCount;
}

export function normalize(plan: ScoringPlan, profile: NabProfile, raw: number): number {
  const base = nullScore(plan, profile);
  return (100 * (raw - base)) / (perfectScore(plan, profile) - base);
}

/** The NAB sum with rows whose score is ≥ threshold detected. */
export function scoreAt(plan: ScoringPlan, scores: ArrayLike<number>, profile: NabProfile, threshold: number): ProfileScore {
  const best = new Float64Array(plan.windowCount).fill(Number.NEGATIVE_INFINITY);
  let fp = 0;
  let tpRows = 0;
  let fpRows = 0;
  for (let i = 0; i < plan.rows; i++) {
    const w = plan.window[i]!;
    if (w === -2 || !(scores[i]! >= threshold)) continue;
    if (w === -1) {
      fp += plan.worth[i]! * profile.fpWeight;
      fpRows++;
    } else {
      tpRows++;
      if (plan.worth[i]! > best[w]!) best[w] = plan.worth[i]!;
    }
  }
  let raw = fp;
  let detected = 0;
  let missed = 0;
  for (let w = 0; w < plan.windowCount; w++) {
    if (!plan.scorable[w]) continue;
    if (best[w] === Number.NEGATIVE_INFINITY) {
      raw -= profile.fnWeight;
      missed++;
    } else {
      raw += best[w]! * profile.tpWeight;
      detected++;
    }
  }
  return { profile: profile.name, threshold, raw, normalized: normalize(plan, profile, raw), tpRows, fpRows, detectedWindows: detected, missedWindows: missed };
}

/**
 * The threshold with the highest corpus sum (NAB's optimiser): rows are taken in
 * descending score, and the sum is read after each run of equal scores, so every
 * distinct score is tried as a threshold, and +∞ (nothing detected) too.
 * O(n log n) for the sort, O(n) for the sweep.
 */
export function optimizeThreshold(plan: ScoringPlan, scores: ArrayLike<number>, profile: NabProfile): ProfileScore {
  const idx: number[] = [];
  for (let i = 0; i < plan.rows; i++) {
    if (plan.window[i] !== -2 && !Number.isNaN(scores[i]!)) idx.push(i);
  }
  idx.sort((a, b) => scores[b]! - scores[a]!);
  const part = new Float64Array(plan.windowCount).fill(-profile.fnWeight);
  let total = nullScore(plan, profile);
  let bestRaw = total;
  let bestThreshold = Number.POSITIVE_INFINITY;
  for (let k = 0; k < idx.length; ) {
    const s = scores[idx[k]!]!;
    for (; k < idx.length && scores[idx[k]!] === s; k++) {
      const i = idx[k]!;
      const w = plan.window[i]!;
      if (w === -1) {
        total += plan.worth[i]! * profile.fpWeight;
      } else {
        const v = plan.worth[i]! * profile.tpWeight;
        if (v > part[w]!) {
          total += v - part[w]!;
          part[w] = v;
        }
      }
    }
    if (total > bestRaw) {
      bestRaw = total;
      bestThreshold = s;
    }
  }
  return scoreAt(plan, scores, profile, bestThreshold);
}
