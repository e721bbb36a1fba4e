/**
 * The one protocol between the dashboard host (extension) and the dashboard page
 * (webview). Every message both ways is defined here, discriminated by `type`, and
 * every message that crosses the boundary is validated on arrival: the page may be
 * stale (an older bundle after an update) and the host must never act on a
 * malformed request. DTOs are plain JSON so they survive `postMessage` unchanged.
 *
 * No `vscode`, no DOM: both bundles import this file.
 */
import { isTraceId } from './tracesProtocol';
import { ALERT_LEVELS, AlertLevel, HEALTH_STATUSES, HealthStatus, SEVERITIES, Severity, SHOWN_ALERT_STATES, ShownAlertState, Unit, UNITS } from './vocabulary';

// ---------------------------------------------------------------------------
// Ranges

/** The time ranges the page offers. `all` = everything the host keeps. */
export type RangeId = '1m' | '5m' | '15m' | '1h' | 'all';

export const RANGE_IDS: readonly RangeId[] = ['1m', '5m', '15m', '1h', 'all'];

/** Length of each range in ms; `undefined` for `all` (no lower bound). */
export const RANGE_MS: Readonly<Record<RangeId, number | undefined>> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  all: undefined,
};

/** Longest a snooze may be, in minutes (a day): longer is "disable the rule", a setting. */
export const MAX_SNOOZE_MINUTES = 24 * 60;

/** Most server series the picker may chart at once; more is unreadable and costly. */
export const MAX_SELECTED_SERIES = 12;

// ---------------------------------------------------------------------------
// DTOs

export type TargetStateKind = 'running' | 'notRunning' | 'unconfigured' | 'stale';

/** The header line: what is watched and how it is doing. */
export interface HeaderDto {
  /** Shown name of the watched server (`chat`, `node server.js`). */
  name: string;
  pid?: number;
  port?: number;
  uptimeSeconds?: number;
  /** For a service of many instances: "2/3 up · job "chat" in Prometheus at http://…" (settings text, shown as text). */
  service?: string;
  status: HealthStatus;
  state: TargetStateKind;
  /** A sentence for non-running states ("No process listens on port 8080; start the server or change chatroomMonitor.target.port."). */
  message?: string;
  /**
   * "Prometheus would reject this scrape: line 14: …" when the latest scrape's body
   * would be rejected by Prometheus (server text inside: shown as text, never markup).
   */
  verdict?: string;
}

/**
 * Which fixed chart draws a series. `server` series are offered in the picker of
 * the server-metrics chart; `none` series are not charted (target_up, scrape_up…).
 */
/** `instanceCpu` / `instanceMemory`: a service of many instances, one line per instance, side by side. */
export type ChartId = 'processCpu' | 'processMemory' | 'systemUsage' | 'systemNetwork' | 'instanceCpu' | 'instanceMemory' | 'server' | 'none';

/** A series that has a tile at the top of the page. At most one series per role. */
export type TileRole = 'cpu' | 'memory' | 'activeUsers' | 'messagesPerSecond' | 'latencyP95' | 'errorRate';

export const TILE_ROLES: readonly TileRole[] = ['cpu', 'memory', 'activeUsers', 'messagesPerSecond', 'latencyP95', 'errorRate'];

/** One series of the catalogue. `name`, `labels` and `help` come from the server: show them as text only. */
export interface SeriesDto {
  /** Canonical series key (`name{a="x"}`), unique. */
  key: string;
  name: string;
  labels: Record<string, string>;
  unit: Unit;
  chart: ChartId;
  role?: TileRole;
  help?: string;
}

/**
 * Chart-ready columns, uPlot's layout: `x` in seconds since the epoch, ascending;
 * `y[i]` holds series `keys[i]`, one value per `x`, `null` where the series has no
 * sample (a gap, never drawn as a line through it).
 */
export interface ColumnsDto {
  x: number[];
  keys: string[];
  y: (number | null)[][];
  /**
   * Set when the points are a tier, not raw ticks: each bucket of this many ms is two
   * points, its minimum and maximum in the order they happened (the live bucket and
   * later appends are raw). Chosen by the host so a chart never gets more points than
   * the plot has pixels.
   */
  stepMs?: number;
}


