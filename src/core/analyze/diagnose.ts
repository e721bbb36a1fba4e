/**
 * Rules that turn statistics, trends, forecasts and correlations into issues a
 * developer can act on. Each rule names the category, shows its evidence and says
 * what to do now and what to investigate.
 *
 * Rules read series by metric name, aggregated over label sets by the analyzer
 * (sum for rates and counts, max for latencies and lags). A series that is absent
 * (the server does not expose it) makes its rule silent, never wrong.
 * Thresholds here are rule thresholds (what "saturated" means), not anomaly
 * thresholds: anomalies are adaptive (anomaly.ts).
 */
import * as l10n from '@vscode/l10n';
import { trendWord } from '../i18n/words';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatSeconds, formatRate } from '../format';
import { Metric } from '../model';
import { Correlation } from './correlation';
import { Forecast } from './forecast';
import { HealthStatus, Severity } from '../../shared/vocabulary';
import { Evidence, Issue, TimeWindow, severityRank } from './issue';
import { Summary, counterIncrease, quantile } from './stats';
import { Trend } from './trend';
import { InstanceFigures, unevenInstancesIssue } from './instances';

/** Scraped and derived series the rules read (besides `Metric`). */
export const ChatMetric = {
  activeUsers: 'chat_active_users',
  messagesPerSecond: 'chat_messages_per_second',
  latencyP95Seconds: 'chat_message_latency_seconds_p95',
  errorsPerSecond: 'chat_errors_per_second',
  eventLoopLagP99Seconds: 'nodejs_eventloop_lag_p99_seconds',
  eventLoopLagSeconds: 'nodejs_eventloop_lag_seconds',
  gcPerSecond: 'nodejs_gc_duration_seconds_per_second',
  gcMeanSeconds: 'nodejs_gc_duration_seconds_mean',
  /** Derived by the analyzer: Σ rate(_count)·mean = rate(_sum), seconds of GC per second. */
  gcTimeRatio: 'nodejs_gc_time_ratio',
} as const;

