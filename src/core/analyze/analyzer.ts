/**
 * The analyzer: reads a window of the SeriesStore and returns statistics, trends,
 * anomalies, forecasts, correlations and diagnosed issues — everything the report
 * and the dashboard show. Pure over the store; time comes in through `nowMs`.
 *
 * Cost is O(samples) per series and no copy of the window: the ring buffer's views
 * are scanned once into scratch, once more for the centred sums, then bucketed and
 * selected (seriesScan.ts); the anomaly detectors run on at most `maxPoints`
 * buckets per series (see anomaly.ts). Only the series the rules read are made
 * contiguous, by a copy only where the ring wrapped inside the window.
 */
import * as l10n from '@vscode/l10n';
import { instanceFigures } from './instances';
import { formatBytes } from '../format';
import { Labels, Metric, isOwnMetric } from '../model';
import { ValueKind, valueKind } from '../seriesKind';
import { SeriesInfo, SeriesStore } from '../store/seriesStore';
import { AnomalyInterval, DetectOptions, DetectorKind, detectInBuckets, detectorFor, reducersFor } from './anomaly';
import { Correlation, correlate } from './correlation';
import { bucketsOf } from './downsample';
import { Incident, groupIncidents } from './incidents';
import { Sensitivity, StreamingAnomalyDetector, detectCalibrated, thresholdFor } from './streaming';
import { ChatMetric, SeriesData, diagnose } from './diagnose';
import { Forecast, forecastTimeToLimit } from './forecast';
import { HealthStatus } from '../../shared/vocabulary';
import { Issue, TimeWindow } from './issue';
import { LiveDetectors } from './liveDetectors';
import { LiveStats } from './liveStats';
import { ScanScratch, contiguous, samplesIn, scanWindow } from './seriesScan';
import { Summary, counterIncrease, rateSeries, summarize } from './stats';
import { Trend, linearTrend } from './trend';

export interface AnalyzeOptions {
  readonly fromMs: number;
  readonly toMs: number;
  /** When the analysis is made (from the injected clock). */
  readonly nowMs: number;
  /** The RSS limit to forecast against; default: the machine's memory (system_memory_total_bytes). */
  readonly memoryLimitBytes?: number;
  /** The setting the limit comes from, quoted in the forecast ("chatroomMonitor.memoryLimitMb"). */
  readonly memoryLimitSetting?: string;
  /** "Sustained" rules look at this much of the end of the window (default 5 min). */
  readonly recentMs?: number;
  /** Regression window of forecasts (default 10 min, predict_linear style). */
  readonly forecastWindowMs?: number;
  /** Series analysed at most; the rest are counted in `skippedSeries` (default 200). */
  readonly maxSeries?: number;
  /** Anomaly intervals kept, the strongest first (default 50). */
  readonly maxAnomalies?: number;
  /**
   * Anomaly detection. By default every scored series goes through the calibrated
   * streaming detector (streaming.ts) at `sensitivity` (default medium: the shipped
   * threshold); setting `anomaly.detector` picks one of the classic z-score
   * detectors instead (anomaly.ts).
   */
  readonly anomaly?: DetectOptions & { readonly sensitivity?: Sensitivity | number };
  /** Anomalies of different series this close in time are one incident (default 15 s). */
  readonly incidentToleranceMs?: number;
  /** The scraper's last failure sentence, quoted as the evidence and fix of a failing scrape. */
  readonly scrapeProblem?: string;
  /**
   * The live analysis' detectors (liveDetectors.ts): the calibrated detector of each
   * series is fed only the samples since the previous analysis instead of the whole
   * window from a fresh detector. Reports leave it out.
   */
  readonly liveDetectors?: LiveDetectors;
  /**
   * The live analysis' statistics and trends (liveStats.ts), kept from one analysis to
   * the next and moved with the window: the same figures as the full scan, from the
   * new samples. Reports leave it out.
   */
  readonly liveStats?: LiveStats;
  /**
   * The statistics and trend of a series the rules do not read are made when `stats`
   * or `trends` is first read, from the store's samples of the same window, rather
   * than by the analysis. For the live analysis: its readers (status bar, dashboard,
   * alerts) read the verdict, issues, anomalies and forecasts, never those — and the
   * example server's ~90 series made them most of an analysis (issue 20). A counter the
   * rules read too: the rules read its samples, never its rates' statistics (a scan of
   * the whole window's rates, ~15 % of a warm live analysis). Reports leave it out.
   */
  readonly statsWhenRead?: boolean;
}