export interface AlertDto {
  /** Stable id of this alert instance (rule + series); used to snooze it. */
  id: string;
  level: AlertLevel;
  state: ShownAlertState;
  title: string;
  message: string;
  /** When it entered its current state, ms since the epoch. */
  sinceMs: number;
  /** Notifications for it are silenced until then, ms since the epoch. */
  snoozedUntilMs?: number;
  /** True when a more severe alert on the same series hides this one. */
  inhibited: boolean;
}


/** One finding of the analyzer, with the figures behind it and what to do. */
export interface IssueDto {
  id: string;
  severity: Severity;
  title: string;
  summary: string;
  evidence: { label: string; value: string }[];
  recommendations: { now: string[]; investigate: string[] };
}

/**
 * What a marker shows: a band for an alert period (every chart) or an anomaly (its
 * series' chart); a line at a moment (every chart) for a run of the server starting
 * (a start or a restart, tagged with its commit), a file saved in the workspace, a
 * git commit made while watching and an automated action on the server.
 */
export type MarkerKind = 'alert' | 'anomaly' | 'run' | 'save' | 'commit' | 'action';

export const MARKER_KINDS: readonly MarkerKind[] = ['alert', 'anomaly', 'run', 'save', 'commit', 'action'];

/** Markers drawn as a line at `fromMs` rather than a band. */
export const MOMENT_MARKER_KINDS: readonly MarkerKind[] = ['run', 'save', 'commit', 'action'];

export interface MarkerDto {
  kind: MarkerKind;
  fromMs: number;
  /** Absent while still ongoing. */
  toMs?: number;
  level?: AlertLevel;
  /** For anomalies: the series it was found in. */
  seriesKey?: string;
  /** For an incident across metrics: every member series (the band shows on each member's chart, as one incident). */
  seriesKeys?: string[];
  /** For a moment: what it was, short ("pid 4242 · 3f2a91c", "rooms.ts", "3f2a91c fix join", "restart · crash"); workspace text, drawn as text only. */
  label?: string;
}

/**
 * An OpenMetrics exemplar of a latency histogram: one request behind a bucket, drawn as
 * a small diamond at (time, value) on the chart of its quantile lines; a click opens its
 * trace. The trace id is the watched side's text, checked to be 32 hex digits.
 */
export interface ExemplarDto {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** When it was observed, ms since the epoch. */
  timeMs: number;
  /** The observed value, in the unit of the series it is drawn with (seconds for a latency). */
  value: number;
  /** The quantile series (`…_p95{…}`) it belongs with, only those the page was sent: the chart drawing one draws it. */
  seriesKeys: string[];
}

/** Exemplars the host sends at most (the newest in the range): a few hundred diamonds are already a cloud. */
export const MAX_EXEMPLARS = 300;

/** Defaults for the page's UI state; the page's own saved state wins over them. */
export interface UiDefaultsDto {
  range: RangeId;
  /** Collector tick, ms: larger steps between points are drawn as gaps. */
  intervalMs: number;
  /** Points the page keeps at most per series (bounds the `all` range). */
  maxPoints: number;
  /** Server series charted when the user has not picked any. */
  selectedSeries: string[];
}

// ---------------------------------------------------------------------------
// Host → webview

export interface InitMessage {
  type: 'init';
  header: HeaderDto;
  catalogue: SeriesDto[];
  /** The range `columns` covers. */
  range: RangeId;
  columns: ColumnsDto;
  alerts: AlertDto[];
  issues: IssueDto[];
  markers: MarkerDto[];
  ui: UiDefaultsDto;
}

/** Replaces the chart data after a range or series change. */
export interface WindowMessage {
  type: 'window';
  range: RangeId;
  columns: ColumnsDto;
}

/** Only the points after the last ones sent; at most one per tick. */
export interface AppendMessage {
  type: 'append';
  columns: AppendColumnsDto;
}

