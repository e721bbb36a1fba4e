import * as l10n from '@vscode/l10n';
import { Commands } from '../shared/commandIds';
import { AlertLevel } from '../shared/vocabulary';
import { formatBytes, formatDuration } from './format';
import { InstanceMetric, Metric, TargetProcess, ServiceState, Snapshot, SourceProblem, TargetState, upCount } from './model';
import { PrometheusVerdict, verdictSentence } from './scrape/promVerdict';
import { shared } from './i18n/sharedL10n';
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
  const k = keptTexts();
  const cpuText = cpu ? k.cpuItem.get(Math.round(cpu.value), cpuItemText) : `${FIG}${FIG}–%`;
  const rssText = rss ? k.rss.get(rss.value, formatBytes) : '–';
  const icon = stale ? '$(history)' : severity === 'none' ? '$(pulse)' : severity === 'error' ? '$(error)' : '$(warning)';
  const serviceText = service ? ` · ${upCount(service)}` : '';
  const text = `${icon} ${name} ${cpuText} · ${rssText}${serviceText}${stale ? ` ${k.staleMark.get(0, staleMarkText)}` : ''}`;

  const v = (metric: string) => store.latest(metric)?.value;
  const restartsText = input.restarts ? k.restarts.get(input.restarts, restartsTextOf) : '';
  const head = service
    ? [
        `**${tipName}** — ${md(service.where)}${service.source === 'local' && p.ports.length ? ` · ${l10n.t('port {0}', p.ports.join(', '))}` : ''}: ${upCount(service)}${restartsText}`,
        '',
        ...instanceTable(service, store),
        ...(service.source === 'local' ? ['', commandLineCode(p.commandLine)] : []),
      ]
    : [k.head.get4(tipName, p, v(Metric.processUptimeSeconds), restartsText, headLineText), '', commandLineCode(p.commandLine)];
  const lines = [
    ...head,
    '',
    '| | |',
    '|---|---|',
    cpu ? k.cpuRow.get2(cpu.value, service !== undefined, cpuRowText) : k.cpuRow.get2(undefined, false, cpuRowText),
    k.rssRow.get(rss ? rssText : '–', rssRowText),
    k.fdsRow.get2(v(Metric.processOpenFds), v(Metric.processMaxFds), fdsRowText),
    // A remote service: this machine's figures say nothing about it; Prometheus' problems are listed below.
    ...(service?.source === 'prometheus' ? [] : machineRows(k, input, v)),
    k.ageRow.get2(snapshot ? formatAge(lastTickAge) : undefined, stale, ageRowText),
    ...(input.forecast ? ['', `$(graph-line) ${md(input.forecast)}`] : []),
    ...alertLines(input.alerts),
    ...otherProblemLines(input.problems, service, input.configProblems),
    '',
    k.links.get(0, linksText),
  ];
  const aria = k.aria.get4(ariaName, cpu ? Math.round(cpu.value) : undefined, rss ? rssText : undefined, stale, ariaHead) + (input.alerts?.length ? k.ariaAlerts.get(input.alerts.length, ariaAlertsText) : '');
  return { text, tooltip: k.tooltip.join(lines), ariaLabel: aria, severity, state: stale ? 'stale' : 'live' };
}

/** The rows about this machine and the scrape (a local process or service). */
function machineRows(k: KeptTexts, input: StatusInput, v: (metric: string) => number | undefined): string[] {
  const { store } = input;
  const isScrape = (x: SourceProblem) => x.source === SCRAPE_SOURCE;
  const scrapeProblem = input.problems.find(isScrape);
  // Live values only: after scraping is turned off (metrics.url "" or a file: URL), the
  // last scrape's samples stay in the store, stale, and must not read as "ok".
  const scrapeUp = store.latestValue(Metric.scrapeUp);
  const scraped = store.latestValue(Metric.scrapeSamplesScraped);
  return [
    k.threads.get(v(Metric.processThreads), threadsRowText),
    k.sysCpu.get(v(Metric.systemCpuPercent), sysCpuRowText),
    k.machineMemory.get4(v(Metric.systemMemoryPercent), v(Metric.systemMemoryUsedBytes), v(Metric.systemMemoryTotalBytes), 0, machineMemoryRowText),
    k.disk.get(v(Metric.systemDiskPercent), diskRowText),
    k.network.get2(v(Metric.systemNetRxBytesPerSecond), v(Metric.systemNetTxBytesPerSecond), networkRowText),
    // The monitor read what it could; the verdict says when Prometheus would have refused the body.
    k.metrics.get4(scrapeProblem?.message, scrapeUp, scraped, input.snapshot?.prometheusVerdict, metricsRowText),
  ];
}

