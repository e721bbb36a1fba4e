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
import { formatBytes, formatDuration, formatNumber, formatPercent, formatSeconds, formatRate } from '../format';
import { Metric } from '../model';
import { Correlation } from './correlation';
import { Forecast } from './forecast';
import { HealthStatus, Severity } from '../../shared/vocabulary';
import { Evidence, Issue, TimeWindow, severityRank } from './issue';
import { counterIncrease, quantile } from './stats';
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
      reasons: ['No samples in this window: the monitor has not measured the server yet, or the window is before monitoring began.'],
    };
  }
  const span = formatDuration(input.window.toMs - input.window.fromMs);
  return { status: 'healthy', reasons: [`No problem found over ${span}: no rule fired.`] };
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
    label: `Time to ${f.limitLabel}`,
    value: `~${formatDuration(f.etaMs)} (now ${fmt(f.fittedNow)}, limit ${fmt(f.limit)})`,
    window: trendWindow(f.trend),
    series: f.series,
  };
}

const PROFILE_CPU = [
  'Node: record a CPU profile with `node --cpu-prof server.js` (open the .cpuprofile in VS Code) or `npx clinic flame -- node server.js`.',
  'Python: `py-spy record -o profile.svg --pid <PID>` or `py-spy top --pid <PID>` shows the hot functions without restarting.',
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
  const evidence: Evidence[] = [{ label: 'Failed scrapes', value: `${formatNumber(failed)} of ${formatNumber(n)} (${formatPercent(share * 100)})`, window, series: up.key }];
  if (input.scrapeProblem) evidence.push({ label: 'Last failure', value: input.scrapeProblem, window: { fromMs: lastFailMs, toMs: lastFailMs }, series: up.key });
  return {
    id: 'scrape-failing',
    category: 'data',
    severity: most ? 'warning' : 'info',
    title: most ? "The server's metrics could not be read" : "Some scrapes of the server's metrics failed",
    summary: most
      ? `${formatNumber(failed)} of ${formatNumber(n)} scrapes of the metrics endpoint failed: the server's own figures (users, messages, latency, event loop) are missing for most of the window, so the rules that read them could not judge it.`
      : `${formatNumber(failed)} of ${formatNumber(n)} scrapes of the metrics endpoint failed; the server's own figures have gaps there.`,
    evidence,
    recommendations: {
      now: [
        // Our own words only: the failure sentence quotes server text (a status line, a
        // redirect target) and stays in the evidence, which every surface escapes.
        ...(input.scrapeProblem ? ['Fix what the last failure in the evidence says; it names the setting and the cause.'] : []),
        'Open the endpoint yourself (`curl -sS -D- http://127.0.0.1:PORT/metrics | head`): it must answer 200 within the tick with Prometheus text lines.',
      ],
      investigate: ['If the endpoint hangs or fails only under load, the server is too busy to serve it: see the CPU and event-loop figures.'],
    },
  };
}

