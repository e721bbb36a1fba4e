import { TargetSpec } from './model';
import { validateMetricsUrl } from './scrape/metricsUrl';

/**
 * Settings are read in one place and validated into a typed config with
 * defaults; every bad field gets one sentence naming the setting and the fix,
 * and falls back to its default so everything else keeps working.
 */

export const Defaults = {
  sampleIntervalMs: 1000,
  minSampleIntervalMs: 250,
  maxSampleIntervalMs: 60_000,
  historyMinutes: 60,
  maxHistoryMinutes: 24 * 60,
  metricsMaxSeries: 10_000,
  metricsMaxBodyBytes: 10 * 1024 * 1024,
} as const;

/** The raw values as a settings provider hands them over (VS Code, the CLI, a test). */
export interface RawSettings {
  readonly 'target.pid'?: unknown;
  readonly 'target.port'?: unknown;
  readonly 'target.commandPattern'?: unknown;
  readonly 'target.name'?: unknown;
  readonly sampleIntervalMs?: unknown;
  readonly 'metrics.url'?: unknown;
  readonly 'metrics.maxSeries'?: unknown;
  readonly 'history.minutes'?: unknown;
  readonly 'analysis.memoryLimitMb'?: unknown;
}

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
  /** A memory limit to forecast RSS against; the machine's memory when unset. */
  readonly memoryLimitBytes: number | undefined;
  /** False in an untrusted workspace: the scraper may only reach this machine. */
  readonly allowRemoteMetrics: boolean;
}

export interface ConfigProblem {
  readonly setting: string;
  readonly message: string;
}

export interface ParsedConfig {
  readonly config: MonitorConfig;
  readonly problems: readonly ConfigProblem[];
}

export interface ParseOptions {
  /** False in an untrusted workspace: the scraper may only reach this machine. */
  readonly allowRemoteMetrics: boolean;
}

const P = 'chatroomMonitor.';

export function parseConfig(raw: RawSettings, opts: ParseOptions = { allowRemoteMetrics: true }): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const bad = (key: string, message: string) => problems.push({ setting: P + key, message: `${P + key}: ${message}` });

  const target: { pid?: number; port?: number; commandPattern?: string; name?: string } = {};
  const pid = raw['target.pid'];
  if (isSet(pid)) {
    if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0) {
      target.pid = pid;
    } else {
      bad('target.pid', `${show(pid)} is not a process id; use a positive whole number, or clear it.`);
    }
  }
  const port = raw['target.port'];
  if (isSet(port)) {
    if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) {
      target.port = port;
    } else {
      bad('target.port', `port ${show(port)} is out of range; use a TCP port from 1 to 65535, or clear it.`);
    }
  }
  const pattern = raw['target.commandPattern'];
  if (isSet(pattern)) {
    if (typeof pattern !== 'string') {
      bad('target.commandPattern', `${show(pattern)} is not text; use a regular expression such as "node .*server\\.js".`);
    } else {
      try {
        new RegExp(pattern);
        target.commandPattern = pattern;
      } catch (err) {
        bad('target.commandPattern', `${show(pattern)} is not a valid regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, '')}); fix it, e.g. "node .*server\\.js".`);
      }
    }
  }
  const name = raw['target.name'];
  if (isSet(name)) {
    if (typeof name === 'string') {
      target.name = name.trim().slice(0, 40);
    } else {
      bad('target.name', `${show(name)} is not text; use a short name such as "chat".`);
    }
  }

  const sampleIntervalMs = intSetting(raw.sampleIntervalMs, 'sampleIntervalMs', Defaults.sampleIntervalMs, Defaults.minSampleIntervalMs, Defaults.maxSampleIntervalMs, 'ms', bad);
  const historyMinutes = intSetting(raw['history.minutes'], 'history.minutes', Defaults.historyMinutes, 1, Defaults.maxHistoryMinutes, 'minutes', bad);
  const metricsMaxSeries = intSetting(raw['metrics.maxSeries'], 'metrics.maxSeries', Defaults.metricsMaxSeries, 10, 100_000, 'series', bad);

  let metricsUrl: string | undefined;
  const url = raw['metrics.url'];
  if (url === '') {
    metricsUrl = '';
  } else if (isSet(url)) {
    const checked = validateMetricsUrl(url, { allowRemote: opts.allowRemoteMetrics });
    if (checked.ok) {
      metricsUrl = checked.url.toString();
    } else {
      problems.push({ setting: P + 'metrics.url', message: checked.message });
      metricsUrl = ''; // a bad URL disables scraping rather than guessing another one
    }
  }

  let memoryLimitBytes: number | undefined;
  const limit = raw['analysis.memoryLimitMb'];
  if (isSet(limit)) {
    if (typeof limit === 'number' && Number.isFinite(limit) && limit > 0) {
      memoryLimitBytes = Math.round(limit * 1024 * 1024);
    } else {
      bad('analysis.memoryLimitMb', `${show(limit)} is not a memory size; use a number of MiB such as 512, or clear it to forecast against the machine's memory.`);
    }
  }

  return { config: { target, sampleIntervalMs, metricsUrl, metricsMaxSeries, historyMinutes, memoryLimitBytes, allowRemoteMetrics: opts.allowRemoteMetrics }, problems };
}

/** The metrics URL to scrape for a target: the setting, or derived from the listening port. */
export function effectiveMetricsUrl(config: MonitorConfig, ports: readonly number[]): string | undefined {
  if (config.metricsUrl !== undefined) {
    return config.metricsUrl === '' ? undefined : config.metricsUrl;
  }
  const port = config.target.port ?? ports[0];
  return port ? `http://127.0.0.1:${port}/metrics` : undefined;
}

function intSetting(
  v: unknown,
  key: string,
  def: number,
  min: number,
  max: number,
  unit: string,
  bad: (key: string, message: string) => void,
): number {
  if (!isSet(v)) {
    return def;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    bad(key, `${show(v)} is not a number; using ${def} ${unit}.`);
    return def;
  }
  if (v < min || v > max) {
    const clamped = Math.min(max, Math.max(min, Math.round(v)));
    bad(key, `${v} ${unit} is outside ${min}–${max}; using ${clamped} ${unit}.`);
    return clamped;
  }
  return Math.round(v);
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== 0;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? String(v);
}
