/**
 * The report as a Markdown document a developer can paste into a pull request, read
 * top to bottom: a one-line header (name, pid, port, window), the verdict, the issues
 * with evidence and recommendations, alerts, "About the server" (command line, limits,
 * uptime, restarts, info metrics: facts, not measurements), then the statistics
 * tables (measurements only; counters as increases and rates), logs, operations,
 * anomalies, trends and forecasts, and how each figure was computed. Text from the server is inert (core/text/inertText).
 */
import * as l10n from '@vscode/l10n';
import { profileSection } from '../profile/profileEvidence';
import { DETECTOR_TABLE } from '../analyze/anomaly';
import { DEFAULT_ANOMALY_THRESHOLD } from '../analyze/streaming';
import { SeriesStats } from '../analyze/analyzer';
import { Thresholds } from '../analyze/diagnose';
import { Severity } from '../../shared/vocabulary';
import { alertStateWord, issueCategoryWord, levelWord, trendWord } from '../i18n/words';
import { ForecastRules } from '../analyze/forecast';
import { Issue } from '../analyze/issue';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatTimestamp } from '../format';
import { formatByName } from '../units';
import { Metric, isOwnMetric, isServiceMetric } from '../model';
import { INERT_LIMITS, inertMarkdownCode, inertMarkdownText } from '../text/inertText';
import { seriesDisplayName } from '../../shared/seriesNames';
import { verdictSentence } from '../scrape/promVerdict';
import { ReportAlert, ReportData, ReportOperations } from './reportData';
import { ReportFigure, ReportService } from './serviceReport';
import { LogsReport, topWorkspaceFrame } from '../logs/logReport';
import { tracesMarkdown } from '../traces/traceReport';

/** The analyzer's own sentences quote series names, so they are inert too, with a longer cap. */
const PROSE_CHARS = 2000;

const MAX_ANOMALIES_PER_SERIES = 5;
// Labels are functions: they are read in the display language chosen at start-up, not at module load.
// The level is said by an icon and a word, never by colour alone.
const STATUS_LABEL = (): Record<string, string> => ({
  healthy: `✅ ${l10n.t('Healthy')}`,
  warning: `⚠️ ${l10n.t('Warning')}`,
  critical: `🔴 ${l10n.t('Critical')}`,
  unknown: `❔ ${l10n.t('Unknown (no data)')}`,
});
const SEVERITY_LABEL = (): Record<Severity, string> => ({ critical: `🔴 ${levelWord('critical')}`, warning: `⚠️ ${levelWord('warning')}`, info: `ℹ️ ${levelWord('info')}` });

/** Alerts have one more level than issues: error (the server is down, say). */
const ALERT_LEVEL_LABEL = (): Record<ReportAlert['level'], string> => ({ ...SEVERITY_LABEL(), error: `🟥 ${levelWord('error')}` });

/** Measurements of the server, in the statistics table (constants go to "About the server"). */
const SERVER_ROWS: readonly string[] = [Metric.processCpuPercent, Metric.processRssBytes, Metric.processOpenFds, Metric.processThreads];
/** Measurements of the machine. */
const MACHINE_ROWS: readonly string[] = [Metric.systemCpuPercent, Metric.systemMemoryPercent, Metric.systemDiskPercent, Metric.systemNetRxBytesPerSecond, Metric.systemNetTxBytesPerSecond];

/**
 * A scraped series that describes the server rather than measures it: info metrics
 * (`python_info`, `*_build_info`: the value is 1, the labels say something) and
 * configured limits and start times, constant by nature. Decided by name only.
 */
export function isAboutSeries(name: string): boolean {
  return /_info$/.test(name) || /(_limit|_limit_bytes|_max_fds|_start_time_seconds|_boot_time_seconds)$/.test(name);
}