export interface SeriesData {
  /** Key of the series, or `name` when several label sets were aggregated. */
  readonly key: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

export interface DiagnosisInput {
  readonly window: TimeWindow;
  /** Series by metric name, aggregated over label sets. */
  readonly series: ReadonlyMap<string, SeriesData>;
  /** Trends over the whole window, by metric name. */
  readonly trends: ReadonlyMap<string, Trend>;
  readonly forecasts: readonly Forecast[];
  readonly correlations: readonly Correlation[];
  /** The memory limit the RSS is held against, when known. */
  readonly memoryLimit?: { readonly bytes: number; readonly label: string };
  /** "Sustained" means over this much of the end of the window (default 5 min). */
  readonly recentMs?: number;
  /** The scraper's last failure sentence (what is wrong and the fix), when a scrape failed. */
  readonly scrapeProblem?: string;
  /** Per-instance means, when the service has several instances (compared with each other). */
  readonly instances?: readonly InstanceFigures[];
  /**
   * The summaries the analyzer already made of some of `series` (a name with one label
   * set is its series' window): a rule that needs a percentile of a whole window reads
   * it there instead of selecting it again. The same figures as quantile() over it.
   */
  readonly summaries?: ReadonlyMap<SeriesData, Summary>;
}

export interface Diagnosis {
  readonly status: HealthStatus;
  readonly reasons: readonly string[];
  readonly issues: readonly Issue[];
}

/** Rule thresholds, exported so the report's methods section quotes the same numbers. */
export const Thresholds = {
  cpuBusyPercent: 80,
  cpuCriticalPercent: 95,
  /** Share of recent samples above the line for the load to be "sustained". */
  sustainedShare: 0.8,
  systemBusyPercent: 85,
  serverQuietPercent: 50,
  leakMinR2: 0.6,
  leakMinSpanMs: 5 * 60_000,
  leakMinGrowthShare: 0.1,
  forecastHorizonMs: 24 * 3_600_000,
  forecastCriticalMs: 30 * 60_000,
  nearLimitShare: 0.9,
  systemMemoryWarnPercent: 85,
  systemMemoryCriticalPercent: 95,
  latencyCorrelationR: 0.7,
  latencyCorrelationMinPairs: 20,
  latencySlowSeconds: 0.1,
  eventLoopLagWarnSeconds: 0.1,
  eventLoopLagCriticalSeconds: 0.5,
  gcWarnRatio: 0.1,
  gcCriticalRatio: 0.25,
  diskCriticalPercent: 95,
  /** Failed scrapes in the window from which the server's own metrics count as missing (warning). */
  scrapeFailedWarnShare: 0.5,
  /** Process samples a window needs before its rules can be trusted (the trend test's minimum). */
  minProcessSamples: 5,
} as const;

/** Runs every rule and derives the overall status. Never throws on odd data. */
/** The issue said while the window holds too few process samples to judge the server (the live analysis re-runs each tick while it stands). */
export const TOO_FEW_SAMPLES = 'too-few-samples';

export function diagnose(input: DiagnosisInput): Diagnosis {
  const issues: Issue[] = [];
  for (const rule of RULES) {
    const issue = rule(input);
    if (issue) issues.push(issue);
  }
  issues.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  return { ...statusOf(input, issues), issues };
}

function statusOf(input: DiagnosisInput, issues: readonly Issue[]): { status: HealthStatus; reasons: string[] } {
  let samples = 0;
  for (const s of input.series.values()) samples += s.values.length;
  const worst = issues.reduce((m, i) => Math.max(m, severityRank(i.severity)), -1);
  if (worst >= 1) {
    const status: HealthStatus = worst === 2 ? 'critical' : 'warning';
    return { status, reasons: issues.filter((i) => severityRank(i.severity) >= 1).map((i) => i.title) };
  }
  if (samples === 0) {
    return {
      status: 'unknown',
      reasons: [l10n.t('No samples in this window: the monitor has not measured the server yet, or the window is before monitoring began.')],
    };
  }
  const span = formatDuration(input.window.toMs - input.window.fromMs);
  return { status: 'healthy', reasons: [l10n.t('No problem found over {0}: no rule fired.', span)] };
}

type Rule = (input: DiagnosisInput) => Issue | undefined;

const RULES: readonly Rule[] = [
  scrapeFailing,
  seriesDropped,
  historyCapped,
  tooFewSamples,
  serverDown,
  restarts,
  cpuSaturation,
  systemContention,
  memoryLeak,
  memoryNearLimit,
  machineMemory,
  loadDrivenLatency,
  eventLoopBlocking,
  gcPressure,
  fdLeak,
  diskFilling,
  (input) => (input.instances ? unevenInstancesIssue(input.window, input.instances) : undefined),
];

// ---------------------------------------------------------------- helpers

interface Recent {
  readonly values: Float64Array;
  readonly window: TimeWindow;
}

/** The samples of the last `recentMs` of the window (all of it if shorter). */
function recent(input: DiagnosisInput, s: SeriesData | undefined): Recent | undefined {
  if (!s || s.times.length === 0) return undefined;
  const recentMs = input.recentMs ?? 5 * 60_000;
  const end = s.times[s.times.length - 1]!;
  let i = s.times.length - 1;
  while (i > 0 && s.times[i - 1]! >= end - recentMs) i--;
  return { values: s.values.subarray(i), window: { fromMs: s.times[i]!, toMs: end } };
}

function shareAtLeast(values: Float64Array, threshold: number): number {
  let n = 0;
  let hit = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v >= threshold) hit++;
  }
  return n === 0 ? 0 : hit / n;
}

function lastFinite(s: SeriesData | undefined): { timeMs: number; value: number } | undefined {
  if (!s) return undefined;
  for (let i = s.values.length - 1; i >= 0; i--) {
    const v = s.values[i]!;
    if (Number.isFinite(v)) return { timeMs: s.times[i]!, value: v };
  }
  return undefined;
}

function forecastFor(input: DiagnosisInput, name: string): Forecast | undefined {
  return input.forecasts.find((f) => f.series === name || f.series.startsWith(name + '{'));
}

function trendWindow(t: Trend): TimeWindow {
  return { fromMs: t.fromMs, toMs: t.toMs };
}

function forecastEvidence(f: Forecast, fmt: (v: number) => string): Evidence {
  return {
    label: l10n.t('Time to {0}', f.limitLabel),
    value: l10n.t('~{0} (now {1}, limit {2})', formatDuration(f.etaMs), fmt(f.fittedNow), fmt(f.limit)),
    window: trendWindow(f.trend),
    series: f.series,
  };
}

/** A function, not a constant: read in the display language chosen after the module loads. */
const PROFILE_CPU = (): string[] => [
  l10n.t('Node: record a CPU profile with `node --cpu-prof server.js` (open the .cpuprofile in VS Code) or `npx clinic flame -- node server.js`.'),
  l10n.t('Python: `py-spy record -o profile.svg --pid <PID>` or `py-spy top --pid <PID>` shows the hot functions without restarting.'),
];

// ---------------------------------------------------------------- rules

// Data quality first: a report is never healthier than its evidence.