export type SeriesKind = 'gauge' | 'counter' | 'timestamp' | 'derived';

export interface SeriesStats {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
  /**
   * From the declared TYPE (the name only where none was declared, see seriesKind.ts):
   * counters are summarised as per-second rates and an increase; timestamps by their
   * latest value, a point in time.
   */
  readonly kind: SeriesKind;
  /** The family's declared `# UNIT`, when it had one. */
  readonly unit?: string;
  readonly summary: Summary;
  readonly latest?: { readonly timeMs: number; readonly value: number };
  /** Counters: increase over the window, across resets. */
  readonly increase?: number;
  readonly resets?: number;
}

export interface SeriesTrend {
  readonly key: string;
  readonly name: string;
  readonly trend: Trend;
}

export interface Analysis {
  readonly window: TimeWindow;
  readonly generatedAtMs: number;
  readonly status: HealthStatus;
  readonly reasons: readonly string[];
  /** Samples read (all series). */
  readonly sampleCount: number;
  readonly stats: readonly SeriesStats[];
  readonly trends: readonly SeriesTrend[];
  /** The strongest `maxAnomalies` intervals, in time order. */
  readonly anomalies: readonly AnomalyInterval[];
  /** All intervals found, before the cut. */
  readonly anomalyCount: number;
  /** Anomalies grouped across series: what happened at once is one incident with its members. */
  readonly incidents: readonly Incident[];
  /**
   * Early warnings: series whose recent trend reaches the edge of their usual range
   * (where the detector would flag them) — a prediction, before the anomaly.
   */
  readonly earlyWarnings: readonly Forecast[];
  readonly forecasts: readonly Forecast[];
  readonly correlations: readonly Correlation[];
  readonly issues: readonly Issue[];
  /** Series not analysed because of `maxSeries`. */
  readonly skippedSeries: number;
  /** Sentences about the options themselves (a window that ends before it starts…). */
  readonly problems: readonly string[];
}

/** Names the rules read, with how label sets are combined into one series. */
const AGGREGATE: readonly (readonly [string, 'sum' | 'max'])[] = [
  [Metric.processCpuPercent, 'sum'],
  [Metric.processRssBytes, 'sum'],
  [Metric.processOpenFds, 'sum'],
  [Metric.processMaxFds, 'max'],
  [Metric.processUptimeSeconds, 'max'],
  [Metric.targetUp, 'max'],
  [Metric.targetRestarts, 'sum'],
  [Metric.systemCpuPercent, 'max'],
  [Metric.systemMemoryPercent, 'max'],
  [Metric.systemMemoryTotalBytes, 'max'],
  [Metric.systemDiskPercent, 'max'],
  [Metric.scrapeUp, 'max'],
  [Metric.scrapeSamplesDropped, 'max'],
  [Metric.storeSeriesRefused, 'max'],
  [Metric.storeHistoryCappedSeries, 'max'],
  [ChatMetric.activeUsers, 'sum'],
  [ChatMetric.messagesPerSecond, 'sum'],
  [ChatMetric.latencyP95Seconds, 'max'],
  [ChatMetric.errorsPerSecond, 'sum'],
  [ChatMetric.eventLoopLagP99Seconds, 'max'],
  [ChatMetric.eventLoopLagSeconds, 'max'],
];