/** The problems other than the scrape's, and the settings' problems, after an empty line. */
function otherProblemLines(problems: readonly SourceProblem[], service: ServiceState | undefined, configProblems: readonly string[]): string[] {
  if (problems.length === 0 && configProblems.length === 0) return [];
  const other = problems.filter((x) => x.source !== SCRAPE_SOURCE && (x.source !== 'target' || service !== undefined)).map((x) => `- $(warning) ${md(x.message)}`);
  const configLines = configProblems.map((c) => `- $(warning) ${md(c)}`);
  return other.length || configLines.length ? ['', ...other, ...configLines] : [];
}

/*
 * The running view's texts, each made again only when what it shows changed (issue 20):
 * the view is rebuilt on every tick, and most of its rows say what they said the tick
 * before — a tick moves the CPU, the machine's CPU and network and the sample's age, and
 * seldom the rest. Each text is a function of its arguments and the display language
 * (l10n's bundle version), never of anything else, so a kept text is the one that
 * would be made. The functions are top-level, so a tick allocates no closures for them.
 */
const cpuItemText = (rounded: number): string => `${rounded.toString().padStart(3, FIG)}%`;
const staleMarkText = (): string => l10n.t('(stale)');
const restartsTextOf = (n: number): string => ` · ${n > 1 ? l10n.t('{0} restarts', n) : l10n.t('1 restart')}`;
const headLineText = (tipName: string, p: TargetProcess, uptime: number | undefined, restartsText: string): string =>
  `**${tipName}** — pid ${p.pid}${p.ports.length ? ` · ${PORT.fill(p.ports.join(', '))}` : ''}${uptime !== undefined ? ` · ${UP.fill(formatDuration(uptime * 1000))}` : ''}${restartsText}`;
const cpuRowText = (cpu: number | undefined, service: boolean): string =>
  `| CPU | ${cpu !== undefined ? (service ? CPU_ALL_INSTANCES.fill(cpu.toFixed(1)) : CPU_OF_ONE_CORE.fill(cpu.toFixed(1))) : '–'} |`;
const rssRowText = (rssText: string): string => `| ${l10n.t('Memory (RSS)')} | ${rssText} |`;
const fdsRowText = (fds: number | undefined, maxFds: number | undefined): string =>
  `| ${l10n.t('Open files')} | ${fds !== undefined ? (maxFds ? l10n.t('{0} of {1}', fds, maxFds) : String(fds)) : '–'} |`;
const threadsRowText = (threads: number | undefined): string => `| ${l10n.t('Threads')} | ${threads ?? '–'} |`;
const sysCpuRowText = (sysCpu: number | undefined): string => `| ${l10n.t('Machine CPU')} | ${sysCpu !== undefined ? `${sysCpu.toFixed(1)}%` : '–'} |`;
const machineMemoryRowText = (memPct: number | undefined, memUsed: number | undefined, memTotal: number | undefined): string =>
  `| ${l10n.t('Machine memory')} | ${memPct !== undefined ? `${memPct.toFixed(1)}%${memUsed !== undefined && memTotal !== undefined ? ` (${X_OF_Y.fill(formatBytes(memUsed), formatBytes(memTotal))})` : ''}` : '–'} |`;
const diskRowText = (disk: number | undefined): string => `| ${l10n.t('Disk')} | ${disk !== undefined ? l10n.t('{0}% used', disk.toFixed(1)) : '–'} |`;
const networkRowText = (rx: number | undefined, tx: number | undefined): string =>
  `| ${l10n.t('Network')} | ${rx !== undefined && tx !== undefined ? `↓ ${formatBytes(rx)}/s ↑ ${formatBytes(tx)}/s` : '–'} |`;