function scrapeFailing(input: DiagnosisInput): Issue | undefined {
  const up = input.series.get(Metric.scrapeUp);
  if (!up) return undefined;
  let n = 0;
  let failed = 0;
  let firstFailMs = NaN;
  let lastFailMs = NaN;
  for (let i = 0; i < up.values.length; i++) {
    const v = up.values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v === 0) {
      failed++;
      if (Number.isNaN(firstFailMs)) firstFailMs = up.times[i]!;
      lastFailMs = up.times[i]!;
    }
  }
  if (failed === 0) return undefined;
  const share = failed / n;
  const most = share >= Thresholds.scrapeFailedWarnShare;
  const window = { fromMs: firstFailMs, toMs: lastFailMs };
  const evidence: Evidence[] = [{ label: l10n.t('Failed scrapes'), value: l10n.t('{0} of {1} ({2})', formatNumber(failed), formatNumber(n), formatPercent(share * 100)), window, series: up.key }];
  if (input.scrapeProblem) evidence.push({ label: l10n.t('Last failure'), value: input.scrapeProblem, window: { fromMs: lastFailMs, toMs: lastFailMs }, series: up.key });
  return {
    id: 'scrape-failing',
    category: 'data',
    severity: most ? 'warning' : 'info',
    title: most ? l10n.t('The server\'s metrics could not be read') : l10n.t('Some scrapes of the server\'s metrics failed'),
    summary: most
      ? l10n.t('{0} of {1} scrapes of the metrics endpoint failed: the server\'s own figures (users, messages, latency, event loop) are missing for most of the window, so the rules that read them could not judge it.', formatNumber(failed), formatNumber(n))
      : l10n.t('{0} of {1} scrapes of the metrics endpoint failed; the server\'s own figures have gaps there.', formatNumber(failed), formatNumber(n)),
    evidence,
    recommendations: {
      now: [
        // Our own words only: the failure sentence quotes server text (a status line, a
        // redirect target) and stays in the evidence, which every surface escapes.
        ...(input.scrapeProblem ? [l10n.t('Fix what the last failure in the evidence says; it names the setting and the cause.')] : []),
        l10n.t('Open the endpoint yourself (`curl -sS -D- http://127.0.0.1:PORT/metrics | head`): it must answer 200 within the tick with Prometheus text lines.'),
      ],
      investigate: [l10n.t('If the endpoint hangs or fails only under load, the server is too busy to serve it: see the CPU and event-loop figures.')],
    },
  };
}

function seriesDropped(input: DiagnosisInput): Issue | undefined {
  const parts: [SeriesData | undefined, string][] = [
    [input.series.get(Metric.scrapeSamplesDropped), l10n.t('Samples dropped from a scrape (over chatroomMonitor.metrics.maxSeries)')],
    [input.series.get(Metric.storeSeriesRefused), l10n.t('Series the store refused (its series limit)')],
  ];
  const evidence: Evidence[] = [];
  for (const [s, label] of parts) {
    if (!s) continue;
    let max = 0;
    let atMs = NaN;
    for (let i = 0; i < s.values.length; i++) {
      if (s.values[i]! > max) {
        max = s.values[i]!;
        atMs = s.times[i]!;
      }
    }
    if (max > 0) evidence.push({ label, value: l10n.t('{0} at most', formatNumber(max)), window: { fromMs: atMs, toMs: atMs }, series: s.key });
  }
  if (evidence.length === 0) return undefined;
  return {
    id: 'series-dropped',
    category: 'data',
    severity: 'warning',
    title: l10n.t('Series were dropped by the series limit'),
    summary: l10n.t('The server exposed more series than the monitor keeps, so some were not read: figures and rules for them are missing from this report.'),
    evidence,
    recommendations: {
      now: [l10n.t('Find the label with unbounded values (user ids, message ids, URLs with ids) in the server\'s /metrics output and remove it or bound it.')],
      investigate: [l10n.t('If the series are all needed, raise chatroomMonitor.metrics.maxSeries (up to 100,000) — memory grows with it.')],
    },
  };
}

