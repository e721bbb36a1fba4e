/**
 * The DashboardSource over the core Monitor: charts from the store (StoreChartFeed),
 * the header from the target state, alerts from the alert engine, issues and
 * anomaly markers from the analyzer. No `vscode` here.
 */
import { Alert, AlertHistoryEntry } from '../../core/alerts/alert';
import { Analysis } from '../../core/analyze/analyzer';
import { statusWithAlerts } from '../../core/analyze/issue';
import { Disposable, Emitter, Event } from '../../core/events';
import { Metric, upCount } from '../../core/model';
import { visibleText } from '../../core/text/inertText';
import { Monitor } from '../../core/monitor';
import { verdictSentence } from '../../core/scrape/promVerdict';
import { AlertDto, ColumnsDto, ExemplarDto, HeaderDto, IssueDto, MarkerDto, SeriesDto } from '../../shared/protocol';
import { DashboardSource } from './dashboardSource';
import { StoreChartFeed } from './storeDashboardSource';
import { Defaults } from '../../core/config';

/** Recently resolved alerts stay on the dashboard (and as bands) this long. */
const RESOLVED_SHOWN_MS = 30 * 60_000;

/** The same moments, field for field (the timeline makes new objects on every call). */
function sameMarkers(a: readonly MarkerDto[], b: readonly MarkerDto[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as unknown as Record<string, unknown>;
    const y = b[i] as unknown as Record<string, unknown>;
    if (x === y) continue;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) if (!Object.is(x[k], y[k])) return false;
  }
  return true;
}

export class MonitorDashboardSource implements DashboardSource, Disposable {
  private readonly changeEmitter = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changeEmitter.event;
  private readonly subscription: Disposable;
  private feed: StoreChartFeed | undefined;
  private feedStore: unknown;

  constructor(
    private readonly monitor: Monitor,
    private readonly showReportCommand: () => void,
    private readonly compareRunsCommand: () => void,
    private readonly showTracesCommand: (atMs: number, traceId?: string) => void,
    /** Moments since a time (runs starting, files saved), drawn as lines on every chart. */
    private readonly timeline: (fromMs: number) => readonly MarkerDto[] = () => [],
  ) {
    this.subscription = monitor.onSnapshot(() => this.changeEmitter.fire());
  }

  private chart(): StoreChartFeed {
    // The store is replaced when the target or the history size changes.
    if (!this.feed || this.feedStore !== this.monitor.store) {
      this.feedStore = this.monitor.store;
      this.feed = new StoreChartFeed(this.monitor.store, { intervalMs: this.intervalMs });
    }
    return this.feed;
  }

  get intervalMs(): number {
    return this.monitor.config?.sampleIntervalMs ?? Defaults.sampleIntervalMs;
  }

  get maxPoints(): number {
    return this.chart().maxPoints;
  }

  latestTimeMs(): number {
    return this.chart().latestTimeMs();
  }

  header(): HeaderDto {
    const t = this.monitor.targetState;
    const name = this.monitor.config?.target.name || (t.kind === 'running' ? t.process.executable : 'server');
    const status = this.healthStatus();
    // Prometheus' verdict on the latest scrape, while the monitor still charts what it read.
    const sentence = verdictSentence(this.monitor.latestSnapshot?.prometheusVerdict);
    const verdict = sentence ? { verdict: sentence } : {};
    if (t.kind !== 'running') {
      return { name, status, state: t.kind, message: t.message, ...verdict };
    }
    const rss = this.monitor.store.latest(Metric.processRssBytes);
    const uptime = this.monitor.store.latestValue(Metric.processUptimeSeconds);
    // A Prometheus service has no local process (pid 0): its instances and where they are read from say it.
    return {
      name,
      ...(t.process.pid > 0 ? { pid: t.process.pid } : {}),
      ...(t.service ? { service: `${upCount(t.service)} · ${visibleText(t.service.where, 120, false)}` } : {}),
      ...(t.process.ports[0] !== undefined ? { port: t.process.ports[0] } : {}),
      ...(uptime !== undefined ? { uptimeSeconds: uptime } : {}),
      status,
      state: !rss || rss.stale ? 'stale' : 'running',
      ...verdict,
    };
  }

  /**
   * The worse of the analyzer's verdict and the firing alerts: a badge saying
   * "healthy" above a firing CPU alert would contradict the panel itself.
   * Snoozing silences notifications, it does not make the server healthy.
   */
  private healthStatus(): HeaderDto['status'] {
    const analysis = this.monitor.liveAnalysis();
    return statusWithAlerts(analysis.status, analysis.reasons, this.monitor.alerts.active()).status;
  }

  catalogue(): SeriesDto[] {
    return this.chart().catalogue();
  }

  window(keys: readonly string[], fromMs: number, plotWidthPx?: number): ColumnsDto {
    return this.chart().window(keys, fromMs, plotWidthPx);
  }

  pointsSince(keys: readonly string[], afterMs: number): ColumnsDto {
    return this.chart().pointsSince(keys, afterMs);
  }

