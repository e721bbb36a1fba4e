import * as l10n from '@vscode/l10n';
import { MAX_KEPT_PROFILES, ProfileEvidence } from './profile/profileEvidence';
import { AlertEngine } from './alerts/engine';
import { CompiledRule, anomalyTargets, forecastTargets } from './alerts/rule';
import { AnomalySource } from './collect/anomalySource';
import { VerdictTally } from './scrape/promVerdict';
import { ExemplarStore } from './scrape/exemplars';
import { Analysis, AnalyzeOptions, analyze } from './analyze/analyzer';
import { ShownForecast } from './analyze/forecast';
import { LiveAnalysis } from './analyze/liveAnalysis';
import { Clock } from './clock';
import { ForecastSource } from './collect/forecastSource';
import { Collector, CollectorLogEvent } from './collect/collector';
import { Locator, TargetTracker, TargetWatch } from './collect/targetTracker';
import { GroupLocator, GroupTracker } from './collect/groupTracker';
import { parseGroupSpec } from './process/targetSpec';
import { TickSource } from './collect/tickSource';
import { Defaults, MonitorConfig, ParsedConfig, sameMonitorConfig } from './config';
import { SettingsChange, settingId, touches } from './settings/settings';
import { compileAlertRules } from './alerts/defaults';
import { Disposable, DisposableStore, Emitter, Event } from './events';
import { Snapshot, TargetSpec, TargetState } from './model';
import { failedScrapeSentence } from './scrape/scraper';
import { SeriesStore } from './store/seriesStore';
import { TieredView, earliestWithTiers } from './store/tieredView';

/** How the monitor gets its sources; Linux /proc or portable, real or scripted in tests. */
export interface MonitorDeps {
  readonly clock: Clock;
  readonly locator: Locator;
  /** The sources for a config: process, system, scrape (each fails alone). */
  createSources(config: MonitorConfig): TickSource[];
  /**
   * For a config whose service is read from elsewhere (`config.prometheus`): the watch
   * that replaces the process tracker and the sources that replace createSources'.
   * Undefined: the local process is watched.
   */
  createRemoteWatch?(config: MonitorConfig): { readonly watch: TargetWatch; readonly sources: readonly TickSource[] } | undefined;
}

/**
 * The facade the adapters (VS Code, CLI) talk to. It owns the store and the
 * collector and rebuilds the collector when the config changes, keeping the
 * history when the store's size does not change — so a settings change takes
 * effect on the next tick, without a reload and without losing the charts.
 */
export class Monitor implements Disposable {
  private readonly keptProfiles: ProfileEvidence[] = [];
  private readonly snapshotEmitter = new Emitter<Snapshot>();
  private readonly logEmitter = new Emitter<CollectorLogEvent>();
  readonly onSnapshot: Event<Snapshot> = this.snapshotEmitter.event;
  readonly onLog: Event<CollectorLogEvent> = this.logEmitter.event;

  private storeInstance: SeriesStore | undefined;
  private collector: Collector | undefined;
  private collectorSubscriptions = new DisposableStore();
  private currentConfig: MonitorConfig | undefined;
  private started = false;
  private forecastTargetList: readonly { metric: string; limit: number }[] = [];
  private anomalyTargetList: readonly string[] = [];

  /** Alert rules evaluated after every tick, before the snapshot event fires. */
  readonly alerts: AlertEngine;

  constructor(private readonly deps: MonitorDeps) {
    this.alerts = new AlertEngine([], deps.clock);
  }

  private rules: readonly CompiledRule[] = [];
  private rulesProblems: readonly string[] = [];

  /**
   * The one entry for settings (first setup and every change): collection is rebuilt
   * only when a collection setting changed, the alert rules only when a rule setting
   * did — so editing a rule never restarts collection. Notification and report
   * settings belong to their adapters.
   */
  applySettings({ parsed, changed }: SettingsChange<ParsedConfig>): void {
    if (touches(changed, 'alerts')) {
      const { rules, problems } = compileAlertRules(parsed.settings['alerts.rules'], parsed.settings['alerts.useDefaults']);
      this.rulesProblems = problems;
      this.setAlertRules(rules);
    }
    if (touches(changed, 'collection')) {
      this.configure(parsed.config);
    }
  }

  /** The compiled alert rules in use. */
  get alertRules(): readonly CompiledRule[] {
    return this.rules;
  }

  /** One sentence per bad alert rule, from the last rule settings applied. */
  get alertRuleProblems(): readonly string[] {
    return this.rulesProblems;
  }

