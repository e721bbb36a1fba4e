import * as l10n from '@vscode/l10n';
import { TargetSpec } from './model';
import { PromTargetConfig } from './prometheus/promQueries';
import { validateMetricsUrl } from './scrape/metricsUrl';
import { RawSettings, SETTINGS, SettingNamer, SettingProblem, settingId, Settings, validateSettings } from './settings/settings';

/**
 * The collection part of the settings as the monitor uses it: target, interval,
 * scrape, history. Values, defaults, ranges and sentences come from the one
 * declaration table in ./settings/settings.ts; this only turns them into the
 * shape the collector wants and checks the metrics URL (which needs trust).
 */

/** Limits that are not settings, and defaults read from the declarations. */
export const Defaults = {
  sampleIntervalMs: SETTINGS.sampleIntervalMs.default,
  minSampleIntervalMs: SETTINGS.sampleIntervalMs.minimum,
  maxSampleIntervalMs: SETTINGS.sampleIntervalMs.maximum,
  historyMinutes: SETTINGS['history.minutes'].default,
  maxHistoryMinutes: SETTINGS['history.minutes'].maximum,
  metricsMaxSeries: SETTINGS['metrics.maxSeries'].default,
  /** Room in the store above `metrics.maxSeries` for the process, system and derived series. */
  storeSeriesHeadroom: 1000,
  /**
   * A series (or the last tick) older than this many sample intervals is stale: one
   * late tick is jitter, two and a half are a gap (status bar, chart gaps).
   */
  staleIntervals: 2.5,
  /** The live analysis (status bar forecast, dashboard issues, markers and health) looks at this much history. */
  liveAnalysisWindowMs: 15 * 60_000,
  /**
   * The live analysis is recomputed every this many ticks (between, every consumer
   * reads the same result): 15 minutes re-analysed on every tick is what an open
   * dashboard must not cost.
   */
  liveAnalysisEveryTicks: 15,
} as const;

/** The age after which a tick or a series counts as stale, for a sample interval. */
export function staleAfterMs(intervalMs: number): number {
  return intervalMs * Defaults.staleIntervals;
}

export type { RawSettings };

export interface MonitorConfig {
  readonly target: TargetSpec;
  readonly sampleIntervalMs: number;
  /**
   * The server's Prometheus endpoint: a URL; `undefined` to derive it from the
   * watched process' port (http://127.0.0.1:PORT/metrics); `''` to disable scraping.
   */
  readonly metricsUrl: string | undefined;
  readonly metricsMaxSeries: number;
  readonly historyMinutes: number;
  /** The store's memory budget for sample storage, bytes (chatroomMonitor.history.memoryBudgetMb). */
  readonly historyBudgetBytes: number;
  /** A memory limit to forecast RSS against; the machine's memory when unset. */
  readonly memoryLimitBytes: number | undefined;
  /** False in an untrusted workspace: the scraper may only reach this machine. */
  readonly allowRemoteMetrics: boolean;
  /** Set when the service is read from a Prometheus instead of this machine's processes. */
  readonly prometheus?: PromTargetConfig;
}

export type ConfigProblem = SettingProblem;

export interface ParsedConfig {
  readonly config: MonitorConfig;
  /** Every setting's validated value (all parts, not only collection). */
  readonly settings: Settings;
  readonly problems: readonly ConfigProblem[];
}

export interface ParseOptions {
  /** False in an untrusted workspace: the scraper may only reach this machine. */
  readonly allowRemoteMetrics: boolean;
  /** How settings are named in sentences (the CLI names its flags). */
  readonly nameOf?: SettingNamer;
}