/**
 * An append's columns. `keys` is left out when they are the series of the last `init`
 * or `window`, in its order — always, from the host: a tick's append is its new points
 * alone, not the ten or so series keys again (two thirds of its JSON; issue 20).
 */
export type AppendColumnsDto = Omit<ColumnsDto, 'keys'> & { keys?: string[] };

export interface HeaderMessage {
  type: 'header';
  header: HeaderDto;
}

export interface CatalogueMessage {
  type: 'catalogue';
  catalogue: SeriesDto[];
}

export interface AlertsMessage {
  type: 'alerts';
  alerts: AlertDto[];
}

export interface IssuesMessage {
  type: 'issues';
  issues: IssueDto[];
}

export interface MarkersMessage {
  type: 'markers';
  markers: MarkerDto[];
}

/** The exemplars in the range shown, on the series sent (replaces the previous list). */
export interface ExemplarsMessage {
  type: 'exemplars';
  exemplars: ExemplarDto[];
}

export type HostToWebview =
  | InitMessage
  | WindowMessage
  | AppendMessage
  | HeaderMessage
  | CatalogueMessage
  | AlertsMessage
  | IssuesMessage
  | MarkersMessage
  | ExemplarsMessage;

// ---------------------------------------------------------------------------
// Webview → host

/**
 * The page is listening. Carries the page's saved UI state so the host's first
 * `init` already covers the range and series the user had chosen before a reload.
 */
export interface ReadyMessage {
  type: 'ready';
  range?: RangeId;
  selectedSeries?: string[];
  /** Width of the narrowest chart's plot area, px: the host sends no more points than this. */
  plotWidthPx?: number;
}

export interface SetRangeMessage {
  type: 'setRange';
  range: RangeId;
  /** As in `ready`; sent again with the same range when the charts are resized. */
  plotWidthPx?: number;
}

export interface SnoozeMessage {
  type: 'snooze';
  /** An alert id, or `all` for every active alert. */
  alertId: string;
  minutes: number;
}

export interface OpenReportMessage {
  type: 'openReport';
}

/** The dashboard's Compare Runs… button: the host runs the command (its own picks follow). */
export interface CompareRunsMessage {
  type: 'compareRuns';
}

/** The server series the user picked for the server-metrics chart. */
export interface SelectSeriesMessage {
  type: 'selectSeries';
  keys: string[];
}

/** A point picked on a chart (click, or Enter on the focused chart): the slowest traces of that moment. */
export interface ShowTracesMessage {
  type: 'showTraces';
  /** The point's time, ms since the epoch. */
  atMs: number;
}

/** An exemplar picked on a chart (a click on its diamond, or its button under the chart): its trace. */
export interface ShowTraceMessage {
  type: 'showTrace';
  /** 32 lowercase hex digits. */
  traceId: string;
  /** The exemplar's time, ms since the epoch: the Traces view shows that moment around it. */
  atMs: number;
}

export type WebviewToHost =
  | ReadyMessage
  | SetRangeMessage
  | SnoozeMessage
  | OpenReportMessage
  | CompareRunsMessage
  | SelectSeriesMessage
  | ShowTracesMessage
  | ShowTraceMessage;

// ---------------------------------------------------------------------------
// Validation. Each `check*` returns undefined when valid, else one sentence saying
// what is wrong, so the receiver can log it instead of throwing.

type Problem = string | undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): v is T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isOptional<T>(v: unknown, test: (x: unknown) => x is T): boolean {
  return v === undefined || test(v);
}

function describe(v: unknown): string {
  if (isObject(v) && typeof v.type === 'string') {
    return `a "${v.type.slice(0, 40)}" message`;
  }
  return 'a message';
}

const STATES: readonly TargetStateKind[] = ['running', 'notRunning', 'unconfigured', 'stale'];
const CHARTS: readonly ChartId[] = ['processCpu', 'processMemory', 'systemUsage', 'systemNetwork', 'instanceCpu', 'instanceMemory', 'server', 'none'];