function metricsRowText(problem: string | undefined, scrapeUp: number | undefined, scraped: number | undefined, verdict: PrometheusVerdict | undefined): string {
  const off = l10n.t('off');
  const scrapeLine = problem !== undefined ? `$(warning) ${md(problem)}` : scrapeUp === undefined ? off : scraped !== undefined ? l10n.t('ok ({0} series)', scraped) : l10n.t('ok');
  const sentence = verdictSentence(verdict);
  return `| ${l10n.t('Metrics')} | ${sentence && scrapeLine !== off ? `${scrapeLine} · $(warning) ${inertMarkdownText(sentence)}` : scrapeLine} |`;
}
const ageRowText = (age: string | undefined, stale: boolean): string =>
  `| ${l10n.t('Last sample')} | ${age !== undefined ? `${age}${stale ? ` — **${l10n.t('stale')}**` : ''}` : l10n.t('none yet')} |`;
const linksText = (): string =>
  `[${l10n.t('Open Dashboard')}](command:${Commands.openDashboard}) · [${l10n.t('Show Report')}](command:${Commands.showReport}) · [${l10n.t('Select Process')}](command:${Commands.selectProcess})`;
const ariaHead = (ariaName: string, cpu: number | undefined, rssText: string | undefined, stale: boolean): string =>
  [
    ARIA_HEAD.fill(ariaName, cpu ?? l10n.t('unknown'), rssText ?? l10n.t('unknown')),
    ...(stale ? [l10n.t('stale data')] : []),
  ].join(l10n.t(', '));
const ariaAlertsText = (n: number): string => l10n.t(', ') + (n > 1 ? l10n.t('{0} active alerts', n) : l10n.t('1 active alert'));

/**
 * A sentence that a tick fills with new values: translated once per display language with
 * markers for its {0}…{2}, then filled by joining its pieces — what l10n.t returns for the
 * same values (each value as a string, where its placeholder stands in the translation),
 * without l10n's regular expression and argument handling on every tick, the largest part
 * of a warm view (issue 20). The message stays inside l10n.t, where the bundle tools find it.
 */
class Sentence {
  private language = -1;
  /** The translation's text between placeholders (one more than `slots`). */
  private pieces: string[] = [];
  /** Which argument each placeholder takes, in the translation's order. */
  private slots: number[] = [];

  constructor(private readonly translate: (a: string, b: string, c: string) => string) {}

  fill(a: string | number, b: string | number = '', c: string | number = ''): string {
    const language = languageVersion();
    if (language !== this.language) {
      this.split(this.translate(`${MARK}0`, `${MARK}1`, `${MARK}2`));
      this.language = language;
    }
    const { pieces, slots } = this;
    let out = pieces[0]!;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      out += String(slot === 0 ? a : slot === 1 ? b : c) + pieces[i + 1]!;
    }
    return out;
  }

  private split(marked: string): void {
    this.pieces = [];
    this.slots = [];
    let from = 0;
    for (let at = marked.indexOf(MARK); at >= 0; at = marked.indexOf(MARK, at + 2)) {
      this.pieces.push(marked.slice(from, at));
      this.slots.push(marked.charCodeAt(at + 1) - 48);
      from = at + 2;
    }
    this.pieces.push(marked.slice(from));
  }
}

/** A private-use character that no translation holds, and the argument's digit after it. */
const MARK = '\uE000';

const PORT = new Sentence((a) => l10n.t('port {0}', a));
const UP = new Sentence((a) => l10n.t('up {0}', a));
const CPU_ALL_INSTANCES = new Sentence((a) => l10n.t('{0}% of one core (all instances)', a));
const CPU_OF_ONE_CORE = new Sentence((a) => l10n.t('{0}% of one core', a));
const X_OF_Y = new Sentence((a, b) => l10n.t('{0} of {1}', a, b));
const ARIA_HEAD = new Sentence((a, b, c) => l10n.t('{0}: CPU {1} percent, memory {2}', a, b, c));
const SECONDS_AGO = new Sentence((a) => l10n.t('{0} s ago', a));