function seriesDropped(input: DiagnosisInput): Issue | undefined {
  const parts: [SeriesData | undefined, string][] = [
    [input.series.get(Metric.scrapeSamplesDropped), 'Samples dropped from a scrape (over chatroomMonitor.metrics.maxSeries)'],
    [input.series.get(Metric.storeSeriesRefused), 'Series the store refused (its series limit)'],
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
    if (max > 0) evidence.push({ label, value: `${formatNumber(max)} at most`, window: { fromMs: atMs, toMs: atMs }, series: s.key });
  }
  if (evidence.length === 0) return undefined;
  return {
    id: 'series-dropped',
    category: 'data',
    severity: 'warning',
    title: 'Series were dropped by the series limit',
    summary: 'The server exposed more series than the monitor keeps, so some were not read: figures and rules for them are missing from this report.',
    evidence,
    recommendations: {
      now: ['Find the label with unbounded values (user ids, message ids, URLs with ids) in the server\'s /metrics output and remove it or bound it.'],
      investigate: ['If the series are all needed, raise chatroomMonitor.metrics.maxSeries (up to 100,000) — memory grows with it.'],
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
    title: "The memory budget cut the history of some of the server's series",
    summary: `The history's memory budget is full: ${formatNumber(last.value)} of the server's own series kept only their newest samples, so their figures here may cover less than the window. The process and machine series keep their whole history.`,
    evidence: [{ label: 'Series with history cut by the budget', value: formatNumber(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: capped.key }],
    recommendations: {
      now: ['Raise chatroomMonitor.history.memoryBudgetMb, or keep fewer series (chatroomMonitor.metrics.maxSeries).'],
      investigate: ['Many series usually means a label with unbounded values in the server\'s /metrics output.'],
    },
  };
}

function tooFewSamples(input: DiagnosisInput): Issue | undefined {
  const up = input.series.get(Metric.targetUp);
  if (!up || !up.values.some((v) => v === 1)) return undefined; // not running: serverDown says so
  const proc = input.series.get(Metric.processCpuPercent) ?? input.series.get(Metric.processRssBytes);
  const n = proc ? finiteCount(proc.values) : 0;
  if (n >= Thresholds.minProcessSamples) return undefined;
  return {
    id: 'too-few-samples',
    category: 'data',
    severity: 'warning',
    title: 'Too few samples to judge the server',
    summary: `The window holds ${n} sample${n === 1 ? '' : 's'} of the server's process; the rules need at least ${Thresholds.minProcessSamples}, so no verdict is given on what they watch.`,
    evidence: [{ label: 'Process samples', value: String(n), window: input.window, ...(proc ? { series: proc.key } : {}) }],
    recommendations: {
      now: ['Report over a longer window (or watch for longer: `--duration 60s`).'],
      investigate: ['If the monitor runs but the samples are missing, read Chat-Room Monitor: Show Log for why the process could not be read.'],
    },
  };
}

function finiteCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
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
    title: 'The chat server is not running',
    summary: wasUp
      ? `The watched process disappeared ${formatDuration(last.timeMs - downSinceMs)} before the end of the window and has not come back.`
      : 'The monitor has not found the chat server process during this window.',
    evidence: [
      { label: 'Down for', value: formatDuration(last.timeMs - downSinceMs), window: { fromMs: downSinceMs, toMs: last.timeMs }, series: up.key },
    ],
    recommendations: {
      now: [
        "Read the server's terminal or log output for the error it exited with, then start it again.",
        'If the monitor is looking for the wrong process, check the chatroomMonitor.target settings (pid, port or command pattern).',
      ],
      investigate: [
        'Node: run with `node --trace-uncaught --unhandled-rejections=strict server.js` to see what killed it.',
        'Check `dmesg` or `journalctl -k` for an out-of-memory kill if memory was high before it stopped.',
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
    title: count >= 2 ? `The chat server restarted ${count} times` : 'The chat server restarted once',
    summary:
      count >= 2
        ? 'The server keeps restarting (a new process each time): it is probably crashing, or a file watcher (nodemon, --watch) restarts it on every save.'
        : 'The server was restarted once in this window (a new process); figures before and after belong to different processes.',
    evidence: [{ label: 'Restarts', value: String(count), window: input.window, series: src.key }],
    recommendations: {
      now: ["Look at the server's output just before each restart for a crash trace."],
      investigate: [
        'If a watcher restarts it, exclude generated files (logs, uploads) from its watch list.',
        'If it is killed for memory, see the memory issues below and check `dmesg` for the OOM killer.',
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
    title: 'The chat server is saturating the CPU',
    summary: `The server's process used at least ${Thresholds.cpuBusyPercent}% of a core in ${formatPercent(busy * 100)} of the last ${formatDuration(r.window.toMs - r.window.fromMs)}: a Node server does its JavaScript on one thread, so it is at its limit and every message waits.`,
    evidence: [
      { label: 'Median CPU', value: formatPercent(quantile(r.values, 0.5)), window: r.window, series: cpu.key },
      { label: `Share of samples ≥ ${Thresholds.cpuBusyPercent}%`, value: formatPercent(busy * 100), window: r.window, series: cpu.key },
    ],
    recommendations: {
      now: [...PROFILE_CPU],
      investigate: [
        'Move heavy work (JSON of large payloads, crypto, compression, image work) off the event loop: `worker_threads`, a queue, or precomputation.',
        'Check for broadcast loops that are O(users²) per message.',
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
    title: 'Another process is using the CPU',
    summary: `The machine's CPU was above ${Thresholds.systemBusyPercent}% while the chat server itself used a median of ${formatPercent(serverMedian)} of a core: slowness now comes from something else on this machine, not from the server.`,
    evidence: [
      { label: 'Median system CPU', value: formatPercent(quantile(rs.values, 0.5)), window: rs.window, series: sys.key },
      { label: "Median server CPU", value: formatPercent(serverMedian), window: rp.window, series: proc.key },
    ],
    recommendations: {
      now: ['Find the busy process with `top -o %CPU` (or VS Code: Help › Open Process Explorer) and pause it — builds, test watchers, indexers, a browser tab.'],
      investigate: ["Measure the server again once the machine is quiet before drawing conclusions from its latency."],
    },
  };
}

function loadTrends(input: DiagnosisInput): { rising: boolean; evidence: Evidence[] } {
  const evidence: Evidence[] = [];
  let rising = false;
  for (const [name, label, fmt] of [
    [ChatMetric.activeUsers, 'Active users trend', (v: number) => `${v >= 0 ? '+' : ''}${formatNumber(v)}/min`],
    [ChatMetric.messagesPerSecond, 'Messages/s trend', (v: number) => `${v >= 0 ? '+' : ''}${formatNumber(v)}/s per min`],
  ] as const) {
    const t = input.trends.get(name);
    if (!t) continue;
    if (t.direction === 'rising') rising = true;
    evidence.push({ label: label, value: `${t.direction} (${fmt(t.slopePerMinute)}, R² ${t.r2.toFixed(2)})`, window: trendWindow(t), series: name });
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
    { label: 'RSS growth', value: `+${growthPerMin}`, window: trendWindow(t), series: Metric.processRssBytes },
    { label: 'Fit of the line (R², samples)', value: `${t.r2.toFixed(2)}, n = ${t.n}`, window: trendWindow(t), series: Metric.processRssBytes },
    ...load.evidence,
  ];
  if (forecast) evidence.push(forecastEvidence(forecast, formatBytes));
  if (load.rising) {
    return {
      id: 'memory-grows-with-load',
      category: 'memory',
      severity: 'info',
      title: 'Memory grows with the load',
      summary: `RSS rose by ${growthPerMin} while users or messages rose too: this may be normal per-connection memory; watch whether it comes back down when the load drops.`,
      evidence,
      recommendations: {
        now: ['Let the load fall (stop the load generator) and check that RSS falls back, or flattens, within a few minutes.'],
        investigate: ['Divide the growth by the users added to get memory per connection, and compare it with what a connection should hold.'],
      },
    };
  }
  const critical = forecast !== undefined && forecast.etaMs <= Thresholds.forecastCriticalMs;
  return {
    id: 'memory-leak',
    category: 'memory',
    severity: critical ? 'critical' : 'warning',
    title: 'Memory leak suspected',
    summary: `The server's memory (RSS) rose steadily by ${growthPerMin} (R² ${t.r2.toFixed(2)}) while the number of users and messages did not grow${forecast ? `; at this rate it reaches ${forecast.limitLabel} in ~${formatDuration(forecast.etaMs)}` : ''}.`,
    evidence,
    recommendations: {
      now: [
        'Node: start with `node --heapsnapshot-signal=SIGUSR2 server.js`, take a heap snapshot (`kill -USR2 <PID>`) now and another in a few minutes, and compare them in Chrome DevTools (Memory › Comparison); or attach with `node --inspect`.',
        'Python: `tracemalloc.start()` then compare `tracemalloc.take_snapshot()` results a few minutes apart (`snapshot.compare_to(old, "lineno")`).',
      ],
      investigate: [
        'Look for per-user state that is not removed on disconnect: socket maps, rooms, listeners (`MaxListenersExceededWarning`), message histories, caches without a bound.',
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
    title: 'The server is close to its memory limit',
    summary: `RSS is ${formatBytes(last.value)}, ${formatPercent(share * 100)} of ${limit.label}.`,
    evidence: [{ label: 'RSS', value: formatBytes(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: rss.key }],
    recommendations: {
      now: ['Take a heap snapshot now (see "Memory leak suspected") before the process is killed or starts swapping.'],
      investigate: ['If the memory is legitimately needed, raise the limit (Node: `--max-old-space-size`) rather than let it hit the wall.'],
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
    title: 'The machine is short of memory',
    summary: `The machine's memory use has a median of ${formatPercent(median)} recently: the system may swap, and everything on it slows down.`,
    evidence: [{ label: 'Median system memory', value: formatPercent(median), window: r.window, series: mem.key }],
    recommendations: {
      now: ['Close what you do not need (browsers, containers, other servers); check `free -h` and `top -o %MEM`.'],
      investigate: ['If the chat server is the big one, see its memory trend in this report.'],
    },
  };
}

function loadDrivenLatency(input: DiagnosisInput): Issue | undefined {
  const c = input.correlations.find((x) => x.a === ChatMetric.latencyP95Seconds && x.b === ChatMetric.messagesPerSecond);
  if (!c || !(c.r > Thresholds.latencyCorrelationR) || c.n < Thresholds.latencyCorrelationMinPairs) return undefined;
  const lat = input.series.get(ChatMetric.latencyP95Seconds);
  const msgs = input.series.get(ChatMetric.messagesPerSecond);
  if (!lat || !msgs) return undefined;
  const worst = quantile(lat.values, 0.95);
  const slow = worst >= Thresholds.latencySlowSeconds;
  return {
    id: 'load-driven-latency',
    category: 'latency',
    severity: slow ? 'warning' : 'info',
    title: 'Latency rises with the message rate',
    summary: `The 95th-percentile message latency follows the message rate (r = ${c.r.toFixed(2)} over ${c.n} samples)${slow ? `, reaching ${formatSeconds(worst)}` : ''}: the server slows down because of load, not at random.`,
    evidence: [
      { label: 'Correlation latency p95 ~ messages/s', value: `r = ${c.r.toFixed(2)}, n = ${c.n}`, window: input.window, series: lat.key },
      { label: 'Latency p95 (95th percentile over the window)', value: formatSeconds(worst), window: input.window, series: lat.key },
      { label: 'Messages/s (max)', value: formatRate(quantile(msgs.values, 1)), window: input.window, series: msgs.key },
    ],
    recommendations: {
      now: [...PROFILE_CPU.slice(0, 1), 'Load-test at the rate where latency bends to find the per-message cost that grows.'],
      investigate: ['Batch broadcasts, avoid per-message synchronous work (logging to disk, JSON.stringify per recipient), and check for per-message work that grows with users.'],
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
    title: 'The event loop is blocked',
    summary: `Event-loop lag has a median of ${formatSeconds(median)} recently: something runs synchronously for that long, and every socket waits behind it.`,
    evidence: [{ label: 'Median event-loop lag', value: formatSeconds(median), window: r.window, series: lag.key }],
    recommendations: {
      now: ['Record a CPU profile (`node --cpu-prof`) or run `npx clinic doctor -- node server.js`; the long frames are the blocking calls.'],
      investigate: ['Look for `*Sync` fs calls, large `JSON.parse`/`stringify`, synchronous crypto (`pbkdf2Sync`), or long loops in message handlers; move them to `worker_threads` or make them async.'],
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
    title: 'Garbage collection takes a large share of the time',
    summary: `The server spends ${formatPercent(median * 100)} of its time collecting garbage (median of the recent window): it allocates too fast, or its heap is close to full.`,
    evidence: [{ label: 'GC time share', value: formatPercent(median * 100), window: r.window, series: gc.key }],
    recommendations: {
      now: ['Run with `node --trace-gc` to see whether the collections are scavenges (allocation rate) or mark-sweeps (a full heap).'],
      investigate: ['Take an allocation profile (DevTools › Memory › Allocation sampling) and cut per-message allocations; if the heap is full, see the memory trend and `--max-old-space-size`.'],
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
  const evidence: Evidence[] = [{ label: 'Open file descriptors', value: formatNumber(last.value), window: input.window, series: fds.key }];
  if (f) {
    evidence.push({ label: 'Growth', value: `+${formatNumber(f.trend.slopePerMinute)}/min (R² ${f.trend.r2.toFixed(2)})`, window: trendWindow(f.trend), series: fds.key });
    evidence.push(forecastEvidence(f, formatNumber));
  }
  return {
    id: 'fd-leak',
    category: 'file-descriptors',
    severity: critical ? 'critical' : 'warning',
    title: 'File descriptors are leaking',
    summary: nearMax
      ? `The server holds ${formatNumber(last.value)} open file descriptors, close to its limit of ${formatNumber(max.value)}: new connections will fail with EMFILE.`
      : `Open file descriptors keep rising and reach the process limit in ~${formatDuration(f!.etaMs)}: sockets or files are opened and never closed.`,
    evidence,
    recommendations: {
      now: ['List them with `ls -l /proc/<PID>/fd` or `lsof -p <PID>` and see which kind grows (sockets, files, pipes).'],
      investigate: ['Make sure sockets are destroyed on `close`/`error` and that every `fs.open`/stream is closed on all paths; a `ws` server should drop references to closed clients.'],
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
  const evidence: Evidence[] = [{ label: 'Disk used', value: formatPercent(last.value), window: { fromMs: last.timeMs, toMs: last.timeMs }, series: disk.key }];
  if (f) evidence.push(forecastEvidence(f, formatPercent));
  return {
    id: 'disk-filling',
    category: 'disk',
    severity: critical ? 'critical' : 'warning',
    title: full ? 'The disk is almost full' : 'The disk is filling up',
    summary: full
      ? `The disk is ${formatPercent(last.value)} full: writes (logs, uploads, databases) will start failing.`
      : `Disk use rises and reaches 100% in ~${formatDuration(f!.etaMs)} at the current rate.`,
    evidence,
    recommendations: {
      now: ['Find what grows with `du -xh --max-depth=2 . | sort -h | tail` — often a log file written on every message.'],
      investigate: ['Rotate or cap logs, and lower the log level of per-message lines.'],
    },
  };
}