/** The Operations section: what was done to the server, by whom, and with what result. */
export function renderOperationsMarkdown(ops: ReportOperations): string[] {
  const out = [`## ${l10n.t('Operations')}`, ''];
  const runs = ops.runs === 1 ? l10n.t('1 run') : l10n.t('{0} runs', ops.runs);
  const restarts = ops.restartsBySupervisor === 1 ? l10n.t('1 restart by the supervisor') : l10n.t('{0} restarts by the supervisor', ops.restartsBySupervisor);
  out.push(ops.crashLoop ? l10n.t('{0}, {1}, then a **crash loop**: the supervisor gave up and left the server stopped.', runs, restarts) : l10n.t('{0}, {1}.', runs, restarts), '');
  if (ops.entries.length === 0) {
    out.push(l10n.t('No operation in this window.'), '');
    return out;
  }
  out.push(`| ${l10n.t('Time')} | ${l10n.t('Action')} | ${l10n.t('Trigger')} | ${l10n.t('Result')} | ${l10n.t('Details')} |`, '|---|---|---|---|---|');
  for (const e of ops.entries) {
    const status = e.signal ? l10n.t('signal {0}', e.signal) : e.exitCode !== undefined && e.exitCode !== null ? l10n.t('exit code {0}', e.exitCode) : '';
    const details = [
      status,
      e.delayMs !== undefined ? l10n.t('after {0} ms', e.delayMs) : '',
      e.message ?? '',
      e.undone ? l10n.t('(undone)') : '',
    ].filter((x) => x !== '');
    out.push(
      `| ${inertMarkdownText(e.time)} | ${inertMarkdownText(e.action)}${e.mode ? ` (${inertMarkdownText(e.mode)})` : ''} | ${inertMarkdownText(e.trigger)} | ${inertMarkdownText(e.result)} | ${inertMarkdownText(details.join(l10n.t('; ')))} |`,
    );
  }
  out.push('');
  return out;
}

/** Renders the whole document. Never throws on a report built by buildReport. */
/** Prometheus' verdict on the scraped bodies, one inert sentence (the reason quotes server text). */
function verdictLine(report: ReportData): string | undefined {
  const v = report.prometheusVerdict;
  if (!v) return undefined;
  if (v.rejected === 0) return v.scrapes === 1 ? l10n.t('Prometheus would accept the metrics body (1 scrape checked).') : l10n.t('Prometheus would accept the metrics body ({0} scrapes checked).', v.scrapes);
  const latest = verdictSentence(v.latest);
  const last = v.lastRejection;
  const sentence = latest ?? (last ? `${verdictSentence(last)} (${l10n.t('at {0}; the latest scrape would be accepted', formatTimestamp(last.timeMs))})` : '');
  return `${inertMarkdownText(sentence, PROSE_CHARS)} — ${l10n.t('{0} of {1} scrapes; the monitor still shows what it could read.', v.rejected, v.scrapes)}`;
}

/** Under the Instances of a service watched as local processes: why its own metrics are one worker's. */
export function localClusterMetricsNote(): string {
  return l10n.t(
    "CPU and memory are read for each process. The server's own metrics (its /metrics) are not: in a cluster the workers share the port and each keeps its own counters, so each scrape is answered by one worker and those figures are that worker's, not the service's.",
  );
}

/** One row per instance of a service: up now, share of the window up, CPU and memory (mean / peak). */
function instancesSection(service: ReportService): string[] {
  const pair = (f: ReportFigure | null, show: (v: number) => string) => (f ? `${show(f.mean)} / ${show(f.max)}` : '–');
  return [
    `## ${l10n.t('Instances')}`,
    '',
    l10n.t('{0}: {1}', inertMarkdownText(service.where, PROSE_CHARS), l10n.t("{0} of {1} up at the end of the window. The server's figures above are the sums over the instances.", service.instancesUp, service.instanceCount)),
    '',
    // Local processes are sampled one by one, but a cluster's workers share one port: each scrape of /metrics is answered by one of them.
    ...(service.source === 'local' ? [localClusterMetricsNote(), ''] : []),
    `| ${[l10n.t('Instance'), l10n.t('Now'), l10n.t('Up in window'), l10n.t('CPU mean / peak'), l10n.t('Memory mean / peak')].join(' | ')} |`,
    '|---|---|---|---|---|',
    ...service.instances.map(
      (i) =>
        `| ${inertMarkdownCode(i.instance, INERT_LIMITS.code, true)} | ${i.up ? l10n.t({ message: 'up', comment: 'instance state' }) : `**${l10n.t({ message: 'down', comment: 'instance state' })}**`} | ${i.upShare === null ? '–' : formatPercent(i.upShare * 100)} | ${pair(i.cpuPercent, formatPercent)} | ${pair(i.rssBytes, formatBytes)} |`,
    ),
    '',
  ];
}

