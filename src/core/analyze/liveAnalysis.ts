/**
 * The live analysis: the one thing in analysis that remembers between ticks.
 *
 * `analyze()` (analyzer.ts) is a pure function of the store's samples and the
 * options: the same window gives the same result whatever ran before, and a report
 * over 5 min, 30 min or 1 h changes nothing here. What must remember — the forecast
 * hysteresis (a forecast is shown after 3 evaluations that agree and hidden after 3
 * that do not) and when the analysis was last made — lives in this tracker, which
 * the monitor's tick updates once. Every live consumer (status bar forecast,
 * dashboard health, issues and markers) reads the same result for the same window.
 *
 * Cost: the window is re-analysed once every `everyTicks` ticks, not on every read
 * nor on every tick while the dashboard is open (a reader re-analyses only while the
 * server cannot be judged yet, see `read`); and the anomaly detectors and the
 * statistics and trends of each series keep their state here between analyses and
 * take in only the samples that arrived or left since the last one (liveDetectors.ts,
 * liveStats.ts) — the same figures as a full scan of the window, in O(new samples).
 * The statistics and trends of series the rules do not read (most of a scraped
 * server's) are not kept at all: no live reader reads them, so they are made from the
 * window when first read (AnalyzeOptions.statsWhenRead).
 */
import { Analysis, AnalyzeOptions, analyze } from './analyzer';
import { TOO_FEW_SAMPLES } from './diagnose';
import { Forecast, ForecastRules, ForecastTracker, ForecastTrackerOptions, ShownForecast } from './forecast';
import { LiveDetectors } from './liveDetectors';
import { LiveStats } from './liveStats';
import { SeriesStore } from '../store/seriesStore';

export interface LiveAnalysisOptions {
  /** How much history the live analysis looks at (ms). */
  readonly windowMs: number;
  /** Re-analyse every this many ticks (≥ 1). */
  readonly everyTicks: number;
  readonly tracker?: ForecastTrackerOptions;
}

export class LiveAnalysis {
  private current: Analysis | undefined;
  /** Ticks since the current analysis was made (by a tick or a read). */
  private ticksSince = 0;
  /** The store's earliest sample, once it held one; and whether its samples have spanned a forecast's minimum. */
  private earliestMs = Number.POSITIVE_INFINITY;
  private spanReached = false;
  private readonly trackers = new Map<string, ForecastTracker>();
  private shown: readonly ShownForecast[] = [];
  private readonly everyTicks: number;
  private readonly detectors = new LiveDetectors();
  private readonly stats = new LiveStats();

  constructor(private readonly options: LiveAnalysisOptions) {
    this.everyTicks = Math.max(1, Math.floor(options.everyTicks));
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  /**
   * One tick happened. Re-analyses the live window once every `everyTicks` ticks —
   * the first time on tick `everyTicks`, not on the first, and not before the store's
   * samples span a forecast's minimum — and feeds the forecasts to the hysteresis,
   * which so counts evaluations at one pace whether a dashboard reads or not. Returns true when it re-analysed.
   *
   * Not on the ticks between, even while the last analysis could not judge the server
   * yet (no samples, or too few): the tick's only reader is the status bar's forecast,
   * and a forecast needs far more samples than a verdict does. A reader that wants the
   * verdict the newest sample may have changed gets it from `read`, which re-analyses
   * then. At 1 Hz the first minute's analyses run cold (interpreted code the JIT has
   * not compiled yet): each cost 9–19 ms, and re-analysing the first 5 ticks
   * (too few samples) and the first tick was two thirds of them (issue 20,
   * `npm run bench -- --only extensionHostCpu`).
   */
  tick(store: SeriesStore, options: (windowMs: number) => AnalyzeOptions): boolean {
    this.ticksSince++;
    if (this.ticksSince < this.everyTicks || !this.spansForecast(store)) return false;
    this.analyse(store, options);
    this.updateForecasts(this.current!.forecasts);
    return true;
  }

  /**
   * Whether the store's samples span enough time for a forecast (ForecastRules.minSpanMs).
   * Until then an analysis on the tick could give the hysteresis nothing, so none is made:
   * at 1 Hz, none in a fresh monitor's first 2 minutes. The earliest sample is looked for
   * (a scan of every series) only until one is found; samples arrive at the end, and a
   * restored history is already in the store then.
   */
  private spansForecast(store: SeriesStore): boolean {
    if (this.spanReached) return true;
    if (!Number.isFinite(this.earliestMs)) this.earliestMs = store.earliestTimeMs();
    this.spanReached = store.latestTimeMs - this.earliestMs >= ForecastRules.minSpanMs;
    return this.spanReached;
  }

  /**
   * The live analysis for a reader (the dashboard): the last one, or a new one when
   * there is none yet, when the last could not judge the server and a tick has brought
   * samples since, or when it is `everyTicks` ticks old (before the samples span a
   * forecast's minimum no tick makes one). Kept until the next analysis, so every
   * reader of a tick sees the same object; it does not feed the forecast hysteresis
   * (`tick` does).
   */
  read(store: SeriesStore, options: (windowMs: number) => AnalyzeOptions): Analysis {
    // Stale: the last could not judge the server and a tick has passed (derived, not kept).
    const stale = this.current !== undefined && this.ticksSince > 0 && cannotJudgeYet(this.current);
    if (!this.current || stale || this.ticksSince >= this.everyTicks) this.analyse(store, options);
    return this.current!;
  }

  /** The latest live analysis, as it is; undefined before the first analysis. */
  get analysis(): Analysis | undefined {
    return this.current;
  }

  /** Forecasts that passed the hysteresis, for the status bar tooltip and dashboard. */
  get shownForecasts(): readonly ShownForecast[] {
    return this.shown;
  }

  /** The store was replaced (another target): nothing remembered applies to it. */
  reset(): void {
    this.current = undefined;
    this.ticksSince = 0;
    this.earliestMs = Number.POSITIVE_INFINITY;
    this.spanReached = false;
    this.trackers.clear();
    this.shown = [];
    this.detectors.clear();
    this.stats.clear();
  }

  /** The live detectors (tests read how many samples they were fed). */
  get liveDetectors(): LiveDetectors {
    return this.detectors;
  }

  /** The live statistics and trends (tests read how many samples they read). */
  get liveStats(): LiveStats {
    return this.stats;
  }

  private analyse(store: SeriesStore, options: (windowMs: number) => AnalyzeOptions): void {
    this.ticksSince = 0;
    this.detectors.begin();
    this.stats.begin();
    this.current = analyze(store, { ...options(this.options.windowMs), liveDetectors: this.detectors, liveStats: this.stats, statsWhenRead: true });
    this.detectors.end();
    this.stats.end();
  }

  private updateForecasts(forecasts: readonly Forecast[]): void {
    const seen = new Set<string>();
    for (const f of forecasts) {
      seen.add(f.series);
      let t = this.trackers.get(f.series);
      if (!t) {
        t = new ForecastTracker(this.options.tracker);
        this.trackers.set(f.series, t);
      }
      t.update(f);
    }
    for (const [series, t] of this.trackers) {
      if (!seen.has(series)) t.update(undefined);
    }
    this.shown = [...this.trackers.values()].map((t) => t.current).filter((s): s is ShownForecast => s !== undefined);
  }
}

/** The analysis had nothing, or too little, to judge the server by: the next sample may change its verdict. */
function cannotJudgeYet(a: Analysis): boolean {
  return a.status === 'unknown' || a.issues.some((i) => i.id === TOO_FEW_SAMPLES);
}