function checkHeader(h: unknown): Problem {
  if (!isObject(h) || typeof h.name !== 'string' || !oneOf(h.status, HEALTH_STATUSES) || !oneOf(h.state, STATES)) {
    return 'header needs a string name, a status (healthy, warning, critical, unknown) and a state (running, notRunning, unconfigured, stale)';
  }
  if (!isOptional(h.pid, isFiniteNumber) || !isOptional(h.port, isFiniteNumber) || !isOptional(h.uptimeSeconds, isFiniteNumber)) {
    return 'header pid, port and uptimeSeconds must be finite numbers when present';
  }
  if (h.message !== undefined && typeof h.message !== 'string') {
    return 'header message must be a string when present';
  }
  if (h.verdict !== undefined && typeof h.verdict !== 'string') {
    return 'header verdict must be a string when present';
  }
  if (h.service !== undefined && typeof h.service !== 'string') {
    return 'header service must be a string when present';
  }
  return undefined;
}

function checkSeries(s: unknown): Problem {
  if (!isObject(s) || typeof s.key !== 'string' || typeof s.name !== 'string' || !isObject(s.labels)) {
    return 'each catalogue entry needs a string key, a string name and a labels object';
  }
  if (!Object.values(s.labels).every((v) => typeof v === 'string')) {
    return `labels of series ${JSON.stringify(s.key.slice(0, 80))} must all be strings`;
  }
  if (!oneOf(s.unit, UNITS) || !oneOf(s.chart, CHARTS) || !isOptional(s.role, (r): r is TileRole => oneOf(r, TILE_ROLES))) {
    return `series ${JSON.stringify(s.key.slice(0, 80))} has an unknown unit, chart or role`;
  }
  if (s.help !== undefined && typeof s.help !== 'string') {
    return 'series help must be a string when present';
  }
  return undefined;
}

function checkCatalogue(c: unknown): Problem {
  if (!Array.isArray(c)) {
    return 'catalogue must be an array of series';
  }
  for (const s of c) {
    const p = checkSeries(s);
    if (p) {
      return p;
    }
  }
  return undefined;
}

/** `keysMayBeLeftOut`: an append's, whose keys are the page's own when absent. */
function checkColumns(c: unknown, keysMayBeLeftOut = false): Problem {
  if (!isObject(c) || !Array.isArray(c.x) || !(isStringArray(c.keys) || (keysMayBeLeftOut && c.keys === undefined)) || !Array.isArray(c.y)) {
    return keysMayBeLeftOut ? 'columns need an x array, a y array and, when present, a keys array of strings' : 'columns need an x array, a keys array of strings and a y array';
  }
  const n = c.x.length;
  for (let i = 0; i < n; i++) {
    const t = c.x[i];
    if (!isFiniteNumber(t) || (i > 0 && t < (c.x[i - 1] as number))) {
      return 'columns x must be finite times in seconds, in ascending order';
    }
  }
  if (!isOptional(c.stepMs, (v): v is number => isFiniteNumber(v) && v > 0)) {
    return 'columns stepMs must be a positive number of ms when present';
  }
  if (c.keys !== undefined && c.y.length !== c.keys.length) {
    return `columns have ${c.keys.length} keys but ${c.y.length} y arrays; send one y array per key`;
  }
  for (const col of c.y) {
    if (!Array.isArray(col) || col.length !== n) {
      return `every y array must have one value per x (${n})`;
    }
    for (const v of col) {
      if (v !== null && !isFiniteNumber(v)) {
        return 'y values must be finite numbers, or null for a gap';
      }
    }
  }
  return undefined;
}

function checkAlerts(a: unknown): Problem {
  if (!Array.isArray(a)) {
    return 'alerts must be an array';
  }
  for (const x of a) {
    if (
      !isObject(x) ||
      typeof x.id !== 'string' ||
      !oneOf(x.level, ALERT_LEVELS) ||
      !oneOf(x.state, SHOWN_ALERT_STATES) ||
      typeof x.title !== 'string' ||
      typeof x.message !== 'string' ||
      !isFiniteNumber(x.sinceMs) ||
      !isOptional(x.snoozedUntilMs, isFiniteNumber) ||
      typeof x.inhibited !== 'boolean'
    ) {
      return 'each alert needs id, level, state, title, message, sinceMs, inhibited (and an optional snoozedUntilMs)';
    }
  }
  return undefined;
}