export function renderMarkdown(report: ReportData): string {
  const a = report.analysis;
  const out: string[] = [];
  out.push(`# ${inertMarkdownText(report.title)}`, '');
  out.push(headerLine(report), '');

  out.push(`## ${l10n.t('Verdict')}`, '');
  out.push(`**${l10n.t('Status: {0}', STATUS_LABEL()[a.status] ?? inertMarkdownText(String(a.status)))}**`, '');
  for (const r of a.reasons) out.push(`- ${inertMarkdownText(r, PROSE_CHARS)}`);
  const infos = a.issues.filter((i) => i.severity === 'info');
  for (const i of infos) out.push(`- ${inertMarkdownText(i.title)} (${levelWord('info')})`);
  if (a.forecasts.length > 0) {
    for (const f of a.forecasts) out.push(`- ${forecastSentence(f)}`);
  }
  const pv = verdictLine(report);
  if (pv) out.push(`- ${pv}`);
  out.push('');

  out.push(`## ${l10n.t('Issues and recommendations')}`, '');
  if (a.issues.length === 0) {
    out.push(l10n.t('No issue found.'), '');
  }
  for (const issue of a.issues) out.push(...issueSection(issue));

  out.push(`## ${l10n.t('Alerts')}`, '');
  out.push(`### ${l10n.t('Active')}`, '');
  out.push(...alertTable(report.alerts.active, l10n.t('No alert is firing.')));
  out.push(`### ${l10n.t('History')}`, '');
  out.push(...alertTable(report.alerts.history, l10n.t('No alert fired in this window.')));

  const stats = new Map(a.stats.map((s) => [s.key, s]));
  // Per-instance and whole-service series have their own section.
  const ownScraped = a.stats.filter((s) => !isOwnMetric(s.name) && !isServiceMetric(s.name));
  out.push(...aboutSection(report, stats, ownScraped.filter((s) => isAboutSeries(s.name))));

  out.push(`## ${l10n.t('The server')}`, '');
  out.push(...statsTable(SERVER_ROWS.map((k) => [seriesDisplayName(k), stats.get(k)])));
  if (report.service) out.push(...instancesSection(report.service));
  out.push(`## ${l10n.t('The machine')}`, '');
  out.push(...statsTable(MACHINE_ROWS.map((k) => [seriesDisplayName(k), stats.get(k)])));

  const measured = ownScraped.filter((s) => !isAboutSeries(s.name));
  out.push(`## ${l10n.t("The server's own metrics")}`, '');
  if (ownScraped.length === 0) {
    out.push(`_${l10n.t('The server exposes no metrics the monitor could scrape in this window (set chatroomMonitor.metrics.url to its /metrics endpoint).')}_`, '');
  } else {
    const gauges = measured.filter((s) => s.kind !== 'counter');
    const counters = measured.filter((s) => s.kind === 'counter');
    if (gauges.length > 0) out.push(...statsTable(gauges.map((s) => [null, s])));
    if (counters.length > 0) out.push(...counterTable(counters, report.window.durationMs));
  }
  if (a.skippedSeries > 0) {
    out.push(`_${l10n.t('{0} more series were not analysed (too many label combinations).', a.skippedSeries)}_`, '');
  }

  if (report.logs) out.push(...logsSection(report.logs));
  if (report.traces) out.push(...tracesMarkdown(report.traces));

  if (report.operations) {
    out.push(...renderOperationsMarkdown(report.operations));
  }
  if (report.profiles?.length) {
    out.push(...profileSection(report.profiles));
  }

  out.push(`## ${l10n.t('Anomalies')}`, '');
  if (a.anomalies.length === 0) {
    out.push(l10n.t('No anomaly: every series stayed within its own usual range.'), '');
  } else {
    if (a.anomalyCount > a.anomalies.length) {
      out.push(l10n.t('The {0} strongest of {1} anomalies, in time order.', a.anomalies.length, a.anomalyCount), '');
    }
    // A drifting series can produce many intervals; the strongest few per series
    // say as much, and the count says the rest.
    const perSeries = new Map<string, number>();
    const shown = [...a.anomalies]
      .sort((p, q) => Math.abs(q.peakScore) - Math.abs(p.peakScore))
      .filter((x) => {
        const n = (perSeries.get(x.series) ?? 0) + 1;
        perSeries.set(x.series, n);
        return n <= MAX_ANOMALIES_PER_SERIES;
      })
      .sort((p, q) => p.startMs - q.startMs);
    out.push(`| ${[l10n.t('Series'), l10n.t('From'), l10n.t('To'), l10n.t('Direction'), l10n.t('Peak'), l10n.t('Score'), l10n.t('Method')].join(' | ')} |`, '|---|---|---|---|---|---|---|');
    for (const x of shown) {
      const name = stats.get(x.series)?.name ?? x.series;
      out.push(
        `| ${inertMarkdownCode(x.series, INERT_LIMITS.code, true)} | ${formatTimestamp(x.startMs)} | ${formatTimestamp(x.endMs)} | ${directionWord(x.direction)} | ${formatByName(name, x.peakValue)} | ${x.peakScore.toFixed(1)} | ${x.method} |`,
      );
    }
    out.push('');
    for (const [series, n] of perSeries) {
      if (n > MAX_ANOMALIES_PER_SERIES) out.push(`- ${l10n.t('{0}: {1}', inertMarkdownCode(series), l10n.t('{0} more weaker intervals not listed.', n - MAX_ANOMALIES_PER_SERIES))}`);
    }
    if ([...perSeries.values()].some((n) => n > MAX_ANOMALIES_PER_SERIES)) out.push('');
  }
  const joint = a.incidents.filter((i) => i.series.length > 1);
  if (joint.length > 0) {
    out.push(`### ${l10n.t('Incidents across metrics')}`, '');
    out.push(l10n.t('Anomalies that happened at once in several series: one incident each, with its members (strongest first).'), '');
    for (const inc of joint) {
      const members = inc.members.map((m) => `${inertMarkdownCode(m.series)} ${directionWord(m.direction)} (${formatByName(stats.get(m.series)?.name ?? m.series, m.peakValue)})`);
      out.push(`- ${l10n.t('{0}: {1}', `${formatTimestamp(inc.startMs)} → ${formatTimestamp(inc.endMs)}`, members.join(l10n.t(', ')))}`);
    }
    out.push('');
  }

  out.push(`## ${l10n.t('Trends and forecasts')}`, '');
  if (a.forecasts.length === 0) {
    out.push(l10n.t('No limit is in sight: nothing that has a limit (memory, file descriptors, disk) is rising significantly.'), '');
  } else {
    for (const f of a.forecasts) out.push(`- ${forecastSentence(f)}`);
    out.push('');
  }
  for (const f of a.earlyWarnings) out.push(`- ${earlyWarningSentence(f)}`);
  if (a.earlyWarnings.length > 0) out.push('');
  const moving = a.trends.filter((t) => t.trend.significant);
  if (moving.length === 0) {
    out.push(l10n.t('No series rose or fell significantly over the window.'), '');
  } else {
    out.push(`| ${l10n.t('Series')} | ${l10n.t('Direction')} | ${l10n.t('Change per minute')} | R² | ${l10n.t('Samples')} |`, '|---|---|---|---|---|');
    for (const t of moving) {
      out.push(
        `| ${inertMarkdownCode(t.key, INERT_LIMITS.code, true)} | ${directionWord(t.trend.direction)} | ${signed(formatByName(t.name, t.trend.slopePerMinute), t.trend.slopePerMinute)} | ${t.trend.r2.toFixed(2)} | ${t.trend.n} |`,
      );
    }
    out.push('');
  }
  const corr = a.correlations.filter((c) => Number.isFinite(c.r));
  if (corr.length > 0) {
    out.push(`| ${l10n.t('Correlation')} | r | ${l10n.t('Pairs')} |`, '|---|---|---|');
    for (const c of corr) out.push(`| ${inertMarkdownCode(c.a, INERT_LIMITS.code, true)} ~ ${inertMarkdownCode(c.b, INERT_LIMITS.code, true)} | ${c.r.toFixed(2)} | ${c.n} |`);
    out.push('');
  }

  out.push(...methods());
  return out.join('\n');
}

