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
 * nor on every tick while the dashboard is open; and the anomaly detectors and the
 * statistics and trends of each series keep their state here between analyses and
 * take in only the samples that arrived or left since the last one (liveDetectors.ts,
 * liveStats.ts) — the same figures as a full scan of the window, in O(new samples).
 * The statistics and trends of series the rules do not read (most of a scraped
 * server's) are not kept at all: no live reader reads them, so they are made from the
 * window when first read (AnalyzeOptions.statsWhenRead).
 */
import { Analysis, AnalyzeOptions, analyze } from './analyzer';
import { TOO_FEW_SAMPLES } from './diagnose';
import { Forecast, ForecastTracker, ForecastTrackerOptions, ShownForecast } from './forecast';
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
  private ticksSince = 0;
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
   * One tick happened. Re-analyses the live window when `everyTicks` ticks have
   * passed since the last analysis — and on every tick while the last analysis could
   * not judge the server yet (no samples, or too few: one more sample changes the
   * verdict) — and feeds the forecasts to the hysteresis once. Returns true when it
   * re-analysed.
   *
   * Not on every one of the first `everyTicks` ticks once the server can be judged:
   * at 1 Hz each analysis runs cold (interpreted code the JIT has not compiled yet),
   * and those early analyses were the largest part of the monitor's first seconds of
   * CPU (issue 20, `npm run bench -- --only extensionHostCpu`).
   */
  tick(store: SeriesStore, options: (windowMs: number) => AnalyzeOptions): boolean {
    this.ticksSince++;
    if (this.current && !cannotJudgeYet(this.current) && this.ticksSince < this.everyTicks) {
      return false;
    }
    this.ticksSince = 0;
    this.detectors.begin();
    this.stats.begin();
    this.current = analyze(store, { ...options(this.options.windowMs), liveDetectors: this.detectors, liveStats: this.stats, statsWhenRead: true });
    this.detectors.end();
    this.stats.end();
    this.updateForecasts(this.current.forecasts);
    return true;
  }

  /** The latest live analysis; undefined before the first tick. */
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