/** Names whose windows the rules, forecasts and correlations read whole. */
const RULE_INPUTS: ReadonlySet<string> = new Set([...AGGREGATE.map(([name]) => name), ChatMetric.gcPerSecond, ChatMetric.gcMeanSeconds]);

/** Pairs whose correlation the report shows (a, b). */
const CORRELATION_PAIRS: readonly (readonly [string, string])[] = [
  [ChatMetric.latencyP95Seconds, ChatMetric.messagesPerSecond],
  [Metric.processRssBytes, ChatMetric.activeUsers],
  [Metric.processCpuPercent, ChatMetric.messagesPerSecond],
  [ChatMetric.eventLoopLagP99Seconds, ChatMetric.messagesPerSecond],
];

/** Analyses the store's samples with fromMs ≤ t ≤ toMs. Never throws on odd data. */
export function analyze(store: SeriesStore, options: AnalyzeOptions): Analysis {
  const problems: string[] = [];
  let { fromMs, toMs } = options;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
    problems.push(l10n.t('The report window has no valid start or end time; choose a number of minutes greater than zero.'));
    fromMs = toMs = Number.isFinite(options.nowMs) ? options.nowMs : 0;
  } else if (fromMs > toMs) {
    problems.push(l10n.t('The report window ended before it started; its start and end were swapped.'));
    [fromMs, toMs] = [toMs, fromMs];
  }
  const window: TimeWindow = { fromMs, toMs };
  const maxSeries = Math.max(1, options.maxSeries ?? 200);

  const all = store.allSeries();
  // The monitor's own series first: they must never be crowded out by a label explosion.
  const ordered = all.filter((s) => isOwnMetric(s.name)).concat(all.filter((s) => !isOwnMetric(s.name)));
  const chosen = ordered.slice(0, maxSeries);

  const windows = new Map<string, SeriesData>();
  const stats: SeriesStats[] = [];
  const trends: SeriesTrend[] = [];
  let anomalies: AnomalyInterval[] = [];
  let sampleCount = 0;
  const scratch = new ScanScratch();
  // Trends already fitted on a rule input's exact window: a name with one label set
  // needs no second fit.
  const fitted = new Map<SeriesData, Trend>();
  const summaries = new Map<SeriesData, Summary>();
  const maxPoints = options.anomaly?.maxPoints ?? 2000;
  const threshold = thresholdFor(options.anomaly?.sensitivity ?? 'medium');
  const detectors = new Map<string, StreamingAnomalyDetector>();
  // Series whose statistics (and trend) are made when read (statsWhenRead): their slots in `stats` and `trends`.
  const whenRead: WhenRead[] = [];
  for (const info of chosen) {
    const segments = store.windowSegments(info.key, fromMs, toMs);
    if (!segments || segments.length === 0) continue;
    // Only the series the rules read need one contiguous array; the rest are read
    // straight from the ring's views.
    const { kind, detector: tableDetector } = kindOf(info);
    const readByRules = RULE_INPUTS.has(info.name);
    if (options.statsWhenRead && !readByRules && kind !== 'gauge') {
      // A counter or a point in time: the analysis reads nothing of it but its statistics.
      sampleCount += samplesIn(segments);
      whenRead.push({ info, kind: kind === 'counter' ? 'counter' : 'timestamp', statsAt: stats.push(PENDING_STATS) - 1, trendAt: kind === 'counter' ? trends.push(PENDING_TREND) - 1 : -1 });
      continue;
    }
    const w = readByRules || kind === 'counter' ? contiguous(segments) : undefined;
    const ruleInput = w && readByRules ? { key: info.key, times: w.times, values: w.values } : undefined;
    if (ruleInput) windows.set(info.key, ruleInput);
    if (options.statsWhenRead && kind === 'counter') {
      // A counter the rules read (target_restarts_total): the rules read its samples, the
      // analysis nothing of its rates: their statistics and trend are made when read.
      sampleCount += w!.times.length;
      whenRead.push({ info, kind: 'counter', statsAt: stats.push(PENDING_STATS) - 1, trendAt: trends.push(PENDING_TREND) - 1 });
      continue;
    }
    if (kind === 'timestamp') {
      // A point in time: its latest value is the figure; a trend or an anomaly of a
      // start time would only restate a restart.
      const scan = options.liveStats?.scan(store, info.key, segments, fromMs, toMs) ?? scanWindow(segments, scratch, { maxPoints, reducers: [] });
      sampleCount += scan.sampleCount;
      stats.push({ ...base(info), kind: 'timestamp', summary: scan.summary, latest: scan.latest });
    } else if (w && kind === 'counter') {
      sampleCount += w.times.length;
      const figures = counterFigures(info, w, scratch, maxPoints);
      stats.push(figures.stats);
      trends.push(figures.trend);
    } else {
      const classic = options.anomaly?.detector;
      const detector = classic ?? tableDetector;
      const calibrated = classic === undefined && detector !== 'none';
      const live = calibrated ? options.liveDetectors : undefined;
      const reducers = live ? [] : calibrated ? ['mean' as const] : reducersFor(detector);
      if (options.statsWhenRead && !ruleInput && reducers.length === 0) {
        // Its anomalies come from the live detectors (or it has none): no scan needed now.
        sampleCount += samplesIn(segments);
        whenRead.push({ info, kind: 'gauge', statsAt: stats.push(PENDING_STATS) - 1, trendAt: trends.push(PENDING_TREND) - 1 });
        if (live) {
          const found = live.feed(info.key, segments, fromMs, toMs, threshold);
          detectors.set(info.key, found.detector);
          anomalies = anomalies.concat(found.intervals);
        }
        continue;
      }
      const scan =
        (reducers.length === 0 ? options.liveStats?.scan(store, info.key, segments, fromMs, toMs) : undefined) ?? scanWindow(segments, scratch, { maxPoints, reducers });
      sampleCount += scan.sampleCount;
      stats.push({ ...base(info), kind: 'gauge', summary: scan.summary, latest: scan.latest });
      trends.push({ key: info.key, name: info.name, trend: scan.trend });
      if (ruleInput) {
        fitted.set(ruleInput, scan.trend);
        summaries.set(ruleInput, scan.summary);
      }
      if (calibrated) {
        const found = live ? live.feed(info.key, segments, fromMs, toMs, threshold) : detectCalibrated(info.key, bucketsOf(scan.buckets, 'mean'), { threshold });
        detectors.set(info.key, found.detector);
        anomalies = anomalies.concat(found.intervals);
      } else {
        anomalies = anomalies.concat(detectInBuckets(info.key, detector, scan.buckets, options.anomaly));
      }
    }
  }

  // One series per name for the rules, label sets combined.
  const byName = new Map<string, SeriesData>();
  for (const [name, how] of AGGREGATE) {
    const s = aggregate(store.select(name), windows, name, how);
    if (s) byName.set(name, s);
  }
  const gc = gcTimeRatio(store, windows);
  if (gc) {
    byName.set(ChatMetric.gcTimeRatio, gc);
    if (options.statsWhenRead) {
      // Read by the rules; its statistics (a selection over the whole window) by no live reader.
      whenRead.push({ derived: gc, kind: 'derived', statsAt: stats.push(PENDING_STATS) - 1, trendAt: -1 });
    } else {
      stats.push(derivedStats(gc));
    }
  }
  const nameTrends = new Map<string, Trend>();
  for (const [name, s] of byName) {
    nameTrends.set(name, fitted.get(s) ?? linearTrend(s.times, s.values));
  }

  const forecasts = buildForecasts(byName, options);
  const correlations: Correlation[] = [];
  for (const [a, b] of CORRELATION_PAIRS) {
    const sa = byName.get(a);
    const sb = byName.get(b);
    if (sa && sb) correlations.push(correlate(a, sa.times, sa.values, b, sb.times, sb.values));
  }

  const memoryLimit = memoryLimitOf(byName, options);
  const diagnosis = diagnose({
    window,
    series: byName,
    trends: nameTrends,
    forecasts,
    correlations,
    memoryLimit,
    recentMs: options.recentMs,
    ...(options.scrapeProblem ? { scrapeProblem: options.scrapeProblem } : {}),
    instances: instanceFigures(store, window),
    summaries,
  });

  const anomalyCount = anomalies.length;
  const incidents = groupIncidents(anomalies, options.incidentToleranceMs);
  const earlyWarnings = buildEarlyWarnings(byName, detectors, threshold, options);
  const maxAnomalies = Math.max(0, options.maxAnomalies ?? 50);
  if (anomalies.length > maxAnomalies) {
    anomalies = anomalies.sort((a, b) => Math.abs(b.peakScore) - Math.abs(a.peakScore)).slice(0, maxAnomalies);
  }
  anomalies.sort((a, b) => a.startMs - b.startMs);

  const result: Analysis = {
    window,
    generatedAtMs: options.nowMs,
    status: diagnosis.status,
    reasons: [...problems, ...diagnosis.reasons],
    sampleCount,
    stats,
    trends,
    anomalies,
    anomalyCount,
    incidents,
    earlyWarnings,
    forecasts,
    correlations,
    issues: diagnosis.issues,
    skippedSeries: all.length - chosen.length,
    problems,
  };
  if (whenRead.length > 0) statsOnRead(result, store, fromMs, toMs, maxPoints, stats, trends, whenRead);
  return result;
}

