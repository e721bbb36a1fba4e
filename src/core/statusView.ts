import { Commands } from '../shared/commandIds';
import { AlertLevel } from '../shared/vocabulary';
import { formatBytes, formatDuration } from './format';
import { InstanceMetric, Metric, ServiceState, Snapshot, SourceProblem, TargetState, upCount } from './model';
import { verdictSentence } from './scrape/promVerdict';
import { SCRAPE_SOURCE } from './scrape/scraper';
import { SeriesStore } from './store/seriesStore';
import { inertMarkdownCode, inertMarkdownText, inertStatusBarText, visibleText } from './text/inertText';
import { staleAfterMs } from './config';

/** What the status bar shows, computed without `vscode` so it is unit-tested in Node. */
export interface StatusView {
  /** With `$(icon)` syntax. */
  readonly text: string;
  /** Markdown. Text that came from outside (names, command lines, messages) is inert. */
  readonly tooltip: string;
  /** For screen readers: the same facts in words. */
  readonly ariaLabel: string;
  /** Background: none, or the warning/error theme colour while an alert fires. */
  readonly severity: 'none' | 'warning' | 'error';
  readonly state: 'live' | 'stale' | 'notRunning' | 'unconfigured' | 'starting';
}

export interface ActiveAlertLine {
  readonly level: AlertLevel;
  readonly title: string;
  readonly snoozed?: boolean;
}

export interface StatusInput {
  readonly nowMs: number;
  readonly intervalMs: number;
  readonly name: string | undefined;
  readonly target: TargetState;
  readonly snapshot: Snapshot | undefined;
  readonly store: SeriesStore;
  readonly problems: readonly SourceProblem[];
  readonly configProblems: readonly string[];
  readonly alerts?: readonly ActiveAlertLine[];
  /** e.g. "memory reaches the machine's memory in ~12 min" */
  readonly forecast?: string;
  readonly restarts?: number;
}

/** U+2007 FIGURE SPACE: as wide as a digit, so the numbers do not make the item jump. */
const FIG = '\u2007';