/**
 * One line under the title: who (name, pid, port, state) and when (the window, its
 * samples, when generated). How the process was found goes to "About the server".
 */
function headerLine(report: ReportData): string {
  const t = report.target;
  const w = report.window;
  const parts = [inertMarkdownCode(t.name)];
  if (t.pid !== undefined) parts.push(`pid ${t.pid}`);
  if (t.ports && t.ports.length > 0) parts.push(t.ports.length === 1 ? l10n.t('port {0}', String(t.ports[0])) : l10n.t('ports {0}', t.ports.join(', ')));
  const state = t.state === 'running' ? l10n.t('running') : t.state === 'notRunning' ? l10n.t('not running') : l10n.t('not configured');
  // Not running: the detail says why (and is no repeat of a pid or command line).
  parts.push(t.state !== 'running' && t.detail ? `${state} (${inertMarkdownText(t.detail)})` : state);
  parts.push(l10n.t('{0} → {1} ({2}, {3} samples)', formatTimestamp(w.fromMs), formatTimestamp(w.toMs), formatDuration(w.durationMs), formatNumber(report.analysis.sampleCount)));
  parts.push(l10n.t('generated {0}', formatTimestamp(report.generatedAtMs)));
  return parts.join(' · ');
}

/** Facts about the server rather than measurements: its command line, limits, uptime, restarts, info metrics. */
function aboutSection(report: ReportData, stats: ReadonlyMap<string, SeriesStats>, scraped: readonly SeriesStats[]): string[] {
  const t = report.target;
  const items: string[] = [];
  if (t.commandLine) items.push(l10n.t('Command line: {0}', inertMarkdownCode(t.commandLine)));
  if (t.detail && t.state === 'running') items.push(l10n.t('How it was found: {0}', inertMarkdownText(t.detail)));
  const latest = (k: string): number | undefined => stats.get(k)?.latest?.value;
  const uptime = latest(Metric.processUptimeSeconds);
  if (uptime !== undefined) items.push(l10n.t('{0}: {1}', seriesDisplayName(Metric.processUptimeSeconds), formatDuration(uptime * 1000)));
  const up = stats.get(Metric.targetUp);
  if (up && up.summary.count > 0) items.push(l10n.t("Running in {0}% of the window's samples", formatNumber(up.summary.mean * 100)));
  const restarts = stats.get(Metric.targetRestarts);
  if (restarts) items.push(l10n.t('Restarts in the window: {0}', formatNumber(restarts.increase ?? 0)));
  const fds = latest(Metric.processMaxFds);
  if (fds !== undefined) items.push(l10n.t('{0}: {1}', seriesDisplayName(Metric.processMaxFds), formatNumber(fds)));
  const mem = latest(Metric.systemMemoryTotalBytes);
  if (mem !== undefined) items.push(l10n.t('{0}: {1}', seriesDisplayName(Metric.systemMemoryTotalBytes), formatByName(Metric.systemMemoryTotalBytes, mem)));
  // Info metrics first, then constants; each by series key.
  const isInfo = (s: SeriesStats): number => (/_info$/.test(s.name) ? 0 : 1);
  for (const s of [...scraped].sort((p, q) => isInfo(p) - isInfo(q) || p.key.localeCompare(q.key))) {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`);
    if (/_info$/.test(s.name)) {
      items.push(l10n.t('{0}: {1}', inertMarkdownCode(s.name), labels.length ? inertMarkdownCode(labels.join(', ')) : l10n.t('no labels')));
    } else {
      const v = s.latest?.value;
      const text = s.kind === 'timestamp' ? pointInTime(s) : v === undefined ? '—' : formatByName(s.name, v, hints(s));
      items.push(l10n.t('{0}: {1}', inertMarkdownCode(s.key), text));
    }
  }
  if (items.length === 0) return [];
  return [`## ${l10n.t('About the server')}`, '', ...items.map((i) => `- ${i}`), ''];
}

/** Counters as what they counted in the window and per second, in their unit. */
function counterTable(counters: readonly SeriesStats[], windowMs: number): string[] {
  const out = [`| ${[l10n.t('Counter'), l10n.t('Increase in the window'), l10n.t('Per second'), l10n.t('Samples')].join(' | ')} |`, '|---|---|---|---|'];
  const seconds = Math.max(1, windowMs / 1000);
  for (const s of counters) {
    const inc = s.increase ?? NaN;
    out.push(`| ${inertMarkdownCode(s.key, INERT_LIMITS.code, true)} | ${formatByName(s.name, inc, hints(s))} | ${formatByName(s.name, inc / seconds, hints(s))}/s | ${s.summary.count + 1} |`);
  }
  out.push('');
  return out;
}

/** A point in time (seconds since the epoch): the time and how long before its last sample, never a duration. */
function pointInTime(s: SeriesStats): string {
  if (!s.latest) return '—';
  const at = s.latest.value * 1000;
  return `${formatTimestamp(at)} (${l10n.t('{0} before its last sample', formatDuration(s.latest.timeMs - at))})`;
}

/** The declared `# UNIT` of a scraped series, for formatting. */
function hints(s: SeriesStats): { unit: string } | undefined {
  return s.unit ? { unit: s.unit } : undefined;
}

function statsTable(rows: readonly (readonly [string | null, SeriesStats | undefined])[]): string[] {
  const present = rows.filter((r): r is readonly [string | null, SeriesStats] => r[1] !== undefined);
  if (present.length === 0) return [`_${l10n.t('No samples.')}_`, ''];
  const head = [l10n.t('Metric'), l10n.t('Latest'), l10n.t('Mean'), l10n.t('Median'), 'p95', 'p99', l10n.t('Min'), l10n.t('Max'), l10n.t('Samples')];
  const out = [`| ${head.join(' | ')} |`, '|---|---|---|---|---|---|---|---|---|'];
  for (const [label, s] of present) {
    const title = label ? inertMarkdownText(label) : inertMarkdownCode(s.key, INERT_LIMITS.code, true);
    if (s.kind === 'timestamp') {
      out.push(`| ${title} | ${pointInTime(s)} | — | — | — | — | — | — | ${s.summary.count} |`);
      continue;
    }
    // Derived series have no unit suffix in their key; format by name (and the declared UNIT).
    const f = (v: number): string => formatByName(s.name, v, hints(s));
    const sm = s.summary;
    const invalid = sm.invalidCount > 0 ? ` (${l10n.t('+{0} invalid', sm.invalidCount)})` : '';
    out.push(
      `| ${title} | ${f(s.latest?.value ?? NaN)} | ${f(sm.mean)} | ${f(sm.median)} | ${f(sm.p95)} | ${f(sm.p99)} | ${f(sm.min)} | ${f(sm.max)} | ${sm.count}${invalid} |`,
    );
  }
  out.push('');
  return out;
}

function alertTable(alerts: readonly ReportAlert[], none: string): string[] {
  if (alerts.length === 0) return [none, ''];
  const head = [l10n.t('Level'), l10n.t('Alert'), l10n.t('Started'), l10n.t('Duration'), l10n.t('Peak'), l10n.t('Message')];
  const out = [`| ${head.join(' | ')} |`, '|---|---|---|---|---|---|'];
  for (const x of alerts) {
    const dur = x.durationMs ?? (x.endedMs !== undefined ? x.endedMs - x.startedMs : undefined);
    const peak =
      x.peakValue === undefined ? '—' : typeof x.peakValue === 'number' ? formatByName(x.metric ?? '', x.peakValue) : inertMarkdownText(x.peakValue);
    const state = x.state === 'pending' ? ` (${alertStateWord('pending')})` : '';
    out.push(
      `| ${ALERT_LEVEL_LABEL()[x.level] ?? inertMarkdownText(String(x.level))}${state} | ${inertMarkdownText(x.title)} | ${formatTimestamp(x.startedMs)} | ${dur === undefined ? '—' : formatDuration(dur)} | ${peak} | ${inertMarkdownText(x.message)} |`,
    );
  }
  out.push('');
  return out;
}

function issueSection(issue: Issue): string[] {
  const out = [`### ${inertMarkdownText(issue.title)}`, '', `**${SEVERITY_LABEL()[issue.severity]}** · ${issueCategoryWord(issue.category)}`, '', inertMarkdownText(issue.summary, PROSE_CHARS), ''];
  if (issue.evidence.length > 0) {
    out.push(`| ${l10n.t('Evidence')} | ${l10n.t('Value')} | ${l10n.t('Window')} | ${l10n.t('Series')} |`, '|---|---|---|---|');
    for (const e of issue.evidence) {
      const win = e.window.fromMs === e.window.toMs ? formatTimestamp(e.window.fromMs) : `${formatTimestamp(e.window.fromMs)} → ${formatTimestamp(e.window.toMs)}`;
      out.push(`| ${inertMarkdownText(e.label)} | ${inertMarkdownText(e.value)} | ${win} | ${e.series ? inertMarkdownCode(e.series, INERT_LIMITS.code, true) : '—'} |`);
    }
    out.push('');
  }
  // Recommendations are our own text with commands in backticks: kept as Markdown.
  if (issue.recommendations.now.length > 0) {
    out.push(`**${l10n.t('Do now')}**`, '');
    for (const r of issue.recommendations.now) out.push(`- ${r}`);
    out.push('');
  }
  if (issue.recommendations.investigate.length > 0) {
    out.push(`**${l10n.t('Investigate')}**`, '');
    for (const r of issue.recommendations.investigate) out.push(`- ${r}`);
    out.push('');
  }
  return out;
}

function forecastSentence(f: ReportData['analysis']['forecasts'][number]): string {
  const name = f.series.split('{')[0] ?? f.series;
  return l10n.t(
    '{0} reaches {1} in ~{2} (around {3}), rising {4}/min now at {5} (R² {6}, {7} samples).',
    capitalise(inertMarkdownText(f.what)),
    inertMarkdownText(f.limitLabel),
    formatDuration(f.etaMs),
    formatTimestamp(f.reachAtMs),
    formatByName(name, f.trend.slopePerMinute),
    formatByName(name, f.fittedNow),
    f.trend.r2.toFixed(2),
    f.trend.n,
  );
}

/** "Early warning: server CPU leaves its usual range (above 42%) in ~5 min …". */
function earlyWarningSentence(f: ReportData['analysis']['earlyWarnings'][number]): string {
  const name = f.series.split('{')[0] ?? f.series;
  return l10n.t(
    'Early warning: {0} leaves its usual range (above {1}, where it would be flagged as an anomaly) in ~{2} (around {3}) at its current trend, rising {4}/min, now at {5}.',
    inertMarkdownText(f.what),
    formatByName(name, f.limit),
    formatDuration(f.etaMs),
    formatTimestamp(f.reachAtMs),
    formatByName(name, f.trend.slopePerMinute),
    formatByName(name, f.fittedNow),
  );
}

/** Anomaly and trend directions (data values "up"/"down", "rising"/"falling"/"flat") in words. */
function directionWord(d: string): string {
  switch (d) {
    case 'up':
      return l10n.t('up');
    case 'down':
      return l10n.t('down');
    case 'rising':
    case 'falling':
    case 'flat':
      return trendWord(d);
    default:
      return inertMarkdownText(d);
  }
}

function signed(text: string, v: number): string {
  return v > 0 && !text.startsWith('+') ? `+${text}` : text;
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function methods(): string[] {
  const detectors = DETECTOR_TABLE.filter((r) => r.detector === 'none').map((r) => l10n.t('{0} ({1})', inertMarkdownCode(r.pattern.source), r.why())).join(l10n.t('; '));
  return [
    `## ${l10n.t('How each figure was computed')}`,
    '',
    `- ${l10n.t("**Statistics** use the finite samples of the window; NaN/Infinity samples are counted as invalid and left out. Percentiles interpolate linearly between closest ranks (numpy's default). Standard deviation uses n − 1. Memory units are binary (1 MB = 1,048,576 bytes).")}`,
    `- ${l10n.t('**Counters** ({0}) are turned into per-second rates between consecutive samples; a decrease is a counter reset (the process restarted) and counts the new value as the increase, as Prometheus {1} does.', '`*_total`', '`rate()`')}`,
    `- ${l10n.t("**Trends** are least-squares lines against time. A trend is called rising or falling only when the slope's t-statistic passes the two-sided 99% Student-t test *and* the line explains at least 30% of the variance (R² ≥ 0.3); otherwise it is flat.")}`,
    `- ${l10n.t('**Forecasts** fit a line to the last 10 minutes (or what there is) and extrapolate from the latest sample, like Prometheus {0}. They appear only for significantly rising series still below their limit, whose samples span at least {1} and at least 1/{2} of the time forecast ahead (a day ahead needs {3} of samples), and that rose along the line by at least {4} standard deviations of their noise around it.', '`predict_linear`', formatDuration(ForecastRules.minSpanMs), Math.round(1 / ForecastRules.minSpanShare), formatDuration(24 * 3_600_000 * ForecastRules.minSpanShare), ForecastRules.noiseFactor)}`,
    `- ${l10n.t("**Anomalies** are learnt per series, no threshold is set per metric: each value is scored from the past only by four views — a robust z against the median/MAD of the previous 64 values, a z against a long exponentially weighted mean/σ, a z against the same quarter-hour of earlier days, and a value 5% beyond the whole range seen — each turned into a tail probability against that series' own history of the view (a decayed histogram, and an exponential peaks-over-threshold tail beyond its 98th percentile); the smallest, times four, is p. An anomaly starts where −log10 p reaches {0} (the shipped threshold, chosen on the Numenta Anomaly Benchmark) above every value of the previous 50 samples, and lasts while −log10 p stays there; the Score column is −log10 p at its peak. Anomalies of several series within 15 s of each other are one incident. Early warnings extrapolate a series' trend (least squares over 10 min) to the edge of its usual range. Long windows are bucketed to 2,000 points (bucket means). Series not scored: {1}.", (DEFAULT_ANOMALY_THRESHOLD * 10).toFixed(1), detectors)}`,
    `- ${l10n.t("**Correlations** are Pearson's r between two series paired by nearest timestamp (within half a sampling interval).")}`,
    `- ${l10n.t('**Rules**: CPU saturation when ≥ {0}% of the last 5 min is at ≥ {1}% of a core (critical at {2}%); another process when the machine is ≥ {3}% busy and the server < {4}%; memory leak when RSS rises with R² ≥ {5} over ≥ 5 min by ≥ {6}% (or reaches its limit within a day) while users and messages do not rise; load-driven latency when r > {7} over ≥ {8} pairs; event-loop lag median ≥ {9} ms; GC share ≥ {10}% (rate of the GC histogram count × its mean = seconds of GC per second); fd leak and disk filling when the forecast is within a day.', Thresholds.sustainedShare * 100, Thresholds.cpuBusyPercent, Thresholds.cpuCriticalPercent, Thresholds.systemBusyPercent, Thresholds.serverQuietPercent, Thresholds.leakMinR2, Thresholds.leakMinGrowthShare * 100, Thresholds.latencyCorrelationR, Thresholds.latencyCorrelationMinPairs, Thresholds.eventLoopLagWarnSeconds * 1000, Thresholds.gcWarnRatio * 100)}`,
    '',
  ];
}

/** The Logs section: line rate, levels, error groups with their top application frame, access figures. */
function logsSection(logs: LogsReport): string[] {
  const out = [`## ${l10n.t('Logs')}`, ''];
  const levels = Object.entries(logs.levels)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${formatNumber(n)}`)
    .join(', ');
  const events = logs.lines === 1 ? l10n.t('1 log event') : l10n.t('{0} log events', formatNumber(logs.lines));
  out.push(levels ? l10n.t('{0}, {1}/s ({2}).', events, formatNumber(logs.linesPerSecond), levels) : l10n.t('{0}, {1}/s.', events, formatNumber(logs.linesPerSecond)), '');
  if (logs.errorGroups.length === 0) {
    out.push(l10n.t('No error in the logs.'), '');
  } else {
    out.push(`| ${l10n.t('Error')} | ${l10n.t('Count')} | ${l10n.t('First seen')} | ${l10n.t('Last seen')} | ${l10n.t('Where')} |`, '| --- | ---: | --- | --- | --- |');
    for (const g of logs.errorGroups) {
      const top = topWorkspaceFrame(g.frames) ?? g.frames[0];
      const where = top ? inertMarkdownCode(`${top.file}:${top.line}${top.column !== null ? `:${top.column}` : ''}`, INERT_LIMITS.code, true) : '—';
      const label = `${g.type}: ${g.message}`;
      out.push(`| ${inertMarkdownCode(label, 200, true)}${g.regression ? ` ${l10n.t('(back after a restart)')}` : ''} | ${formatNumber(g.count)} | ${formatTimestamp(Date.parse(g.firstSeen))} | ${formatTimestamp(Date.parse(g.lastSeen))} | ${where} |`);
    }
    out.push('');
  }
  if (logs.links && logs.links.length > 0) {
    // The sentences quote the server's error messages: inert like every server text.
    out.push(l10n.t('What the errors line up with:'), '', ...logs.links.map((l) => `- ${inertMarkdownText(l.sentence, PROSE_CHARS)}`), '');
  }
  if (logs.access) {
    const a = logs.access;
    const classes = Object.entries(a.statusClasses)
      .sort()
      .map(([k, n]) => `${k} ${formatNumber(n)}`)
      .join(', ');
    const lat = a.latencyMs ? l10n.t('; latency p50 {0} ms, p95 {1} ms, p99 {2} ms', formatNumber(a.latencyMs.p50), formatNumber(a.latencyMs.p95), formatNumber(a.latencyMs.p99)) : '';
    out.push(l10n.t('Access log: {0} requests, {1}/s ({2}){3}.', formatNumber(a.requests), formatNumber(a.requestsPerSecond), classes, lat), '');
  }
  for (const n of logs.notes) out.push(`- _${inertMarkdownText(n, PROSE_CHARS)}_`);
  if (logs.notes.length > 0) out.push('');
  return out;
}