/**
 * What a series is (valueKind) and its detector by the table (detectorFor), kept per
 * series: both read the name and the declared metadata only, through a table of
 * regular expressions, and an analysis asked them again for every series every time
 * (issue 20: the live analysis of a scraped server, ~90 series every 15 ticks). The
 * store gives a series a new SeriesInfo when its metadata changes, so a new TYPE or
 * UNIT is seen at once.
 */
const KINDS = new WeakMap<SeriesInfo, { readonly kind: ValueKind; readonly detector: DetectorKind }>();

/** valueKind and detectorFor of a series, each worked out once per SeriesInfo. */
export function kindOf(info: SeriesInfo): { readonly kind: ValueKind; readonly detector: DetectorKind } {
  let k = KINDS.get(info);
  if (!k) {
    const kind = valueKind(info.name, info.meta);
    k = { kind, detector: detectorFor(info.name, kind) };
    KINDS.set(info, k);
  }
  return k;
}

/**
 * A series whose statistics (and trend, at `trendAt` ≥ 0) are made when read: a stored
 * series (`info`), read again from the store then, or a derived one (`derived`, the
 * analysis' own arrays, which nothing changes).
 */
type WhenRead =
  | { readonly info: SeriesInfo; readonly kind: 'gauge' | 'counter' | 'timestamp'; readonly statsAt: number; readonly trendAt: number }
  | { readonly derived: SeriesData; readonly kind: 'derived'; readonly statsAt: number; readonly trendAt: -1 };