function checkIssues(a: unknown): Problem {
  if (!Array.isArray(a)) {
    return 'issues must be an array';
  }
  for (const x of a) {
    if (
      !isObject(x) ||
      typeof x.id !== 'string' ||
      !oneOf(x.severity, SEVERITIES) ||
      typeof x.title !== 'string' ||
      typeof x.summary !== 'string' ||
      !Array.isArray(x.evidence) ||
      !x.evidence.every((e) => isObject(e) && typeof e.label === 'string' && typeof e.value === 'string') ||
      !isObject(x.recommendations) ||
      !isStringArray(x.recommendations.now) ||
      !isStringArray(x.recommendations.investigate)
    ) {
      return 'each issue needs id, severity, title, summary, evidence [{label, value}] and recommendations {now, investigate}';
    }
  }
  return undefined;
}

function checkMarkers(a: unknown): Problem {
  if (!Array.isArray(a)) {
    return 'markers must be an array';
  }
  for (const m of a) {
    if (
      !isObject(m) ||
      !oneOf(m.kind, MARKER_KINDS) ||
      !isFiniteNumber(m.fromMs) ||
      !isOptional(m.toMs, isFiniteNumber) ||
      !isOptional(m.level, (l): l is AlertLevel => oneOf(l, ALERT_LEVELS)) ||
      (m.seriesKey !== undefined && typeof m.seriesKey !== 'string') ||
      (m.seriesKeys !== undefined && !(Array.isArray(m.seriesKeys) && m.seriesKeys.every((k) => typeof k === 'string'))) ||
      (m.label !== undefined && typeof m.label !== 'string')
    ) {
      return `each marker needs a kind (${MARKER_KINDS.join(', ')}) and fromMs, with optional toMs, level, seriesKey, seriesKeys and label`;
    }
  }
  return undefined;
}

function checkExemplars(a: unknown): Problem {
  if (!Array.isArray(a) || a.length > MAX_EXEMPLARS) {
    return `exemplars must be an array of at most ${MAX_EXEMPLARS}`;
  }
  for (const e of a) {
    if (!isObject(e) || !isTraceId(e.traceId) || !isFiniteNumber(e.timeMs) || !isFiniteNumber(e.value) || !isStringArray(e.seriesKeys)) {
      return 'each exemplar needs a traceId (32 hex digits), a timeMs, a finite value and seriesKeys';
    }
  }
  return undefined;
}

function checkUi(u: unknown): Problem {
  if (
    !isObject(u) ||
    !oneOf(u.range, RANGE_IDS) ||
    !isFiniteNumber(u.intervalMs) ||
    u.intervalMs <= 0 ||
    !isFiniteNumber(u.maxPoints) ||
    u.maxPoints < 1 ||
    !isStringArray(u.selectedSeries)
  ) {
    return 'ui defaults need a range, a positive intervalMs, a positive maxPoints and a selectedSeries array';
  }
  return undefined;
}

function first(...problems: (() => Problem)[]): Problem {
  for (const p of problems) {
    const r = p();
    if (r) {
      return r;
    }
  }
  return undefined;
}