export function buildStatusView(input: StatusInput): StatusView {
  const { target, snapshot, store } = input;
  const severity = alertSeverity(input.alerts ?? []);
  const configLines = input.configProblems.map((p) => `- $(warning) ${md(p)}`);

  if (target.kind === 'unconfigured') {
    const text = '$(pulse) Chat-Room Monitor: select a process';
    const tooltip = [
      '**Chat-Room Monitor**',
      '',
      md(target.message),
      '',
      `[Select Process to Watch](command:${Commands.selectProcess})`,
      ...(configLines.length ? ['', ...configLines] : []),
    ].join('\n');
    return { text, tooltip, ariaLabel: `Chat-Room Monitor: ${visibleText(target.message, 300)}`, severity, state: snapshot ? 'unconfigured' : 'starting' };
  }

  // The name comes from the process (argv[0]) unless the user set one: inert, and short
  // in the item so CPU and memory stay visible; in full (to a cap) in the tooltip.
  const rawName = input.name || (target.kind === 'running' ? target.process.executable : 'server');
  const name = inertStatusBarText(rawName);
  const tipName = md(rawName, 120);
  const ariaName = visibleText(rawName, 120);
  if (target.kind === 'notRunning') {
    // A service whose source could not be read is not known to be down: say what failed.
    const unread = target.service && !target.service.reachable;
    const noInstance = target.service?.reachable && target.service.instances.length === 0;
    const text = unread
      ? `$(warning) ${name}: ${target.service!.source === 'prometheus' ? 'Prometheus' : 'source'} unreachable`
      : noInstance
        ? `$(warning) ${name}: no instance found`
        : `$(debug-disconnect) ${name}: not running${target.service ? ` (${upCount(target.service)})` : ''}`;
    const tooltip = [
      `**${tipName}** ${unread ? 'cannot be read' : noInstance ? 'has no instance' : 'is not running'}`,
      '',
      md(target.message),
      '',
      `[Select Process to Watch](command:${Commands.selectProcess}) · [Show Log](command:${Commands.showLog})`,
      ...alertLines(input.alerts),
      ...(configLines.length ? ['', ...configLines] : []),
    ].join('\n');
    const ariaState = unread ? 'cannot be read' : noInstance ? 'has no instance' : 'is not running';
    return { text, tooltip, ariaLabel: `${ariaName} ${ariaState}. ${visibleText(target.message, 300)}`, severity, state: 'notRunning' };
  }

  const p = target.process;
  const cpu = store.latest(Metric.processCpuPercent);
  const rss = store.latest(Metric.processRssBytes);
  // Stale: the process sample missed the latest tick, or no tick came for a while.
  const lastTickAge = snapshot ? input.nowMs - snapshot.timeMs : Number.POSITIVE_INFINITY;
  const service = target.service;
  const stale = !rss || rss.stale || lastTickAge > staleAfterMs(input.intervalMs) || (service !== undefined && !service.reachable);
  const cpuText = cpu ? `${Math.round(cpu.value).toString().padStart(3, FIG)}%` : `${FIG}${FIG}–%`;
  const rssText = rss ? formatBytes(rss.value) : '–';
  const icon = stale ? '$(history)' : severity === 'none' ? '$(pulse)' : severity === 'error' ? '$(error)' : '$(warning)';
  const serviceText = service ? ` · ${upCount(service)}` : '';
  const text = `${icon} ${name} ${cpuText} · ${rssText}${serviceText}${stale ? ' (stale)' : ''}`;

  const v = (metric: string) => store.latest(metric)?.value;
  const fds = v(Metric.processOpenFds);
  const maxFds = v(Metric.processMaxFds);
  const threads = v(Metric.processThreads);
  const uptime = v(Metric.processUptimeSeconds);
  const sysCpu = v(Metric.systemCpuPercent);
  const memPct = v(Metric.systemMemoryPercent);
  const memUsed = v(Metric.systemMemoryUsedBytes);
  const memTotal = v(Metric.systemMemoryTotalBytes);
  const disk = v(Metric.systemDiskPercent);
  const rx = v(Metric.systemNetRxBytesPerSecond);
  const tx = v(Metric.systemNetTxBytesPerSecond);
  const isScrape = (x: SourceProblem) => x.source === SCRAPE_SOURCE;
  const scrapeProblem = input.problems.find(isScrape);
  // Live values only: after scraping is turned off (metrics.url "" or a file: URL), the
  // last scrape's samples stay in the store, stale, and must not read as "ok".
  const scrapeUp = store.latestValue(Metric.scrapeUp);
  const scraped = store.latestValue(Metric.scrapeSamplesScraped);
  const scrapeLine =
    scrapeProblem !== undefined
      ? `$(warning) ${md(scrapeProblem.message)}`
      : scrapeUp === undefined
        ? 'off'
        : `ok${scraped !== undefined ? ` (${scraped} series)` : ''}`;
  // The monitor read what it could; say when Prometheus would have refused the body.
  const verdict = verdictSentence(input.snapshot?.prometheusVerdict);
  const metricsCell = verdict && scrapeLine !== 'off' ? `${scrapeLine} · $(warning) ${inertMarkdownText(verdict)}` : scrapeLine;
  const otherProblems = input.problems.filter((x) => !isScrape(x) && (x.source !== 'target' || service !== undefined)).map((x) => `- $(warning) ${md(x.message)}`);

  const head = service
    ? [
        `**${tipName}** — ${md(service.where)}${service.source === 'local' && p.ports.length ? ` · port ${p.ports.join(', ')}` : ''}: ${upCount(service)}${input.restarts ? ` · ${input.restarts} restart${input.restarts > 1 ? 's' : ''}` : ''}`,
        '',
        ...instanceTable(service, store),
        ...(service.source === 'local' ? ['', inertMarkdownCode(p.commandLine, 200)] : []),
      ]
    : [
        `**${tipName}** — pid ${p.pid}${p.ports.length ? ` · port ${p.ports.join(', ')}` : ''}${uptime !== undefined ? ` · up ${formatDuration(uptime * 1000)}` : ''}${input.restarts ? ` · ${input.restarts} restart${input.restarts > 1 ? 's' : ''}` : ''}`,
        '',
        inertMarkdownCode(p.commandLine, 200),
      ];
  const lines = [
    ...head,
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${cpu ? `${cpu.value.toFixed(1)}% of one core${service ? ' (all instances)' : ''}` : '–'} |`,
    `| Memory (RSS) | ${rss ? formatBytes(rss.value) : '–'} |`,
    `| Open files | ${fds !== undefined ? `${fds}${maxFds ? ` of ${maxFds}` : ''}` : '–'} |`,
    // A remote service: this machine's figures say nothing about it; Prometheus' problems are listed below.
    ...(service?.source === 'prometheus'
      ? []
      : [
          `| Threads | ${threads ?? '–'} |`,
          `| Machine CPU | ${sysCpu !== undefined ? `${sysCpu.toFixed(1)}%` : '–'} |`,
          `| Machine memory | ${memPct !== undefined ? `${memPct.toFixed(1)}%${memUsed !== undefined && memTotal !== undefined ? ` (${formatBytes(memUsed)} of ${formatBytes(memTotal)})` : ''}` : '–'} |`,
          `| Disk | ${disk !== undefined ? `${disk.toFixed(1)}% used` : '–'} |`,
          `| Network | ${rx !== undefined && tx !== undefined ? `↓ ${formatBytes(rx)}/s ↑ ${formatBytes(tx)}/s` : '–'} |`,
          `| Metrics | ${metricsCell} |`,
        ]),
    `| Last sample | ${snapshot ? `${formatAge(lastTickAge)}${stale ? ' — **stale**' : ''}` : 'none yet'} |`,
    ...(input.forecast ? ['', `$(graph-line) ${md(input.forecast)}`] : []),
    ...alertLines(input.alerts),
    ...(otherProblems.length || configLines.length ? ['', ...otherProblems, ...configLines] : []),
    '',
    `[Open Dashboard](command:${Commands.openDashboard}) · [Show Report](command:${Commands.showReport}) · [Select Process](command:${Commands.selectProcess})`,
  ];
  const aria = `${ariaName}: CPU ${cpu ? Math.round(cpu.value) : 'unknown'} percent, memory ${rss ? formatBytes(rss.value) : 'unknown'}${stale ? ', stale data' : ''}${input.alerts?.length ? `, ${input.alerts.length} active alert${input.alerts.length > 1 ? 's' : ''}` : ''}`;
  return { text, tooltip: lines.join('\n'), ariaLabel: aria, severity, state: stale ? 'stale' : 'live' };
}

/** One row per instance of a service: up or down, its CPU and memory (the total is in the table below). */
function instanceTable(service: ServiceState, store: SeriesStore): string[] {
  if (service.instances.length === 0) {
    return [];
  }
  const shown = service.instances.slice(0, MAX_INSTANCE_ROWS);
  const rows = shown.map((i) => {
    const cpu = store.latestValue(InstanceMetric.cpuPercent, { instance: i.instance });
    const rss = store.latestValue(InstanceMetric.rssBytes, { instance: i.instance });
    return `| ${md(i.instance, 80)} | ${i.up ? 'up' : '$(error) **down**'} | ${i.up && cpu !== undefined ? `${cpu.toFixed(1)}%` : '–'} | ${i.up && rss !== undefined ? formatBytes(rss) : '–'} |`;
  });
  const more = service.instances.length - shown.length;
  return ['| Instance | | CPU | Memory |', '|---|---|---|---|', ...rows, ...(more > 0 ? [`| … ${more} more | | | |`] : [])];
}

const MAX_INSTANCE_ROWS = 12;

function alertSeverity(alerts: readonly ActiveAlertLine[]): StatusView['severity'] {
  const live = alerts.filter((a) => !a.snoozed);
  if (live.some((a) => a.level === 'error' || a.level === 'critical')) {
    return 'error';
  }
  return live.some((a) => a.level === 'warning') ? 'warning' : 'none';
}

function alertLines(alerts: readonly ActiveAlertLine[] | undefined): string[] {
  if (!alerts || alerts.length === 0) {
    return [];
  }
  const icon = (l: ActiveAlertLine['level']) => (l === 'critical' || l === 'error' ? '$(error)' : l === 'warning' ? '$(warning)' : '$(info)');
  return ['', `**Active alerts (${alerts.length})**`, ...alerts.map((a) => `- ${icon(a.level)} ${md(a.title)}${a.snoozed ? ' _(snoozed)_' : ''}`)];
}

/** Text from a process, a server or a setting, as inert Markdown text for the tooltip. */
function md(s: string, maxChars = 300): string {
  return inertMarkdownText(s, maxChars);
}

function formatAge(ms: number): string {
  return ms < 1000 ? 'just now' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s ago`;
}