/** A derived series' statistics (the GC share): a summary of its window and its latest value. */
function derivedStats(s: SeriesData): SeriesStats {
  return { key: s.key, name: s.key, labels: {}, kind: 'derived', summary: summarize(s.values), latest: lastFinite(s.times, s.values) };
}

/** Placeholders of statistics and trends made when read (statsOnRead fills them). */
const PENDING_STATS = {} as SeriesStats;
const PENDING_TREND = {} as SeriesTrend;

/** A counter's statistics (per-second rates, increase, resets) and the trend of its rate, from its window in one array. */
function counterFigures(info: SeriesInfo, w: { readonly times: Float64Array; readonly values: Float64Array }, scratch: ScanScratch, maxPoints: number): { stats: SeriesStats; trend: SeriesTrend } {
  const rate = rateSeries(w.times, w.values);
  const inc = counterIncrease(w.values);
  const scan = scanWindow([rate], scratch, { maxPoints, reducers: [] });
  return {
    stats: { ...base(info), kind: 'counter', summary: scan.summary, latest: lastFinite(w.times, w.values), increase: inc.increase, resets: inc.resets },
    trend: { key: info.key, name: info.name, trend: scan.trend },
  };
}

/**
 * Makes `result.stats` and `result.trends` getters that fill the pending slots on the
 * first read of either — each series scanned whole, as a report scans it — and then
 * read as plain arrays. The window's samples are read from the store then: the same
 * ones unless the history, shorter than the window, has dropped some since.
 */