  /**
   * Active and recently resolved alerts: the same array while the engine gives the same
   * lists (it keeps them until an evaluation changes something, see AlertEngine.active)
   * and no shown entry has aged past its time, so the session skips it unserialised
   * (issue 20).
   */
  alerts(): AlertDto[] {
    const now = Date.now();
    const active = this.monitor.alerts.active();
    const history = this.monitor.alerts.history();
    const kept = this.lastAlerts;
    if (kept && kept.active === active && kept.history === history && now < kept.untilMs) {
      return kept.alerts;
    }
    // When the list would read otherwise with no change in the engine: a snooze ends, a resolved alert leaves the 30 min.
    let untilMs = Number.POSITIVE_INFINITY;
    const activeDtos = active.map((a: Alert) => {
      if (a.snoozedUntilMs !== undefined && a.snoozedUntilMs > now) untilMs = Math.min(untilMs, a.snoozedUntilMs);
      // "since" falls back to now: a list that says so is made again each time.
      if (a.firingSinceMs === undefined && a.pendingSinceMs === undefined) untilMs = now;
      return {
        id: a.id,
        level: a.level,
        state: a.state === 'firing' ? ('firing' as const) : ('pending' as const),
        title: a.title,
        message: a.message,
        sinceMs: a.firingSinceMs ?? a.pendingSinceMs ?? now,
        ...(a.snoozedUntilMs !== undefined && a.snoozedUntilMs > now ? { snoozedUntilMs: a.snoozedUntilMs } : {}),
        inhibited: a.inhibited,
      };
    });
    const recent = history.filter((h) => h.endMs > now - RESOLVED_SHOWN_MS);
    for (const h of recent) untilMs = Math.min(untilMs, h.endMs + RESOLVED_SHOWN_MS);
    const resolved = recent
      .slice(-10)
      .map((h) => ({ id: `${h.id}@${h.endMs}`, level: h.level, state: 'resolved' as const, title: h.title, message: h.message, sinceMs: h.endMs, inhibited: false }));
    const alerts = [...activeDtos, ...resolved];
    this.lastAlerts = { active, history, untilMs, alerts };
    return alerts;
  }

  private lastAlerts: { readonly active: readonly Alert[]; readonly history: readonly AlertHistoryEntry[]; readonly untilMs: number; readonly alerts: AlertDto[] } | undefined;

  /** The live analysis' issues, the same array until it is re-analysed (every few ticks): the session then skips them unserialised. */
  issues(): IssueDto[] {
    const analysis = this.monitor.liveAnalysis();
    if (this.lastIssues?.analysis !== analysis) {
      this.lastIssues = { analysis, issues: this.issuesOf(analysis) };
    }
    return this.lastIssues.issues;
  }

  private lastIssues: { readonly analysis: Analysis; readonly issues: IssueDto[] } | undefined;

  private issuesOf(analysis: Analysis): IssueDto[] {
    return analysis.issues.map((i) => ({
      id: i.id,
      severity: i.severity,
      title: i.title,
      summary: i.summary,
      evidence: i.evidence.map((e) => ({ label: e.label, value: e.value })),
      recommendations: { now: [...i.recommendations.now], investigate: [...i.recommendations.investigate] },
    }));
  }

  /**
   * The alert and anomaly bands and the timeline's moments from `fromMs`: the same array
   * while the engine's lists, the live analysis and the timeline's moments are the same
   * and `fromMs` has not passed the end of a band it holds (issue 20).
   */
  markers(fromMs: number): MarkerDto[] {
    const active = this.monitor.alerts.active();
    const history = this.monitor.alerts.history();
    const analysis = this.monitor.liveAnalysis();
    const timeline = this.timeline(fromMs);
    const kept = this.lastMarkers;
    if (
      kept &&
      kept.active === active &&
      kept.history === history &&
      kept.analysis === analysis &&
      fromMs >= kept.fromMs &&
      fromMs <= kept.untilFromMs &&
      sameMarkers(kept.timeline, timeline)
    ) {
      return kept.markers;
    }
    const out: MarkerDto[] = [];
    // The earliest end of a band held: a later fromMs drops it. (A band left out never comes back as fromMs grows.)
    let untilFromMs = Number.POSITIVE_INFINITY;
    for (const a of active) {
      if (a.state === 'firing' && a.firingSinceMs !== undefined) {
        out.push({ kind: 'alert', fromMs: a.firingSinceMs, level: a.level });
      }
    }
    for (const h of history) {
      if (h.endMs >= fromMs) {
        out.push({ kind: 'alert', fromMs: h.startMs, toMs: h.endMs, level: h.level });
        untilFromMs = Math.min(untilFromMs, h.endMs);
      }
    }
    // One band per incident: an anomaly seen at once in several series is one thing that happened.
    for (const inc of analysis.incidents) {
      if (inc.endMs >= fromMs) {
        out.push(
          inc.series.length === 1
            ? { kind: 'anomaly', fromMs: inc.startMs, toMs: inc.endMs, seriesKey: inc.series[0] }
            : { kind: 'anomaly', fromMs: inc.startMs, toMs: inc.endMs, seriesKeys: [...inc.series] },
        );
        untilFromMs = Math.min(untilFromMs, inc.endMs);
      }
    }
    out.push(...timeline);
    this.lastMarkers = { active, history, analysis, fromMs, untilFromMs, timeline, markers: out };
    return out;
  }

  private lastMarkers:
    | {
        readonly active: readonly Alert[];
        readonly history: readonly AlertHistoryEntry[];
        readonly analysis: Analysis;
        readonly fromMs: number;
        readonly untilFromMs: number;
        readonly timeline: readonly MarkerDto[];
        readonly markers: MarkerDto[];
      }
    | undefined;

  exemplars(fromMs: number): ExemplarDto[] {
    return this.monitor.exemplars.since(fromMs).map((e) => ({ traceId: e.traceId, timeMs: e.timeMs, value: e.value, seriesKeys: [...e.seriesKeys] }));
  }

  snooze(alertId: string, minutes: number): void {
    this.monitor.alerts.snooze(alertId, minutes * 60_000);
  }

  showReport(): void {
    this.showReportCommand();
  }

  compareRuns(): void {
    this.compareRunsCommand();
  }

  showTraces(atMs: number, traceId?: string): void {
    this.showTracesCommand(atMs, traceId);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