export function parseConfig(raw: RawSettings, opts: ParseOptions = { allowRemoteMetrics: true }): ParsedConfig {
  const nameOf = opts.nameOf ?? settingId;
  const { settings: s, problems } = validateSettings(raw, nameOf);
  const target: { pid?: number; port?: number; commandPattern?: string; name?: string; processTree?: boolean; ports?: number[]; everyMatch?: boolean } = {};
  if (s['target.pid'] !== null) {
    target.pid = s['target.pid'];
  }
  if (s['target.port'] !== null) {
    target.port = s['target.port'];
  }
  if (s['target.commandPattern']) {
    target.commandPattern = s['target.commandPattern'];
  }
  if (s['target.name']) {
    target.name = s['target.name'];
  }
  if (s['target.ports'].length > 0) {
    target.ports = s['target.ports'] as number[];
  }
  if (s['target.everyMatch']) {
    target.everyMatch = true;
  }
  if (s['target.processTree']) {
    target.processTree = true;
  }

  let metricsUrl: string | undefined;
  const url = s['metrics.url'];
  if (url === '') {
    metricsUrl = '';
  } else if (url !== null) {
    const checked = validateMetricsUrl(url, { allowRemote: opts.allowRemoteMetrics, setting: nameOf('metrics.url') });
    if (checked.ok) {
      metricsUrl = checked.url.toString();
    } else {
      problems.push({ key: 'metrics.url', setting: nameOf('metrics.url'), message: checked.message });
      metricsUrl = ''; // a bad URL disables scraping rather than guessing another one
    }
  }

  const prometheus = prometheusConfig(s, problems, opts.allowRemoteMetrics, nameOf);

  const limit = s['analysis.memoryLimitMb'];
  const config: MonitorConfig = {
    target,
    sampleIntervalMs: s.sampleIntervalMs,
    metricsUrl,
    metricsMaxSeries: s['metrics.maxSeries'],
    historyMinutes: s['history.minutes'],
    historyBudgetBytes: s['history.memoryBudgetMb'] * 1024 * 1024,
    memoryLimitBytes: limit === null ? undefined : Math.round(limit * 1024 * 1024),
    allowRemoteMetrics: opts.allowRemoteMetrics,
    ...(prometheus ? { prometheus } : {}),
  };
  return { config, settings: s, problems };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A label matcher object as the user writes it in settings.json. */
const LABELS_EXAMPLE = '{ "env": "staging" }';

/**
 * The Prometheus source's settings, checked: a base URL (loopback only when remote is
 * not allowed) and a job; without both there is no Prometheus source. Label matchers
 * with a bad name or a value that is not text are left out with a sentence.
 */
function prometheusConfig(s: Settings, problems: SettingProblem[], allowRemote: boolean, nameOf: SettingNamer): PromTargetConfig | undefined {
  const raw = s['prometheus.url'];
  if (raw === null || raw === '') {
    return undefined;
  }
  const checked = validateMetricsUrl(raw, { allowRemote, setting: nameOf('prometheus.url'), example: 'http://127.0.0.1:9090', what: l10n.t("Prometheus' base address") });
  if (!checked.ok) {
    problems.push({ key: 'prometheus.url', setting: nameOf('prometheus.url'), message: checked.message });
    return undefined;
  }
  const job = s['prometheus.job'].trim();
  if (!job) {
    problems.push({ key: 'prometheus.job', setting: nameOf('prometheus.job'), message: l10n.t('{0} is empty: say which job of the Prometheus at {1} is the chat server (the job_name of its scrape config), like "chat".', nameOf('prometheus.job'), checked.url.origin) });
    return undefined;
  }
  const labels: Record<string, string> = {};
  const rawLabels = s['prometheus.labels'];
  if (rawLabels !== null && typeof rawLabels === 'object' && !Array.isArray(rawLabels)) {
    for (const [k, v] of Object.entries(rawLabels as Record<string, unknown>)) {
      if (!LABEL_NAME.test(k) || k === 'job' || typeof v !== 'string') {
        problems.push({ key: 'prometheus.labels', setting: nameOf('prometheus.labels'), message: l10n.t('{0}: {1} is left out: a label matcher needs a label name (letters, digits, _; not "job") and a text value, like {2}.', nameOf('prometheus.labels'), JSON.stringify(k), LABELS_EXAMPLE) });
        continue;
      }
      labels[k] = v;
    }
  } else {
    problems.push({ key: 'prometheus.labels', setting: nameOf('prometheus.labels'), message: l10n.t('{0} must be an object of label matchers, like {1}; no extra matcher is used.', nameOf('prometheus.labels'), LABELS_EXAMPLE) });
  }
  return {
    url: checked.url.href,
    job,
    instance: s['prometheus.instance'],
    labels,
    cpuQuery: s['prometheus.cpuQuery'].trim(),
    memoryQuery: s['prometheus.memoryQuery'].trim(),
    rateWindow: s['prometheus.rateWindow'].trim(),
  };
}

/** The metrics URL to scrape for a target: the setting, or derived from the listening port. */
export function effectiveMetricsUrl(config: MonitorConfig, ports: readonly number[]): string | undefined {
  if (config.metricsUrl !== undefined) {
    return config.metricsUrl === '' ? undefined : config.metricsUrl;
  }
  const port = config.target.port ?? ports[0];
  return port ? `http://127.0.0.1:${port}/metrics` : undefined;
}

/** Two configs collect the same way (a settings change elsewhere must not restart collection). */
export function sameMonitorConfig(a: MonitorConfig, b: MonitorConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