function statsOnRead(
  result: Analysis,
  store: SeriesStore,
  fromMs: number,
  toMs: number,
  maxPoints: number,
  stats: SeriesStats[],
  trends: SeriesTrend[],
  pending: readonly WhenRead[],
): void {
  let filled = false;
  const fill = (): void => {
    if (filled) return;
    filled = true;
    const scratch = new ScanScratch();
    for (const p of pending) {
      if (p.kind === 'derived') {
        stats[p.statsAt] = derivedStats(p.derived);
        continue;
      }
      const { info, kind, statsAt, trendAt } = p;
      const segments = store.windowSegments(info.key, fromMs, toMs) ?? [];
      if (kind === 'counter') {
        const figures = counterFigures(info, contiguous(segments.length > 0 ? segments : [{ times: new Float64Array(0), values: new Float64Array(0) }]), scratch, maxPoints);
        stats[statsAt] = figures.stats;
        trends[trendAt] = figures.trend;
      } else {
        const scan = scanWindow(segments, scratch, { maxPoints, reducers: [] });
        stats[statsAt] = kind === 'timestamp' ? { ...base(info), kind: 'timestamp', summary: scan.summary, latest: scan.latest } : { ...base(info), kind: 'gauge', summary: scan.summary, latest: scan.latest };
        if (trendAt >= 0) trends[trendAt] = { key: info.key, name: info.name, trend: scan.trend };
      }
    }
  };
  Object.defineProperty(result, 'stats', { enumerable: true, get: () => (fill(), stats) });
  Object.defineProperty(result, 'trends', { enumerable: true, get: () => (fill(), trends) });
}

function base(info: SeriesInfo): { key: string; name: string; labels: Labels; unit?: string } {
  return info.meta?.unit ? { key: info.key, name: info.name, labels: info.labels, unit: info.meta.unit } : { key: info.key, name: info.name, labels: info.labels };
}

function lastFinite(times: Float64Array, values: Float64Array): { timeMs: number; value: number } | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    if (Number.isFinite(values[i]!)) return { timeMs: times[i]!, value: values[i]! };
  }
  return undefined;
}

/**
 * Combines the label sets of one name into one series. Sources write every series
 * of a tick with the tick's timestamp, so equal timestamps are the same instant.
 */
function aggregate(
  infos: readonly SeriesInfo[],
  windows: ReadonlyMap<string, SeriesData>,
  name: string,
  how: 'sum' | 'max',
): SeriesData | undefined {
  const parts = infos.map((i) => windows.get(i.key)).filter((w): w is SeriesData => w !== undefined && w.times.length > 0);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { key: name, ...combineByTime(parts, (acc, v) => (how === 'sum' ? acc + v : Math.max(acc, v))) };
}

/**
 * One series from several, each in time order: at every time any of them has a finite
 * value, the finite values there combined in the parts' order (`first` for the first).
 * A merge of sorted arrays — no map from times to sums, which a cold analysis paid
 * for on every window (issue 20: the GC share of the example server's seven series
 * was a fifth of the first minute's analyses) — with the same sums, to the last bit.
 */