/** Why `msg` is not a valid host → webview message, or undefined when it is. */
export function checkHostToWebview(msg: unknown): Problem {
  if (!isObject(msg) || typeof msg.type !== 'string') {
    return 'Ignored a message from the extension without a "type"; reload the dashboard.';
  }
  let p: Problem;
  switch (msg.type) {
    case 'init':
      p = first(
        () => checkHeader(msg.header),
        () => checkCatalogue(msg.catalogue),
        () => (oneOf(msg.range, RANGE_IDS) ? undefined : 'range must be one of 1m, 5m, 15m, 1h, all'),
        () => checkColumns(msg.columns),
        () => checkAlerts(msg.alerts),
        () => checkIssues(msg.issues),
        () => checkMarkers(msg.markers),
        () => checkUi(msg.ui),
      );
      break;
    case 'window':
      p = first(
        () => (oneOf(msg.range, RANGE_IDS) ? undefined : 'range must be one of 1m, 5m, 15m, 1h, all'),
        () => checkColumns(msg.columns),
      );
      break;
    case 'append':
      p = checkColumns(msg.columns, true);
      break;
    case 'header':
      p = checkHeader(msg.header);
      break;
    case 'catalogue':
      p = checkCatalogue(msg.catalogue);
      break;
    case 'alerts':
      p = checkAlerts(msg.alerts);
      break;
    case 'issues':
      p = checkIssues(msg.issues);
      break;
    case 'markers':
      p = checkMarkers(msg.markers);
      break;
    case 'exemplars':
      p = checkExemplars(msg.exemplars);
      break;
    default:
      return `Ignored ${describe(msg)} the dashboard does not know; reload the dashboard after updating the extension.`;
  }
  return p ? `Ignored ${describe(msg)} from the extension: ${p}.` : undefined;
}

function checkPlotWidth(w: unknown): Problem {
  return isOptional(w, (v): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100_000)
    ? undefined
    : 'plotWidthPx must be a whole number of pixels from 1 to 100000';
}

/** Why `msg` is not a valid webview → host message, or undefined when it is. */
export function checkWebviewToHost(msg: unknown): Problem {
  if (!isObject(msg) || typeof msg.type !== 'string') {
    return 'Ignored a message from the dashboard without a "type"; reload the dashboard.';
  }
  let p: Problem;
  switch (msg.type) {
    case 'ready':
      p =
        !isOptional(msg.range, (r): r is RangeId => oneOf(r, RANGE_IDS)) || !isOptional(msg.selectedSeries, isStringArray)
          ? 'range must be one of 1m, 5m, 15m, 1h, all and selectedSeries an array of series keys'
          : checkPlotWidth(msg.plotWidthPx);
      break;
    case 'setRange':
      p = oneOf(msg.range, RANGE_IDS) ? checkPlotWidth(msg.plotWidthPx) : 'range must be one of 1m, 5m, 15m, 1h, all';
      break;
    case 'snooze':
      p =
        typeof msg.alertId !== 'string' || msg.alertId.length === 0 || msg.alertId.length > 500
          ? 'alertId must be an alert id or "all"'
          : !Number.isInteger(msg.minutes) || (msg.minutes as number) < 1 || (msg.minutes as number) > MAX_SNOOZE_MINUTES
            ? `minutes must be a whole number from 1 to ${MAX_SNOOZE_MINUTES}`
            : undefined;
      break;
    case 'openReport':
    case 'compareRuns':
      p = undefined;
      break;
    case 'showTraces':
      p = isFiniteNumber(msg.atMs) && msg.atMs > 0 ? undefined : 'atMs must be a time in milliseconds since 1970';
      break;
    case 'showTrace':
      p = !isTraceId(msg.traceId)
        ? 'traceId must be 32 lowercase hex digits'
        : isFiniteNumber(msg.atMs) && msg.atMs > 0
          ? undefined
          : 'atMs must be a time in milliseconds since 1970';
      break;
    case 'selectSeries':
      p =
        !isStringArray(msg.keys) || msg.keys.length > MAX_SELECTED_SERIES
          ? `keys must be an array of at most ${MAX_SELECTED_SERIES} series keys`
          : undefined;
      break;
    default:
      return `Ignored ${describe(msg)} the extension does not know; reload the dashboard after updating the extension.`;
  }
  return p ? `Ignored ${describe(msg)} from the dashboard: ${p}.` : undefined;
}

/** Type guard over {@link checkHostToWebview}. */
export function isHostToWebview(msg: unknown): msg is HostToWebview {
  return checkHostToWebview(msg) === undefined;
}

/** Type guard over {@link checkWebviewToHost}. */
export function isWebviewToHost(msg: unknown): msg is WebviewToHost {
  return checkWebviewToHost(msg) === undefined;
}
