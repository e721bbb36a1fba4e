import { Clock } from './clock';
import { Collector, CollectorLogEvent } from './collect/collector';
import { Locator, TargetTracker } from './collect/targetTracker';
import { TickSource } from './collect/tickSource';
import { MonitorConfig } from './config';
import { Disposable, DisposableStore, Emitter, Event } from './events';
import { Snapshot, TargetState } from './model';
import { SeriesStore } from './store/seriesStore';

/** How the monitor gets its sources; Linux /proc or portable, real or scripted in tests. */
export interface MonitorDeps {
  readonly clock: Clock;
  readonly locator: Locator;
  /** The sources for a config: process, system, scrape (each fails alone). */
  createSources(config: MonitorConfig): TickSource[];
}

/**
 * The facade the adapters (VS Code, CLI) talk to. It owns the store and the
 * collector and rebuilds the collector when the config changes, keeping the
 * history when the store's size does not change — so a settings change takes
 * effect on the next tick, without a reload and without losing the charts.
 */
export class Monitor implements Disposable {
  private readonly snapshotEmitter = new Emitter<Snapshot>();
  private readonly logEmitter = new Emitter<CollectorLogEvent>();
  readonly onSnapshot: Event<Snapshot> = this.snapshotEmitter.event;
  readonly onLog: Event<CollectorLogEvent> = this.logEmitter.event;

  private storeInstance: SeriesStore | undefined;
  private collector: Collector | undefined;
  private collectorSubscriptions = new DisposableStore();
  private currentConfig: MonitorConfig | undefined;
  private started = false;

  constructor(private readonly deps: MonitorDeps) {}

  get store(): SeriesStore {
    if (!this.storeInstance) {
      this.storeInstance = new SeriesStore(1);
    }
    return this.storeInstance;
  }

  get config(): MonitorConfig | undefined {
    return this.currentConfig;
  }

  get targetState(): TargetState {
    return this.collector?.targetState ?? { kind: 'unconfigured', message: 'The monitor has not started yet.' };
  }

  get latestSnapshot(): Snapshot | undefined {
    return this.collector?.latest;
  }

  get restartCount(): number {
    return this.tracker?.restartCount ?? 0;
  }

  private tracker: TargetTracker | undefined;

  /** Applies a (new) config; restarts collection if the monitor was running. */
  configure(config: MonitorConfig): void {
    const capacity = Math.max(2, Math.ceil((config.historyMinutes * 60_000) / config.sampleIntervalMs));
    const sameTarget = this.currentConfig !== undefined && sameTargetSpec(this.currentConfig, config);
    if (!this.storeInstance || this.storeInstance.capacity !== capacity || this.storeInstance.maxSeries !== config.metricsMaxSeries + 1000 || !sameTarget) {
      // A different target's history would mislead; a different size needs new buffers.
      this.storeInstance = new SeriesStore(capacity, config.metricsMaxSeries + 1000);
    }
    this.currentConfig = config;
    const wasStarted = this.started;
    this.teardownCollector();
    this.tracker = new TargetTracker(this.deps.locator, config.target);
    this.collector = new Collector({
      clock: this.deps.clock,
      intervalMs: config.sampleIntervalMs,
      store: this.storeInstance,
      tracker: this.tracker,
      sources: this.deps.createSources(config),
    });
    this.collectorSubscriptions.add(this.collector.onSnapshot((s) => this.snapshotEmitter.fire(s)));
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

  dispose(): void {
    this.started = false;
    this.teardownCollector();
    this.snapshotEmitter.dispose();
    this.logEmitter.dispose();
  }
}

function sameTargetSpec(a: MonitorConfig, b: MonitorConfig): boolean {
  return a.target.pid === b.target.pid && a.target.port === b.target.port && a.target.commandPattern === b.target.commandPattern;
}
