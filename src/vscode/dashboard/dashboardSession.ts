/**
 * The host side of one open dashboard page: the ready handshake, what to send each
 * tick, and what to do with the page's requests. Kept free of `vscode` (it talks
 * to a {@link WebviewPort}) so it is tested in plain Node; DashboardPanel plugs a
 * real webview into it.
 */
import * as l10n from '@vscode/l10n';
import { chartTailBudget } from '../../core/chartData';
import { Disposable, DisposableStore, Event } from '../../core/events';
import {
  checkWebviewToHost,
  ChartId,
  ExemplarDto,
  HostToWebview,
  MAX_EXEMPLARS,
  MAX_SELECTED_SERIES,
  RANGE_MS,
  RangeId,
  SeriesDto,
  WebviewToHost,
} from '../../shared/protocol';
import { DashboardSource } from './dashboardSource';

/** The two things the session needs from a webview. `vscode.Webview` satisfies it. */
export interface WebviewPort {
  postMessage(message: HostToWebview): PromiseLike<boolean>;
  readonly onDidReceiveMessage: Event<unknown>;
}

export const DEFAULT_RANGE: RangeId = '5m';

/** Server series charted by default when the user has picked none. */
const DEFAULT_SELECTED = 4;

const HANDLE_REQUEST = (): string => l10n.t('handle a dashboard request');
const UPDATE_DASHBOARD = (): string => l10n.t('update the dashboard');

const FIXED_CHARTS: ReadonlySet<ChartId> = new Set<ChartId>(['processCpu', 'processMemory', 'systemUsage', 'systemNetwork', 'instanceCpu', 'instanceMemory']);

/**
 * Sends nothing until the page says `ready`, then one `init` with everything, then
 * per tick only what changed: `append` with the new points, and `header`, `alerts`,
 * `issues`, `markers`, `catalogue` when they differ from what was last sent.
 * Rather than queueing messages for a page that is not listening (and replaying
 * stale appends), the page gets a fresh `init` whenever it (re)announces `ready`.
 */
export class DashboardSession implements Disposable {
  private readonly disposables = new DisposableStore();
  private ready = false;
  private range: RangeId = DEFAULT_RANGE;
  /** Server series the user picked; undefined until they pick (defaults apply). */
  private picked: string[] | undefined;
  private catalogueCache: SeriesDto[] = [];
  private dataKeys: string[] = [];
  private lastSentMs = Number.NEGATIVE_INFINITY;
  /** The page's narrowest plot width, px (it says so on ready/setRange); undefined: raw points. */
  private plotWidthPx: number | undefined;
  /** The tier of the window last sent (0: raw ticks): when its live bucket completes, the window is sent again. */
  private windowStepMs = 0;
  /** Ticks appended since the last window: a tiered window is sent again before they outgrow the pixels. */
  private appendedSinceWindow = 0;
  /** Points in the window last sent (with the appends since: what the page holds for an `all` range). */
  private windowPoints = 0;
  /** JSON of the last header/alerts/issues/markers/catalogue sent, to skip repeats. */
  private readonly lastJson = new Map<string, string>();
  /** The payloads themselves: the same object again is unchanged, without serialising it (see DashboardSource). */
  private readonly lastValue = new Map<string, unknown>();
  private disposed = false;

  constructor(
    private readonly port: WebviewPort,
    private readonly source: DashboardSource,
    /** Where sentences about bad messages and failures go (the output channel). */
    private readonly log: (message: string) => void,
  ) {
    this.disposables.add(port.onDidReceiveMessage((m) => this.onMessage(m)));
    this.disposables.add(source.onDidChange(() => this.onTick()));
  }

  /** True between the page's `ready` and it being hidden or disposed. */
  get isReady(): boolean {
    return this.ready;
  }

  get currentRange(): RangeId {
    return this.range;
  }