export function combineByTime(
  parts: readonly { readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }[],
  combine: (acc: number, v: number) => number,
  first: (v: number) => number = (v) => v,
): { times: Float64Array; values: Float64Array } {
  if (sameTicks(parts)) return combineSameTicks(parts, combine, first);
  let total = 0;
  for (const p of parts) total += p.times.length;
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  const at = new Array<number>(parts.length).fill(0);
  let n = 0;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      if (at[k]! < p.times.length && p.times[at[k]!]! < t) t = p.times[at[k]!]!;
    }
    if (t === Number.POSITIVE_INFINITY) break;
    let acc = 0;
    let has = false;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      let i = at[k]!;
      for (; i < p.times.length && p.times[i] === t; i++) {
        const v = p.values[i]!;
        if (!Number.isFinite(v)) continue;
        acc = has ? combine(acc, v) : first(v);
        has = true;
      }
      at[k] = i;
    }
    if (has) {
      times[n] = t;
      values[n] = acc;
      n++;
    }
  }
  return { times: times.slice(0, n), values: values.slice(0, n) };
}

/**
 * True when every part has the first part's times, strictly increasing: the label sets
 * of one name written by the same ticks, the common case (a scraped family's label sets).
 */
function sameTicks(parts: readonly { readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }[]): boolean {
  const t0 = parts[0]?.times;
  if (!t0) return false;
  const n = t0.length;
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = t0[i]!;
    if (!(t > prev) || t === Number.POSITIVE_INFINITY) return false;
    prev = t;
  }
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.times.length !== n || p.values.length < n) return false;
    if (k === 0) continue;
    for (let i = 0; i < n; i++) if (p.times[i] !== t0[i]) return false;
  }
  return true;
}

/**
 * combineByTime of parts on the same ticks (sameTicks): index by index, the finite values
 * combined in the parts' order — what the merge does at each time, without its search
 * for the next time over all parts (issue 20: ~100 µs of a warm live analysis).
 */
function combineSameTicks(
  parts: readonly { readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }[],
  combine: (acc: number, v: number) => number,
  first: (v: number) => number,
): { times: Float64Array; values: Float64Array } {
  const t0 = parts[0]!.times;
  const n = t0.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    let has = false;
    for (let k = 0; k < parts.length; k++) {
      const v = parts[k]!.values[i]!;
      if (!Number.isFinite(v)) continue;
      acc = has ? combine(acc, v) : first(v);
      has = true;
    }
    if (has) {
      times[m] = t0[i]!;
      values[m] = acc;
      m++;
    }
  }
  return { times: times.slice(0, m), values: values.slice(0, m) };
}

/**
 * Seconds of GC per second: for each label set (GC kind), rate(_count) · mean
 * duration = rate(_sum); summed over kinds at equal timestamps.
 */
function gcTimeRatio(store: SeriesStore, windows: ReadonlyMap<string, SeriesData>): SeriesData | undefined {
  const kinds: { times: Float64Array; values: Float64Array }[] = [];
  for (const rateInfo of store.select(ChatMetric.gcPerSecond)) {
    const rate = windows.get(rateInfo.key);
    const meanKey = rateInfo.key.replace(ChatMetric.gcPerSecond, ChatMetric.gcMeanSeconds);
    const mean = windows.get(meanKey);
    if (!rate || !mean) continue;
    // The kind's share at each of its rate's times (both in time order: one pass each).
    const times = new Float64Array(rate.times.length);
    const shares = new Float64Array(rate.times.length);
    let n = 0;
    let j = 0;
    for (let i = 0; i < rate.times.length; i++) {
      const t = rate.times[i]!;
      while (j < mean.times.length && mean.times[j]! < t) j++;
      const m = j < mean.times.length && mean.times[j] === t ? mean.values[j]! : undefined;
      const r = rate.values[i]!;
      // No collection in the interval: the mean is undefined (NaN), the share is 0.
      const share = r === 0 ? 0 : m === undefined ? NaN : r * m;
      if (!Number.isFinite(share)) continue;
      times[n] = t;
      shares[n] = share;
      n++;
    }
    kinds.push({ times: times.subarray(0, n), values: shares.subarray(0, n) });
  }
  if (kinds.every((k) => k.times.length === 0)) return undefined;
  // Summed as the kinds come, from 0 (as a running total per time would).
  return { key: ChatMetric.gcTimeRatio, ...combineByTime(kinds, (acc, v) => acc + v, (v) => 0 + v) };
}