  /** Replaces the alert rules (settings changed); firing alerts of kept rules keep their state. */
  setAlertRules(rules: readonly CompiledRule[]): void {
    this.rules = rules;
    this.alerts.setRules(rules);
    this.forecastTargetList = forecastTargets(rules);
    this.anomalyTargetList = anomalyTargets(rules);
  }

  /**
   * The analysis of the last `windowMs` (or everything kept): a pure function of the
   * store's samples, the settings and the clock — no cache, no hysteresis, so a
   * report over any window changes nothing the status bar or dashboard shows.
   */
  analyze(windowMs: number | 'all'): Analysis {
    const options = this.analysisOptions(windowMs, true);
    // Longer than the raw history reaches (or the budget cut a series short): the tiers give the older part.
    return analyze(TieredView.needed(this.store, options.fromMs) ? new TieredView(this.store) : this.store, options);
  }

  /**
   * The live analysis (the last `Defaults.liveAnalysisWindowMs`), updated by the tick
   * every `Defaults.liveAnalysisEveryTicks` ticks: the status bar, the dashboard's
   * health, issues and markers all read this one result. Made on this read when there
   * is none yet, or when the last one could not judge the server and samples came since
   * (LiveAnalysis.read).
   */
  liveAnalysis(): Analysis {
    return this.live.read(this.store, (w) => this.analysisOptions(w));
  }

  /** Forecasts that passed the live analysis' hysteresis. */
  get shownForecasts(): readonly ShownForecast[] {
    return this.live.shownForecasts;
  }

  /** What remembers between ticks in analysis (forecast hysteresis, the live result); the tick updates it once. */
  private readonly live = new LiveAnalysis({ windowMs: Defaults.liveAnalysisWindowMs, everyTicks: Defaults.liveAnalysisEveryTicks });

  /** `withTiers`: "everything kept" reaches as far back as the tiers do (reports), not only the raw samples (the live analysis). */
  private analysisOptions(windowMs: number | 'all', withTiers = false): AnalyzeOptions {
    const store = this.store;
    const toMs = Number.isFinite(store.latestTimeMs) ? store.latestTimeMs : this.deps.clock.now();
    // Only "everything kept" looks for the earliest sample: a scan of every series, which the live analysis' fixed window does not need each tick.
    const fromMs = windowMs === 'all' ? Math.min(withTiers ? earliestWithTiers(store) : store.earliestTimeMs(), toMs) : toMs - windowMs;
    return {
      fromMs,
      toMs,
      nowMs: this.deps.clock.now(),
      ...(this.currentConfig?.memoryLimitBytes ? { memoryLimitBytes: this.currentConfig.memoryLimitBytes, memoryLimitSetting: settingId('analysis.memoryLimitMb') } : {}),
      ...(this.lastScrapeProblem ? { scrapeProblem: this.lastScrapeProblem } : {}),
    };
  }
  /** The scraper's last failure sentence: the report quotes it as the evidence and the fix. */
  private lastScrapeProblem: string | undefined;

  get store(): SeriesStore {
    if (!this.storeInstance) {
      this.storeInstance = new SeriesStore(1);
    }
    return this.storeInstance;
  }

  get config(): MonitorConfig | undefined {
    return this.currentConfig;
  }

  /** Profiles captured of the server (newest last, at most MAX_KEPT_PROFILES), for the report. */
  get profiles(): readonly ProfileEvidence[] {
    return this.keptProfiles;
  }

  /** Keeps a profile's evidence for the report's Profile section and the diagnosis. */
  recordProfile(p: ProfileEvidence): void {
    this.keptProfiles.push(p);
    if (this.keptProfiles.length > MAX_KEPT_PROFILES) {
      this.keptProfiles.splice(0, this.keptProfiles.length - MAX_KEPT_PROFILES);
    }
  }

  get targetState(): TargetState {
    return this.collector?.targetState ?? { kind: 'unconfigured', message: l10n.t('The monitor has not started yet.') };
  }

  /** Prometheus' verdicts on the scrapes so far (for the report). */
  readonly verdicts = new VerdictTally();
  /** The latest OpenMetrics exemplars of the server's histograms (bounded): points on the latency chart that open their trace. */
  readonly exemplars = new ExemplarStore();

  get latestSnapshot(): Snapshot | undefined {
    return this.collector?.latest;
  }

  get restartCount(): number {
    return this.tracker?.restartCount ?? 0;
  }

  private tracker: TargetWatch | undefined;

  /** Collectors built so far (a test checks that settings of other parts do not restart collection). */
  get collectorGeneration(): number {
    return this.generation;
  }

  private generation = 0;