  /**
   * A hidden webview is torn down by VS Code (no retainContextWhenHidden, to save
   * memory) and says `ready` again when shown; stop sending until it does.
   */
  setVisible(visible: boolean): void {
    if (!visible) {
      this.ready = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.ready = false;
    this.disposables.dispose();
  }

  private onMessage(raw: unknown): void {
    if (this.disposed) {
      return;
    }
    const problem = checkWebviewToHost(raw);
    if (problem) {
      this.log(problem);
      return;
    }
    this.guard(HANDLE_REQUEST, () => this.handle(raw as WebviewToHost));
  }

  private handle(msg: WebviewToHost): void {
    switch (msg.type) {
      case 'ready':
        if (msg.range) {
          this.range = msg.range;
        }
        if (msg.selectedSeries) {
          this.picked = msg.selectedSeries;
        }
        this.plotWidthPx = msg.plotWidthPx ?? this.plotWidthPx;
        this.ready = true;
        this.sendInit();
        return;
      case 'setRange':
        this.range = msg.range;
        this.plotWidthPx = msg.plotWidthPx ?? this.plotWidthPx;
        if (this.ready) {
          this.sendWindow();
          this.sendMarkers();
          this.sendExemplars();
        }
        return;
      case 'selectSeries':
        this.picked = msg.keys;
        if (this.ready) {
          this.sendWindow();
          this.sendExemplars();
        }
        return;
      case 'snooze':
        this.source.snooze(msg.alertId, msg.minutes);
        if (this.ready) {
          this.sendAlerts();
        }
        return;
      case 'openReport':
        this.source.showReport();
        return;
      case 'compareRuns':
        this.source.compareRuns();
        return;
      case 'showTraces':
        this.source.showTraces(msg.atMs);
        return;
      case 'showTrace':
        this.source.showTraces(msg.atMs, msg.traceId);
        return;
    }
  }

  private onTick(): void {
    if (!this.ready || this.disposed) {
      return;
    }
    this.guard(UPDATE_DASHBOARD, () => {
      const catalogue = this.source.catalogue();
      if (this.sendIfChanged('catalogue', catalogue, { type: 'catalogue', catalogue })) {
        this.catalogueCache = catalogue;
        const keys = this.computeDataKeys();
        if (keys.join('\n') !== this.dataKeys.join('\n')) {
          // New series to draw: replace the data rather than append ragged columns.
          this.sendWindow();
        }
      }
      const fresh = this.source.latestTimeMs();
      const step = this.windowStepMs;
      if (
        (step > 0 &&
          (Math.floor(fresh / step) !== Math.floor(this.lastSentMs / step) || this.appendedSinceWindow >= chartTailBudget(this.plotWidthPx ?? 1))) ||
        (step === 0 && this.range === 'all' && this.plotWidthPx !== undefined && this.windowPoints + this.appendedSinceWindow >= this.plotWidthPx)
      ) {
        // The live bucket of a tiered window completed (its ticks become two points),
        // or the raw ticks appended since would outgrow the pixels (a tier's quarter
        // for appends, or an `all` range that grows with every tick): a fresh window.
        this.sendWindow();
      } else {
        const columns = this.source.pointsSince(this.dataKeys, this.lastSentMs);
        this.lastSentMs = fresh;
        if (columns.x.length > 0) {
          this.appendedSinceWindow += columns.x.length;
          // The series are those of the last init or window, in its order (dataKeys): the page has them.
          this.post({ type: 'append', columns: { x: columns.x, y: columns.y } });
        }
      }
      const header = this.source.header();
      this.sendIfChanged('header', header, { type: 'header', header });
      this.sendAlerts();
      const issues = this.source.issues();
      this.sendIfChanged('issues', issues, { type: 'issues', issues });
      this.sendMarkers();
      this.sendExemplars();
    });
  }

  private sendInit(): void {
    this.lastJson.clear();
    this.lastValue.clear();
    const header = this.source.header();
    const catalogue = this.source.catalogue();
    const alerts = this.source.alerts();
    const issues = this.source.issues();
    this.catalogueCache = catalogue;
    this.dataKeys = this.computeDataKeys();
    const markers = this.source.markers(this.fromMs());
    this.lastSentMs = this.source.latestTimeMs();
    const columns = this.source.window(this.dataKeys, this.fromMs(), this.plotWidthPx);
    this.windowStepMs = columns.stepMs ?? 0;
    this.windowPoints = columns.x.length;
    this.appendedSinceWindow = 0;
    this.remember('header', header);
    this.remember('catalogue', catalogue);
    this.remember('alerts', alerts);
    this.remember('issues', issues);
    this.remember('markers', markers);
    // The page starts without exemplars: they follow init only when there are some.
    this.remember('exemplars', []);
    this.post({
      type: 'init',
      header,
      catalogue,
      range: this.range,
      columns,
      alerts,
      issues,
      markers,
      ui: {
        range: this.range,
        intervalMs: this.source.intervalMs,
        maxPoints: this.source.maxPoints,
        selectedSeries: this.selectedKeys(),
      },
    });
    this.sendExemplars();
  }

  private sendWindow(): void {
    this.dataKeys = this.computeDataKeys();
    this.lastSentMs = this.source.latestTimeMs();
    const columns = this.source.window(this.dataKeys, this.fromMs(), this.plotWidthPx);
    this.windowStepMs = columns.stepMs ?? 0;
    this.windowPoints = columns.x.length;
    this.appendedSinceWindow = 0;
    this.post({ type: 'window', range: this.range, columns });
  }

  private sendAlerts(): void {
    const alerts = this.source.alerts();
    this.sendIfChanged('alerts', alerts, { type: 'alerts', alerts });
  }

  private sendMarkers(): void {
    const markers = this.source.markers(this.fromMs());
    this.sendIfChanged('markers', markers, { type: 'markers', markers });
  }

  /**
   * The exemplars of the range on the series the page draws, the newest MAX_EXEMPLARS:
   * each keeps only the series keys the page was sent (an exemplar of a histogram whose
   * quantile lines are not charted is not sent at all).
   */
  private sendExemplars(): void {
    const sent = new Set(this.dataKeys);
    const exemplars: ExemplarDto[] = [];
    for (const e of this.source.exemplars(this.fromMs())) {
      const seriesKeys = e.seriesKeys.filter((k) => sent.has(k));
      if (seriesKeys.length > 0) exemplars.push({ ...e, seriesKeys });
    }
    const newest = exemplars.slice(-MAX_EXEMPLARS);
    this.sendIfChanged('exemplars', newest, { type: 'exemplars', exemplars: newest });
  }

  private fromMs(): number {
    const span = RANGE_MS[this.range];
    return span === undefined ? Number.NEGATIVE_INFINITY : this.source.latestTimeMs() - span;
  }

  /** The picked server series that still exist, or the default pick. */
  private selectedKeys(): string[] {
    const server = this.catalogueCache.filter((s) => s.chart === 'server');
    if (this.picked) {
      const known = new Set(server.map((s) => s.key));
      return this.picked.filter((k) => known.has(k)).slice(0, MAX_SELECTED_SERIES);
    }
    const withRole = server.filter((s) => s.role);
    return (withRole.length > 0 ? withRole : server).slice(0, DEFAULT_SELECTED).map((s) => s.key);
  }

  /** Fixed charts, tiles and the picked server series: the only data sent. */
  private computeDataKeys(): string[] {
    const keys = new Set<string>();
    for (const s of this.catalogueCache) {
      if (FIXED_CHARTS.has(s.chart) || s.role) {
        keys.add(s.key);
      }
    }
    for (const k of this.selectedKeys()) {
      keys.add(k);
    }
    return [...keys];
  }

  private remember(kind: string, value: unknown): void {
    this.lastJson.set(kind, JSON.stringify(value));
    this.lastValue.set(kind, value);
  }

  /**
   * Posts `msg` unless `value` (its payload) equals the last one of its kind; true if
   * sent. The very object sent last is not serialised again: the catalogue and the
   * issues are the same objects from tick to tick until they change (issue 20).
   */
  private sendIfChanged(kind: string, value: unknown, msg: HostToWebview): boolean {
    if (this.lastValue.get(kind) === value && this.lastJson.has(kind)) {
      return false;
    }
    this.lastValue.set(kind, value);
    const json = JSON.stringify(value);
    if (this.lastJson.get(kind) === json) {
      return false;
    }
    this.lastJson.set(kind, json);
    this.post(msg);
    return true;
  }

  private post(msg: HostToWebview): void {
    Promise.resolve(this.port.postMessage(msg)).then(undefined, (err: unknown) => {
      // A page that went away mid-send: it will say `ready` again if it comes back.
      this.log(l10n.t('Could not send "{0}" to the dashboard ({1}); it will be refreshed when shown again.', msg.type, String(err)));
    });
  }

  /** Runs `fn`; a throw is logged with `what` (translated only then, not on every tick). */
  private guard(what: () => string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(l10n.t('The dashboard could not {0}: {1}. It will retry on the next tick.', what(), err instanceof Error ? err.message : String(err)));
    }
  }
}