function memoryLimitOf(byName: ReadonlyMap<string, SeriesData>, options: AnalyzeOptions): { bytes: number; label: string } | undefined {
  if (options.memoryLimitBytes !== undefined && options.memoryLimitBytes > 0 && Number.isFinite(options.memoryLimitBytes)) {
    const where = options.memoryLimitSetting ? ` (${options.memoryLimitSetting})` : '';
    return { bytes: options.memoryLimitBytes, label: l10n.t('the {0} limit{1}', formatBytes(options.memoryLimitBytes), where) };
  }
  const total = byName.get(Metric.systemMemoryTotalBytes);
  const last = total ? lastFinite(total.times, total.values) : undefined;
  if (last && last.value > 0) {
    return { bytes: last.value, label: l10n.t("the machine's {0} of memory", formatBytes(last.value)) };
  }
  return undefined;
}

function buildForecasts(byName: ReadonlyMap<string, SeriesData>, options: AnalyzeOptions): Forecast[] {
  const out: Forecast[] = [];
  const fo = { windowMs: options.forecastWindowMs };
  const rss = byName.get(Metric.processRssBytes);
  const limit = memoryLimitOf(byName, options);
  if (rss && limit) {
    const f = forecastTimeToLimit(rss.key, l10n.t('process memory (RSS)'), rss.times, rss.values, limit.bytes, limit.label, fo);
    if (f) out.push(f);
  }
  const disk = byName.get(Metric.systemDiskPercent);
  if (disk) {
    const f = forecastTimeToLimit(disk.key, l10n.t('disk use'), disk.times, disk.values, 100, l10n.t('a full disk (100%)'), fo);
    if (f) out.push(f);
  }
  const fds = byName.get(Metric.processOpenFds);
  const maxFds = byName.get(Metric.processMaxFds);
  const maxLast = maxFds ? lastFinite(maxFds.times, maxFds.values) : undefined;
  if (fds && maxLast && maxLast.value > 0) {
    const f = forecastTimeToLimit(fds.key, l10n.t('open file descriptors'), fds.times, fds.values, maxLast.value, l10n.t('the limit of {0} open files', maxLast.value), fo);
    if (f) out.push(f);
  }
  return out;
}

/** Series an early warning watches, with what to call them (in the display language, when the warning is written). */
const EARLY_WARNING: readonly (readonly [string, () => string])[] = [
  [Metric.processCpuPercent, () => l10n.t('server CPU')],
  [ChatMetric.latencyP95Seconds, () => l10n.t('message latency p95')],
  [ChatMetric.messagesPerSecond, () => l10n.t('messages per second')],
  [ChatMetric.eventLoopLagP99Seconds, () => l10n.t('event-loop lag p99')],
  [Metric.processRssBytes, () => l10n.t('process memory (RSS)')],
];

/**
 * Prediction, joined to the forecast machinery: the limit is the upper edge of the
 * series' usual range — the value at which its detector would flag it now
 * (StreamingAnomalyDetector.band) — and the forecast says when the recent trend
 * gets there. Only for series still inside their range.
 */
function buildEarlyWarnings(
  byName: ReadonlyMap<string, SeriesData>,
  detectors: ReadonlyMap<string, StreamingAnomalyDetector>,
  threshold: number,
  options: AnalyzeOptions,
): Forecast[] {
  const out: Forecast[] = [];
  for (const [name, what] of EARLY_WARNING) {
    const s = byName.get(name);
    const d = s ? detectors.get(s.key) : undefined;
    const band = d?.band(threshold);
    if (!s || !band) continue;
    const f = forecastTimeToLimit(s.key, what(), s.times, s.values, band.high, l10n.t('the edge of its usual range'), { windowMs: options.forecastWindowMs });
    if (f) out.push(f);
  }
  return out;
}