  /**
   * Applies a (new) config; restarts collection if the monitor was running. An equal
   * config changes nothing: settings of other parts (alert rules, notifications, the
   * report) never restart collection.
   */
  configure(config: MonitorConfig): void {
    if (this.currentConfig && this.collector && sameMonitorConfig(this.currentConfig, config)) {
      return;
    }
    const maxSeries = config.metricsMaxSeries + Defaults.storeSeriesHeadroom;
    const capacity = Math.max(2, Math.ceil((config.historyMinutes * 60_000) / config.sampleIntervalMs));
    const sameTarget = this.currentConfig !== undefined && sameTargetSpec(this.currentConfig, config);
    if (
      !this.storeInstance ||
      this.storeInstance.capacity !== capacity ||
      this.storeInstance.maxSeries !== maxSeries ||
      this.storeInstance.budgetBytes !== config.historyBudgetBytes ||
      !sameTarget
    ) {
      // A different target's history would mislead; a different size needs new buffers.
      this.storeInstance = new SeriesStore(capacity, maxSeries, config.historyBudgetBytes);
      this.lastScrapeProblem = undefined;
      this.live.reset();
    }
    this.currentConfig = config;
    const wasStarted = this.started;
    this.teardownCollector();
    const remote = config.prometheus ? this.deps.createRemoteWatch?.(config) : undefined;
    this.tracker = remote?.watch ?? localWatch(this.deps.locator, config.target);
    this.generation++;
    this.collector = new Collector({
      clock: this.deps.clock,
      intervalMs: config.sampleIntervalMs,
      store: this.storeInstance,
      tracker: this.tracker,
      sources: [
        ...(remote ? remote.sources : this.deps.createSources(config)),
        new ForecastSource(
          () => this.store,
          () => this.forecastTargetList,
        ),
        new AnomalySource(
          () => this.store,
          () => this.anomalyTargetList,
        ),
      ],
    });
    this.collectorSubscriptions.add(
      this.collector.onSnapshot((s) => {
        // Only a failed scrape's sentence: a skipped bad line is a warning, not the failure.
        this.lastScrapeProblem = failedScrapeSentence(s.samples, s.problems) ?? this.lastScrapeProblem;
        // Alerts first, so every snapshot listener sees alerts that match its numbers.
        this.alerts.evaluate(this.store, s.timeMs);
        this.live.tick(this.store, (w) => this.analysisOptions(w));
        if (s.prometheusVerdict) {
          this.verdicts.record(s.timeMs, s.prometheusVerdict);
        }
        if (s.exemplars) this.exemplars.add(s.exemplars);
        this.snapshotEmitter.fire(s);
      }),
    );
    this.collectorSubscriptions.add(this.collector.onLog((l) => this.logEmitter.fire(l)));
    if (wasStarted) {
      this.collector.start();
    }
  }

  start(): void {
    this.started = true;
    this.collector?.start();
  }

  /** Runs one tick now (the CLI's loop and tests use it). */
  tickNow(): Promise<void> {
    return this.collector?.tickNow() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.collector?.stop();
  }

  private teardownCollector(): void {
    this.collectorSubscriptions.dispose();
    this.collectorSubscriptions = new DisposableStore();
    this.collector?.dispose();
    this.collector = undefined;
  }

  /**
   * Stops collection and closes everything the monitor opened: the sources' fds,
   * sockets and timers (through the collector) and the locator's kept fd — the
   * monitor owns the locator it was given.
   */
  dispose(): void {
    this.started = false;
    this.teardownCollector();
    this.deps.locator.dispose?.();
    this.alerts.dispose();
    this.snapshotEmitter.dispose();
    this.logEmitter.dispose();
  }
}

function sameTargetSpec(a: MonitorConfig, b: MonitorConfig): boolean {
  return (
    a.target.pid === b.target.pid &&
    a.target.port === b.target.port &&
    a.target.commandPattern === b.target.commandPattern &&
    a.target.processTree === b.target.processTree &&
    (a.target.ports ?? []).join(',') === (b.target.ports ?? []).join(',') &&
    !!a.target.everyMatch === !!b.target.everyMatch &&
    JSON.stringify(a.prometheus) === JSON.stringify(b.prometheus)
  );
}

/** One process (and its tree), or a group of processes by ports or pattern; a bad group setting is said by a tracker that finds nothing. */
function localWatch(locator: Locator & GroupLocator, spec: TargetSpec): TargetWatch {
  const group = parseGroupSpec(spec);
  if (group === undefined) {
    return new TargetTracker(locator, spec);
  }
  if ('ok' in group) {
    return new TargetTracker({ locate: () => Promise.resolve(group), isSameProcess: () => Promise.resolve(false) }, spec);
  }
  return new GroupTracker(locator, group);
}