/** One text and the arguments it was made from; made again when one differs (Object.is) or the language changed. */
class Kept<A = unknown, B = unknown, C = unknown, D = unknown> {
  private a: unknown = UNSET;
  private b: unknown = UNSET;
  private c: unknown = UNSET;
  private d: unknown = UNSET;
  private text = '';

  constructor(private readonly version: () => number) {}

  private language = -1;

  get(a: A, make: (a: A) => string): string {
    return this.get4(a, undefined as B, undefined as C, undefined as D, make as (a: A, b: B, c: C, d: D) => string);
  }

  get2(a: A, b: B, make: (a: A, b: B) => string): string {
    return this.get4(a, b, undefined as C, undefined as D, make as (a: A, b: B, c: C, d: D) => string);
  }

  get4(a: A, b: B, c: C, d: D, make: (a: A, b: B, c: C, d: D) => string): string {
    const language = this.version();
    if (language !== this.language || !Object.is(a, this.a) || !Object.is(b, this.b) || !Object.is(c, this.c) || !Object.is(d, this.d)) {
      this.language = language;
      this.a = a;
      this.b = b;
      this.c = c;
      this.d = d;
      this.text = make(a, b, c, d);
    }
    return this.text;
  }
}

const UNSET = Symbol('unset');

/** The tooltip joined from its lines: the last one again when every line is the very same string. */
class KeptJoin {
  private lines: readonly string[] = [];
  private text = '';

  join(lines: readonly string[]): string {
    const last = this.lines;
    let same = last.length === lines.length;
    for (let i = 0; same && i < lines.length; i++) same = lines[i] === last[i];
    if (!same) {
      this.lines = lines;
      this.text = lines.join('\n');
    }
    return this.text;
  }
}

interface KeptTexts {
  readonly cpuItem: Kept<number>;
  readonly rss: Kept<number>;
  readonly staleMark: Kept<number>;
  readonly restarts: Kept<number>;
  readonly head: Kept<string, TargetProcess, number | undefined, string>;
  readonly cpuRow: Kept<number | undefined, boolean>;
  readonly rssRow: Kept<string>;
  readonly fdsRow: Kept<number | undefined, number | undefined>;
  readonly threads: Kept<number | undefined>;
  readonly sysCpu: Kept<number | undefined>;
  readonly machineMemory: Kept<number | undefined, number | undefined, number | undefined, number>;
  readonly disk: Kept<number | undefined>;
  readonly network: Kept<number | undefined, number | undefined>;
  readonly metrics: Kept<string | undefined, number | undefined, number | undefined, PrometheusVerdict | undefined>;
  readonly ageRow: Kept<string | undefined, boolean>;
  readonly links: Kept<number>;
  readonly aria: Kept<string, number | undefined, string | undefined, boolean>;
  readonly ariaAlerts: Kept<number>;
  readonly tooltip: KeptJoin;
}

let kept: KeptTexts | undefined;

/** The display language's version: a kept text made in another language is made again. */
const languageVersion = (): number => shared().version;

function keptTexts(): KeptTexts {
  if (kept === undefined) {
    const k = <A, B = unknown, C = unknown, D = unknown>(): Kept<A, B, C, D> => new Kept<A, B, C, D>(languageVersion);
    kept = {
      cpuItem: k(),
      rss: k(),
      staleMark: k(),
      restarts: k(),
      head: k(),
      cpuRow: k(),
      rssRow: k(),
      fdsRow: k(),
      threads: k(),
      sysCpu: k(),
      machineMemory: k(),
      disk: k(),
      network: k(),
      metrics: k(),
      ageRow: k(),
      links: k(),
      aria: k(),
      ariaAlerts: k(),
      tooltip: new KeptJoin(),
    };
  }
  return kept;
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
  return ms < 1000 ? l10n.t('just now') : SECONDS_AGO.fill((ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
}