function historyCapped(input: DiagnosisInput): Issue | undefined {
  const capped = input.series.get(Metric.storeHistoryCappedSeries);
  const last = lastFinite(capped);
  if (!capped || !last || !(last.value > 0)) return undefined;
  return {
    id: 'history-capped',
    category: 'data',
    severity: 'info',
    title: l10n.t('The memory budget cut the history of some of the server\'s series'),
    summary: l10n.t('The history\'s memory budget is full: {0} of the server\'s own series kept only their newest samples, so their figures here may cover less than the window. The process and machine series keep their whole history.', formatNumber(last.value)),
    evidence: [{ label: l10n.t('Series with history cut by the budget'), value: formatNumber(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: capped.key }],
    recommendations: {
      now: [l10n.t('Raise chatroomMonitor.history.memoryBudgetMb, or keep fewer series (chatroomMonitor.metrics.maxSeries).')],
      investigate: [l10n.t('Many series usually means a label with unbounded values in the server\'s /metrics output.')],
    },
  };
}

function tooFewSamples(input: DiagnosisInput): Issue | undefined {
  const up = input.series.get(Metric.targetUp);
  if (!up || !up.values.some((v) => v === 1)) return undefined; // not running: serverDown says so
  const proc = input.series.get(Metric.processCpuPercent) ?? input.series.get(Metric.processRssBytes);
  const n = proc ? finiteCount(proc.values, Thresholds.minProcessSamples) : 0;
  if (n >= Thresholds.minProcessSamples) return undefined;
  return {
    id: TOO_FEW_SAMPLES,
    category: 'data',
    severity: 'warning',
    title: l10n.t('Too few samples to judge the server'),
    summary:
      n === 1
        ? l10n.t('The window holds 1 sample of the server\'s process; the rules need at least {0}, so no verdict is given on what they watch.', Thresholds.minProcessSamples)
        : l10n.t('The window holds {0} samples of the server\'s process; the rules need at least {1}, so no verdict is given on what they watch.', n, Thresholds.minProcessSamples),
    evidence: [{ label: l10n.t('Process samples'), value: String(n), window: input.window, ...(proc ? { series: proc.key } : {}) }],
    recommendations: {
      now: [l10n.t('Report over a longer window (or watch for longer: `--duration 60s`).')],
      investigate: [l10n.t('If the monitor runs but the samples are missing, read Chat-Room Monitor: Show Log for why the process could not be read.')],
    },
  };
}

/** Finite values, counted up to `atMost` (the rule only asks whether there are that many: no scan of a whole window). */
function finiteCount(values: Float64Array, atMost: number): number {
  let n = 0;
  for (let i = 0; i < values.length && n < atMost; i++) if (Number.isFinite(values[i]!)) n++;
  return n;
}

function serverDown(input: DiagnosisInput): Issue | undefined {
  const up = input.series.get(Metric.targetUp);
  const last = lastFinite(up);
  if (!up || !last || last.value !== 0) return undefined;
  let i = up.values.length - 1;
  while (i > 0 && up.values[i - 1] === 0) i--;
  const downSinceMs = up.times[i]!;
  const wasUp = i > 0;
  return {
    id: 'server-down',
    category: 'availability',
    severity: 'critical',
    title: l10n.t('The chat server is not running'),
    summary: wasUp
      ? l10n.t('The watched process disappeared {0} before the end of the window and has not come back.', formatDuration(last.timeMs - downSinceMs))
      : l10n.t('The monitor has not found the chat server process during this window.'),
    evidence: [
      { label: l10n.t('Down for'), value: formatDuration(last.timeMs - downSinceMs), window: { fromMs: downSinceMs, toMs: last.timeMs }, series: up.key },
    ],
    recommendations: {
      now: [
        l10n.t('Read the server\'s terminal or log output for the error it exited with, then start it again.'),
        l10n.t('If the monitor is looking for the wrong process, check the chatroomMonitor.target settings (pid, port or command pattern).'),
      ],
      investigate: [
        l10n.t('Node: run with `node --trace-uncaught --unhandled-rejections=strict server.js` to see what killed it.'),
        l10n.t('Check `dmesg` or `journalctl -k` for an out-of-memory kill if memory was high before it stopped.'),
      ],
    },
  };
}

function restarts(input: DiagnosisInput): Issue | undefined {
  const counter = input.series.get(Metric.targetRestarts);
  const uptime = input.series.get(Metric.processUptimeSeconds);
  const fromCounter = counter ? counterIncrease(counter.values).increase : 0;
  // An uptime that goes down is a restart even when the restart counter is not kept.
  const fromUptime = uptime ? counterIncrease(uptime.values).resets : 0;
  const count = Math.round(Math.max(fromCounter, fromUptime));
  if (count < 1) return undefined;
  const severity: Severity = count >= 5 ? 'critical' : count >= 2 ? 'warning' : 'info';
  const src = counter ?? uptime!;
  return {
    id: 'restarts',
    category: 'availability',
    severity,
    title: count >= 2 ? l10n.t('The chat server restarted {0} times', count) : l10n.t('The chat server restarted once'),
    summary:
      count >= 2
        ? l10n.t('The server keeps restarting (a new process each time): it is probably crashing, or a file watcher (nodemon, --watch) restarts it on every save.')
        : l10n.t('The server was restarted once in this window (a new process); figures before and after belong to different processes.'),
    evidence: [{ label: l10n.t('Restarts'), value: String(count), window: input.window, series: src.key }],
    recommendations: {
      now: [l10n.t('Look at the server\'s output just before each restart for a crash trace.')],
      investigate: [
        l10n.t('If a watcher restarts it, exclude generated files (logs, uploads) from its watch list.'),
        l10n.t('If it is killed for memory, see the memory issues below and check `dmesg` for the OOM killer.'),
      ],
    },
  };
}

function cpuSaturation(input: DiagnosisInput): Issue | undefined {
  const cpu = input.series.get(Metric.processCpuPercent);
  const r = recent(input, cpu);
  if (!cpu || !r || r.values.length < 3) return undefined;
  const busy = shareAtLeast(r.values, Thresholds.cpuBusyPercent);
  if (busy < Thresholds.sustainedShare) return undefined;
  const critical = shareAtLeast(r.values, Thresholds.cpuCriticalPercent) >= Thresholds.sustainedShare;
  return {
    id: 'cpu-saturation',
    category: 'cpu',
    severity: critical ? 'critical' : 'warning',
    title: l10n.t('The chat server is saturating the CPU'),
    summary: l10n.t('The server\'s process used at least {0}% of a core in {1} of the last {2}: a Node server does its JavaScript on one thread, so it is at its limit and every message waits.', Thresholds.cpuBusyPercent, formatPercent(busy * 100), formatDuration(r.window.toMs - r.window.fromMs)),
    evidence: [
      { label: l10n.t('Median CPU'), value: formatPercent(quantile(r.values, 0.5)), window: r.window, series: cpu.key },
      { label: l10n.t('Share of samples ≥ {0}%', Thresholds.cpuBusyPercent), value: formatPercent(busy * 100), window: r.window, series: cpu.key },
    ],
    recommendations: {
      now: PROFILE_CPU(),
      investigate: [
        l10n.t('Move heavy work (JSON of large payloads, crypto, compression, image work) off the event loop: `worker_threads`, a queue, or precomputation.'),
        l10n.t('Check for broadcast loops that are O(users²) per message.'),
      ],
    },
  };
}

function systemContention(input: DiagnosisInput): Issue | undefined {
  const sys = input.series.get(Metric.systemCpuPercent);
  const proc = input.series.get(Metric.processCpuPercent);
  const rs = recent(input, sys);
  const rp = recent(input, proc);
  if (!sys || !rs || !rp || !proc || rs.values.length < 3) return undefined;
  const busy = shareAtLeast(rs.values, Thresholds.systemBusyPercent);
  const serverMedian = quantile(rp.values, 0.5);
  if (busy < Thresholds.sustainedShare || !(serverMedian < Thresholds.serverQuietPercent)) return undefined;
  return {
    id: 'system-contention',
    category: 'contention',
    severity: 'warning',
    title: l10n.t('Another process is using the CPU'),
    summary: l10n.t('The machine\'s CPU was above {0}% while the chat server itself used a median of {1} of a core: slowness now comes from something else on this machine, not from the server.', Thresholds.systemBusyPercent, formatPercent(serverMedian)),
    evidence: [
      { label: l10n.t('Median system CPU'), value: formatPercent(quantile(rs.values, 0.5)), window: rs.window, series: sys.key },
      { label: l10n.t('Median server CPU'), value: formatPercent(serverMedian), window: rp.window, series: proc.key },
    ],
    recommendations: {
      now: [l10n.t('Find the busy process with `top -o %CPU` (or VS Code: Help › Open Process Explorer) and pause it — builds, test watchers, indexers, a browser tab.')],
      investigate: [l10n.t('Measure the server again once the machine is quiet before drawing conclusions from its latency.')],
    },
  };
}

function loadTrends(input: DiagnosisInput): { rising: boolean; evidence: Evidence[] } {
  const evidence: Evidence[] = [];
  let rising = false;
  for (const [name, label, fmt] of [
    [ChatMetric.activeUsers, l10n.t('Active users trend'), (v: number) => `${v >= 0 ? '+' : ''}${formatNumber(v)}/min`],
    [ChatMetric.messagesPerSecond, l10n.t('Messages/s trend'), (v: number) => l10n.t('{0}/s per min', `${v >= 0 ? '+' : ''}${formatNumber(v)}`)],
  ] as const) {
    const t = input.trends.get(name);
    if (!t) continue;
    if (t.direction === 'rising') rising = true;
    evidence.push({ label: label, value: l10n.t('{0} ({1}, R² {2})', trendWord(t.direction), fmt(t.slopePerMinute), t.r2.toFixed(2)), window: trendWindow(t), series: name });
  }
  return { rising, evidence };
}

function leakLike(t: Trend | undefined, minGrowthShare: number): boolean {
  if (!t || t.direction !== 'rising' || t.r2 < Thresholds.leakMinR2 || t.toMs - t.fromMs < Thresholds.leakMinSpanMs) return false;
  const growth = (t.slopePerMinute * (t.toMs - t.fromMs)) / 60_000;
  return growth >= minGrowthShare * Math.abs(t.intercept);
}

function memoryLeak(input: DiagnosisInput): Issue | undefined {
  const t = input.trends.get(Metric.processRssBytes);
  const forecast = forecastFor(input, Metric.processRssBytes);
  const soon = forecast !== undefined && forecast.etaMs <= Thresholds.forecastHorizonMs;
  if (!t || !(leakLike(t, Thresholds.leakMinGrowthShare) || (soon && leakLike(t, 0)))) return undefined;
  const load = loadTrends(input);
  const growthPerMin = `${formatBytes(t.slopePerMinute)}/min`;
  const evidence: Evidence[] = [
    { label: l10n.t('RSS growth'), value: `+${growthPerMin}`, window: trendWindow(t), series: Metric.processRssBytes },
    { label: l10n.t('Fit of the line (R², samples)'), value: `${t.r2.toFixed(2)}, n = ${t.n}`, window: trendWindow(t), series: Metric.processRssBytes },
    ...load.evidence,
  ];
  if (forecast) evidence.push(forecastEvidence(forecast, formatBytes));
  if (load.rising) {
    return {
      id: 'memory-grows-with-load',
      category: 'memory',
      severity: 'info',
      title: l10n.t('Memory grows with the load'),
      summary: l10n.t('RSS rose by {0} while users or messages rose too: this may be normal per-connection memory; watch whether it comes back down when the load drops.', growthPerMin),
      evidence,
      recommendations: {
        now: [l10n.t('Let the load fall (stop the load generator) and check that RSS falls back, or flattens, within a few minutes.')],
        investigate: [l10n.t('Divide the growth by the users added to get memory per connection, and compare it with what a connection should hold.')],
      },
    };
  }
  const critical = forecast !== undefined && forecast.etaMs <= Thresholds.forecastCriticalMs;
  return {
    id: 'memory-leak',
    category: 'memory',
    severity: critical ? 'critical' : 'warning',
    title: l10n.t('Memory leak suspected'),
    summary: l10n.t('The server\'s memory (RSS) rose steadily by {0} (R² {1}) while the number of users and messages did not grow{2}.', growthPerMin, t.r2.toFixed(2), forecast ? l10n.t('; at this rate it reaches {0} in ~{1}', forecast.limitLabel, formatDuration(forecast.etaMs)) : ''),
    evidence,
    recommendations: {
      now: [
        l10n.t('Node: start with `node --heapsnapshot-signal=SIGUSR2 server.js`, take a heap snapshot (`kill -USR2 <PID>`) now and another in a few minutes, and compare them in Chrome DevTools (Memory › Comparison); or attach with `node --inspect`.'),
        l10n.t('Python: `tracemalloc.start()` then compare `tracemalloc.take_snapshot()` results a few minutes apart (`snapshot.compare_to(old, "lineno")`).'),
      ],
      investigate: [
        l10n.t('Look for per-user state that is not removed on disconnect: socket maps, rooms, listeners (`MaxListenersExceededWarning`), message histories, caches without a bound.'),
      ],
    },
  };
}

function memoryNearLimit(input: DiagnosisInput): Issue | undefined {
  const rss = input.series.get(Metric.processRssBytes);
  const last = lastFinite(rss);
  const limit = input.memoryLimit;
  if (!rss || !last || !limit || !(limit.bytes > 0)) return undefined;
  const share = last.value / limit.bytes;
  if (share < Thresholds.nearLimitShare) return undefined;
  return {
    id: 'memory-near-limit',
    category: 'memory',
    severity: 'critical',
    title: l10n.t('The server is close to its memory limit'),
    summary: l10n.t('RSS is {0}, {1} of {2}.', formatBytes(last.value), formatPercent(share * 100), limit.label),
    evidence: [{ label: l10n.t({ message: 'RSS', comment: 'resident set size, the process memory' }), value: formatBytes(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: rss.key }],
    recommendations: {
      now: [l10n.t('Take a heap snapshot now (see "Memory leak suspected") before the process is killed or starts swapping.')],
      investigate: [l10n.t('If the memory is legitimately needed, raise the limit (Node: `--max-old-space-size`) rather than let it hit the wall.')],
    },
  };
}

function machineMemory(input: DiagnosisInput): Issue | undefined {
  const mem = input.series.get(Metric.systemMemoryPercent);
  const r = recent(input, mem);
  if (!mem || !r || r.values.length < 3) return undefined;
  const median = quantile(r.values, 0.5);
  if (!(median >= Thresholds.systemMemoryWarnPercent)) return undefined;
  return {
    id: 'machine-memory',
    category: 'contention',
    severity: median >= Thresholds.systemMemoryCriticalPercent ? 'critical' : 'warning',
    title: l10n.t('The machine is short of memory'),
    summary: l10n.t('The machine\'s memory use has a median of {0} recently: the system may swap, and everything on it slows down.', formatPercent(median)),
    evidence: [{ label: l10n.t('Median system memory'), value: formatPercent(median), window: r.window, series: mem.key }],
    recommendations: {
      now: [l10n.t('Close what you do not need (browsers, containers, other servers); check `free -h` and `top -o %MEM`.')],
      investigate: [l10n.t('If the chat server is the big one, see its memory trend in this report.')],
    },
  };
}

function loadDrivenLatency(input: DiagnosisInput): Issue | undefined {
  const c = input.correlations.find((x) => x.a === ChatMetric.latencyP95Seconds && x.b === ChatMetric.messagesPerSecond);
  if (!c || !(c.r > Thresholds.latencyCorrelationR) || c.n < Thresholds.latencyCorrelationMinPairs) return undefined;
  const lat = input.series.get(ChatMetric.latencyP95Seconds);
  const msgs = input.series.get(ChatMetric.messagesPerSecond);
  if (!lat || !msgs) return undefined;
  const worst = input.summaries?.get(lat)?.p95 ?? quantile(lat.values, 0.95);
  const msgsMax = input.summaries?.get(msgs)?.max ?? quantile(msgs.values, 1);
  const slow = worst >= Thresholds.latencySlowSeconds;
  return {
    id: 'load-driven-latency',
    category: 'latency',
    severity: slow ? 'warning' : 'info',
    title: l10n.t('Latency rises with the message rate'),
    summary: l10n.t('The 95th-percentile message latency follows the message rate (r = {0} over {1} samples){2}: the server slows down because of load, not at random.', c.r.toFixed(2), c.n, slow ? l10n.t(', reaching {0}', formatSeconds(worst)) : ''),
    evidence: [
      { label: l10n.t('Correlation latency p95 ~ messages/s'), value: `r = ${c.r.toFixed(2)}, n = ${c.n}`, window: input.window, series: lat.key },
      { label: l10n.t('Latency p95 (95th percentile over the window)'), value: formatSeconds(worst), window: input.window, series: lat.key },
      { label: l10n.t('Messages/s (max)'), value: formatRate(msgsMax), window: input.window, series: msgs.key },
    ],
    recommendations: {
      now: [...PROFILE_CPU().slice(0, 1), l10n.t('Load-test at the rate where latency bends to find the per-message cost that grows.')],
      investigate: [l10n.t('Batch broadcasts, avoid per-message synchronous work (logging to disk, JSON.stringify per recipient), and check for per-message work that grows with users.')],
    },
  };
}

function eventLoopBlocking(input: DiagnosisInput): Issue | undefined {
  const lag = input.series.get(ChatMetric.eventLoopLagP99Seconds) ?? input.series.get(ChatMetric.eventLoopLagSeconds);
  const r = recent(input, lag);
  if (!lag || !r || r.values.length < 3) return undefined;
  const median = quantile(r.values, 0.5);
  if (!(median >= Thresholds.eventLoopLagWarnSeconds)) return undefined;
  return {
    id: 'event-loop-blocking',
    category: 'event-loop',
    severity: median >= Thresholds.eventLoopLagCriticalSeconds ? 'critical' : 'warning',
    title: l10n.t('The event loop is blocked'),
    summary: l10n.t('Event-loop lag has a median of {0} recently: something runs synchronously for that long, and every socket waits behind it.', formatSeconds(median)),
    evidence: [{ label: l10n.t('Median event-loop lag'), value: formatSeconds(median), window: r.window, series: lag.key }],
    recommendations: {
      now: [l10n.t('Record a CPU profile (`node --cpu-prof`) or run `npx clinic doctor -- node server.js`; the long frames are the blocking calls.')],
      investigate: [l10n.t('Look for `*Sync` fs calls, large `JSON.parse`/`stringify`, synchronous crypto (`pbkdf2Sync`), or long loops in message handlers; move them to `worker_threads` or make them async.')],
    },
  };
}

function gcPressure(input: DiagnosisInput): Issue | undefined {
  const gc = input.series.get(ChatMetric.gcTimeRatio);
  const r = recent(input, gc);
  if (!gc || !r || r.values.length < 3) return undefined;
  const median = quantile(r.values, 0.5);
  if (!(median >= Thresholds.gcWarnRatio)) return undefined;
  return {
    id: 'gc-pressure',
    category: 'gc',
    severity: median >= Thresholds.gcCriticalRatio ? 'critical' : 'warning',
    title: l10n.t('Garbage collection takes a large share of the time'),
    summary: l10n.t('The server spends {0} of its time collecting garbage (median of the recent window): it allocates too fast, or its heap is close to full.', formatPercent(median * 100)),
    evidence: [{ label: l10n.t('GC time share'), value: formatPercent(median * 100), window: r.window, series: gc.key }],
    recommendations: {
      now: [l10n.t('Run with `node --trace-gc` to see whether the collections are scavenges (allocation rate) or mark-sweeps (a full heap).')],
      investigate: [l10n.t('Take an allocation profile (DevTools › Memory › Allocation sampling) and cut per-message allocations; if the heap is full, see the memory trend and `--max-old-space-size`.')],
    },
  };
}

function fdLeak(input: DiagnosisInput): Issue | undefined {
  const fds = input.series.get(Metric.processOpenFds);
  const max = lastFinite(input.series.get(Metric.processMaxFds));
  const last = lastFinite(fds);
  const f = forecastFor(input, Metric.processOpenFds);
  const nearMax = max !== undefined && last !== undefined && max.value > 0 && last.value >= Thresholds.nearLimitShare * max.value;
  // A few fds opened in the first minute after a start is not a leak: like the memory
  // rule, a forecast counts only when its trend spans the leak rule's minimum window.
  const sustained = f !== undefined && f.trend.toMs - f.trend.fromMs >= Thresholds.leakMinSpanMs;
  if (!fds || !last || !((sustained && f.etaMs <= Thresholds.forecastHorizonMs) || nearMax)) return undefined;
  const critical = nearMax || (f !== undefined && f.etaMs <= Thresholds.forecastCriticalMs);
  const evidence: Evidence[] = [{ label: l10n.t('Open file descriptors'), value: formatNumber(last.value), window: input.window, series: fds.key }];
  if (f) {
    evidence.push({ label: l10n.t('Growth'), value: l10n.t('+{0}/min (R² {1})', formatNumber(f.trend.slopePerMinute), f.trend.r2.toFixed(2)), window: trendWindow(f.trend), series: fds.key });
    evidence.push(forecastEvidence(f, formatNumber));
  }
  return {
    id: 'fd-leak',
    category: 'file-descriptors',
    severity: critical ? 'critical' : 'warning',
    title: l10n.t('File descriptors are leaking'),
    summary: nearMax
      ? l10n.t('The server holds {0} open file descriptors, close to its limit of {1}: new connections will fail with EMFILE.', formatNumber(last.value), formatNumber(max.value))
      : l10n.t('Open file descriptors keep rising and reach the process limit in ~{0}: sockets or files are opened and never closed.', formatDuration(f!.etaMs)),
    evidence,
    recommendations: {
      now: [l10n.t('List them with `ls -l /proc/<PID>/fd` or `lsof -p <PID>` and see which kind grows (sockets, files, pipes).')],
      investigate: [l10n.t('Make sure sockets are destroyed on `close`/`error` and that every `fs.open`/stream is closed on all paths; a `ws` server should drop references to closed clients.')],
    },
  };
}

function diskFilling(input: DiagnosisInput): Issue | undefined {
  const disk = input.series.get(Metric.systemDiskPercent);
  const last = lastFinite(disk);
  const f = forecastFor(input, Metric.systemDiskPercent);
  const full = last !== undefined && last.value >= Thresholds.diskCriticalPercent;
  if (!disk || !last || !((f && f.etaMs <= Thresholds.forecastHorizonMs) || full)) return undefined;
  const critical = full || (f !== undefined && f.etaMs <= 2 * Thresholds.forecastCriticalMs);
  const evidence: Evidence[] = [{ label: l10n.t('Disk used'), value: formatPercent(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: disk.key }];
  if (f) evidence.push(forecastEvidence(f, formatPercent));
  return {
    id: 'disk-filling',
    category: 'disk',
    severity: critical ? 'critical' : 'warning',
    title: full ? l10n.t('The disk is almost full') : l10n.t('The disk is filling up'),
    summary: full
      ? l10n.t('The disk is {0} full: writes (logs, uploads, databases) will start failing.', formatPercent(last.value))
      : l10n.t('Disk use rises and reaches 100% in ~{0} at the current rate.', formatDuration(f!.etaMs)),
    evidence,
    recommendations: {
      now: [l10n.t('Find what grows with `du -xh --max-depth=2 . | sort -h | tail` — often a log file written on every message.')],
      investigate: [l10n.t('Rotate or cap logs, and lower the log level of per-message lines.')],
    },
  };
}
