/**
 * The status view as it was before its texts were kept between ticks (issue 20), word for
 * word: the oracle that statusView.test.ts compares the kept texts with, tick after tick.
 * Not used by the extension.
 */
import * as l10n from '@vscode/l10n';
import { Commands } from '../../../src/shared/commandIds';
import { AlertLevel } from '../../../src/shared/vocabulary';
import { formatBytes, formatDuration } from '../../../src/core/format';
import { InstanceMetric, Metric, ServiceState, Snapshot, SourceProblem, TargetState, upCount } from '../../../src/core/model';
import { verdictSentence } from '../../../src/core/scrape/promVerdict';
import { SCRAPE_SOURCE } from '../../../src/core/scrape/scraper';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { inertMarkdownCode, inertMarkdownText, inertStatusBarText, visibleText } from '../../../src/core/text/inertText';
import { staleAfterMs } from '../../../src/core/config';

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

/**
 * The parts of `next` that differ from `previous` (all of them when there is none): the
 * status bar item is given only these. Each property set on a VS Code status bar item
 * sends the whole item to the window again, and a tick's item often says what the last
 * one said (issue 20).
 */
export function changedStatusParts(previous: StatusView | undefined, next: StatusView): Partial<Pick<StatusView, 'text' | 'tooltip' | 'ariaLabel' | 'severity'>> {
  const out: { text?: string; tooltip?: string; ariaLabel?: string; severity?: StatusView['severity'] } = {};
  if (previous?.text !== next.text) out.text = next.text;
  if (previous?.tooltip !== next.tooltip) out.tooltip = next.tooltip;
  if (previous?.ariaLabel !== next.ariaLabel) out.ariaLabel = next.ariaLabel;
  if (previous?.severity !== next.severity) out.severity = next.severity;
  return out;
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
    const text = `$(pulse) ${l10n.t('Chat-Room Monitor: select a process')}`;
    const tooltip = [
      `**${l10n.t('Chat-Room Monitor')}**`,
      '',
      md(target.message),
      '',
      `[${l10n.t('Select Process to Watch')}](command:${Commands.selectProcess})`,
      ...(configLines.length ? ['', ...configLines] : []),
    ].join('\n');
    return { text, tooltip, ariaLabel: l10n.t('{0}: {1}', l10n.t('Chat-Room Monitor'), visibleText(target.message, 300)), severity, state: snapshot ? 'unconfigured' : 'starting' };
  }

  // The name comes from the process (argv[0]) unless the user set one: inert, and short
  // in the item so CPU and memory stay visible; in full (to a cap) in the tooltip.
  const rawName = input.name || (target.kind === 'running' ? target.process.executable : 'server');
  const { name, tipName, ariaName } = nameTexts(rawName);
  if (target.kind === 'notRunning') {
    // A service whose source could not be read is not known to be down: say what failed.
    const unread = target.service && !target.service.reachable;
    const noInstance = target.service?.reachable && target.service.instances.length === 0;
    const text = unread
      ? `$(warning) ${target.service!.source === 'prometheus' ? l10n.t('{0}: Prometheus unreachable', name) : l10n.t('{0}: source unreachable', name)}`
      : noInstance
        ? `$(warning) ${l10n.t('{0}: no instance found', name)}`
        : `$(debug-disconnect) ${l10n.t('{0}: not running', name)}${target.service ? ` (${upCount(target.service)})` : ''}`;
    const tooltip = [
      unread ? l10n.t('**{0}** cannot be read', tipName) : noInstance ? l10n.t('**{0}** has no instance', tipName) : l10n.t('**{0}** is not running', tipName),
      '',
      md(target.message),
      '',
      `[${l10n.t('Select Process to Watch')}](command:${Commands.selectProcess}) · [${l10n.t('Show Log')}](command:${Commands.showLog})`,
      ...alertLines(input.alerts),
      ...(configLines.length ? ['', ...configLines] : []),
    ].join('\n');
    const ariaState = unread ? l10n.t('{0} cannot be read.', ariaName) : noInstance ? l10n.t('{0} has no instance.', ariaName) : l10n.t('{0} is not running.', ariaName);
    return { text, tooltip, ariaLabel: `${ariaState} ${visibleText(target.message, 300)}`, severity, state: 'notRunning' };
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
  const text = `${icon} ${name} ${cpuText} · ${rssText}${serviceText}${stale ? ` ${l10n.t('(stale)')}` : ''}`;

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
  const OFF = l10n.t('off');
  const scrapeLine =
    scrapeProblem !== undefined
      ? `$(warning) ${md(scrapeProblem.message)}`
      : scrapeUp === undefined
        ? OFF
        : scraped !== undefined
          ? l10n.t('ok ({0} series)', scraped)
          : l10n.t('ok');
  // The monitor read what it could; say when Prometheus would have refused the body.
  const verdict = verdictSentence(input.snapshot?.prometheusVerdict);
  const metricsCell = verdict && scrapeLine !== OFF ? `${scrapeLine} · $(warning) ${inertMarkdownText(verdict)}` : scrapeLine;
  const otherProblems = input.problems.filter((x) => !isScrape(x) && (x.source !== 'target' || service !== undefined)).map((x) => `- $(warning) ${md(x.message)}`);

  const restartsText = input.restarts ? ` · ${input.restarts > 1 ? l10n.t('{0} restarts', input.restarts) : l10n.t('1 restart')}` : '';
  const head = service
    ? [
        `**${tipName}** — ${md(service.where)}${service.source === 'local' && p.ports.length ? ` · ${l10n.t('port {0}', p.ports.join(', '))}` : ''}: ${upCount(service)}${restartsText}`,
        '',
        ...instanceTable(service, store),
        ...(service.source === 'local' ? ['', commandLineCode(p.commandLine)] : []),
      ]
    : [
        `**${tipName}** — pid ${p.pid}${p.ports.length ? ` · ${l10n.t('port {0}', p.ports.join(', '))}` : ''}${uptime !== undefined ? ` · ${l10n.t('up {0}', formatDuration(uptime * 1000))}` : ''}${restartsText}`,
        '',
        commandLineCode(p.commandLine),
      ];
  const lines = [
    ...head,
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${cpu ? (service ? l10n.t('{0}% of one core (all instances)', cpu.value.toFixed(1)) : l10n.t('{0}% of one core', cpu.value.toFixed(1))) : '–'} |`,
    `| ${l10n.t('Memory (RSS)')} | ${rss ? formatBytes(rss.value) : '–'} |`,
    `| ${l10n.t('Open files')} | ${fds !== undefined ? (maxFds ? l10n.t('{0} of {1}', fds, maxFds) : String(fds)) : '–'} |`,
    // A remote service: this machine's figures say nothing about it; Prometheus' problems are listed below.
    ...(service?.source === 'prometheus'
      ? []
      : [
          `| ${l10n.t('Threads')} | ${threads ?? '–'} |`,
          `| ${l10n.t('Machine CPU')} | ${sysCpu !== undefined ? `${sysCpu.toFixed(1)}%` : '–'} |`,
          `| ${l10n.t('Machine memory')} | ${memPct !== undefined ? `${memPct.toFixed(1)}%${memUsed !== undefined && memTotal !== undefined ? ` (${l10n.t('{0} of {1}', formatBytes(memUsed), formatBytes(memTotal))})` : ''}` : '–'} |`,
          `| ${l10n.t('Disk')} | ${disk !== undefined ? l10n.t('{0}% used', disk.toFixed(1)) : '–'} |`,
          `| ${l10n.t('Network')} | ${rx !== undefined && tx !== undefined ? `↓ ${formatBytes(rx)}/s ↑ ${formatBytes(tx)}/s` : '–'} |`,
          `| ${l10n.t('Metrics')} | ${metricsCell} |`,
        ]),
    `| ${l10n.t('Last sample')} | ${snapshot ? `${formatAge(lastTickAge)}${stale ? ` — **${l10n.t('stale')}**` : ''}` : l10n.t('none yet')} |`,
    ...(input.forecast ? ['', `$(graph-line) ${md(input.forecast)}`] : []),
    ...alertLines(input.alerts),
    ...(otherProblems.length || configLines.length ? ['', ...otherProblems, ...configLines] : []),
    '',
    `[${l10n.t('Open Dashboard')}](command:${Commands.openDashboard}) · [${l10n.t('Show Report')}](command:${Commands.showReport}) · [${l10n.t('Select Process')}](command:${Commands.selectProcess})`,
  ];
  const aria = [
    l10n.t('{0}: CPU {1} percent, memory {2}', ariaName, cpu ? Math.round(cpu.value) : l10n.t('unknown'), rss ? formatBytes(rss.value) : l10n.t('unknown')),
    ...(stale ? [l10n.t('stale data')] : []),
    ...(input.alerts?.length ? [input.alerts.length > 1 ? l10n.t('{0} active alerts', input.alerts.length) : l10n.t('1 active alert')] : []),
  ].join(l10n.t(', '));
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
    return `| ${md(i.instance, 80)} | ${i.up ? l10n.t({ message: 'up', comment: 'instance state' }) : `$(error) **${l10n.t({ message: 'down', comment: 'instance state' })}**`} | ${i.up && cpu !== undefined ? `${cpu.toFixed(1)}%` : '–'} | ${i.up && rss !== undefined ? formatBytes(rss) : '–'} |`;
  });
  const more = service.instances.length - shown.length;
  return [`| ${l10n.t('Instance')} | | CPU | ${l10n.t('Memory')} |`, '|---|---|---|---|', ...rows, ...(more > 0 ? [`| ${l10n.t('… {0} more', more)} | | | |`] : [])];
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
  return ['', `**${l10n.t('Active alerts ({0})', alerts.length)}**`, ...alerts.map((a) => `- ${icon(a.level)} ${md(a.title)}${a.snoozed ? ` _${l10n.t('(snoozed)')}_` : ''}`)];
}

/**
 * The process's name and command line as each surface shows them. They are the view's
 * longest inert texts and change only with the process, while the view is rebuilt on
 * every tick: the last ones are kept (issue 20, the status bar's share of the 1 Hz CPU).
 */
let lastName: { raw: string; name: string; tipName: string; ariaName: string } | undefined;
let lastCommandLine: { raw: string; code: string } | undefined;

function nameTexts(raw: string): { name: string; tipName: string; ariaName: string } {
  if (lastName?.raw !== raw) {
    lastName = { raw, name: inertStatusBarText(raw), tipName: md(raw, 120), ariaName: visibleText(raw, 120) };
  }
  return lastName;
}

function commandLineCode(raw: string): string {
  if (lastCommandLine?.raw !== raw) {
    lastCommandLine = { raw, code: inertMarkdownCode(raw, 200) };
  }
  return lastCommandLine.code;
}

/** Text from a process, a server or a setting, as inert Markdown text for the tooltip. */
function md(s: string, maxChars = 300): string {
  return inertMarkdownText(s, maxChars);
}

function formatAge(ms: number): string {
  return ms < 1000 ? l10n.t('just now') : l10n.t('{0} s ago', (ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
}
