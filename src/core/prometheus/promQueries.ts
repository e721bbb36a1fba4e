/**
 * The PromQL the Prometheus source asks, built once from the service's selector. The
 * defaults read the series every Prometheus client library exposes (`process_*`) and
 * the chat metrics of the example servers; CPU and memory can be overridden, with
 * `$selector` (the matchers, without braces) and `$window` (the rate window) filled in.
 */
import { InstanceMetric, Metric } from '../model';

export { InstanceMetric, ServiceMetric } from '../model';

/** Where the service's series are in Prometheus, and how to read them (validated settings or CLI flags). */
export interface PromTargetConfig {
  /** The query API's base URL (checked: http(s), loopback only in an untrusted workspace). */
  readonly url: string;
  /** The `job` label of the service's targets. */
  readonly job: string;
  /** A regular expression the `instance` label must match ('' = every instance of the job). */
  readonly instance: string;
  /** More label matchers: `{ "env": "staging" }`; a value starting with `=~`, `!=` or `!~` picks that matcher. */
  readonly labels: Readonly<Record<string, string>>;
  /** PromQL for CPU in % of one core per instance ('' = the default from process_cpu_seconds_total). */
  readonly cpuQuery: string;
  /** PromQL for resident memory in bytes per instance ('' = process_resident_memory_bytes). */
  readonly memoryQuery: string;
  /** The range of rate() (`1m`): at least four scrape intervals of that Prometheus. */
  readonly rateWindow: string;
}

/** A query whose result is one value per instance (summed for the service) or one value for the service. */
export interface ServiceQuery {
  /** The series the service total is stored as (unlabelled). */
  readonly metric: string;
  /** The per-instance series, when the query answers per instance. */
  readonly perInstance?: string;
  readonly expr: string;
  /** The setting that holds the query, when the user can change it. */
  readonly setting?: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `job="chat",instance=~"a|b",env="x"`: the matchers of the service, without braces. */
export function selectorMatchers(t: Pick<PromTargetConfig, 'job' | 'instance' | 'labels'>): string {
  const parts = [`job=${promString(t.job)}`];
  if (t.instance) {
    parts.push(`instance=~${promString(t.instance)}`);
  }
  for (const [name, raw] of Object.entries(t.labels)) {
    if (!LABEL_NAME.test(name) || name === 'job') {
      continue; // checked (with a sentence) where the settings are read
    }
    const m = /^(=~|!=|!~|=)/.exec(raw);
    const op = m ? m[1]! : '=';
    parts.push(`${name}${op}${promString(m ? raw.slice(op.length) : raw)}`);
  }
  return parts.join(',');
}

/** A PromQL string literal (double quotes, backslash escapes). */
export function promString(s: string): string {
  return JSON.stringify(s);
}

function fill(template: string, matchers: string, window: string): string {
  return template.replace(/\$selector\b/g, matchers).replace(/\$window\b/g, window);
}

/** The `up` query: which instances Prometheus scrapes, and whether the last scrape worked. */
export function upQuery(t: PromTargetConfig): string {
  return `up{${selectorMatchers(t)}}`;
}

/** Every query of one tick besides `up`. */
export function serviceQueries(t: PromTargetConfig, settingOf: (key: 'cpuQuery' | 'memoryQuery') => string): ServiceQuery[] {
  const sel = selectorMatchers(t);
  const w = t.rateWindow;
  const cpu = t.cpuQuery ? fill(t.cpuQuery, sel, w) : `sum by (instance) (rate(process_cpu_seconds_total{${sel}}[${w}])) * 100`;
  const mem = t.memoryQuery ? fill(t.memoryQuery, sel, w) : `sum by (instance) (process_resident_memory_bytes{${sel}})`;
  return [
    { metric: Metric.processCpuPercent, perInstance: InstanceMetric.cpuPercent, expr: cpu, ...(t.cpuQuery ? { setting: settingOf('cpuQuery') } : {}) },
    { metric: Metric.processRssBytes, perInstance: InstanceMetric.rssBytes, expr: mem, ...(t.memoryQuery ? { setting: settingOf('memoryQuery') } : {}) },
    { metric: Metric.processOpenFds, expr: `sum(process_open_fds{${sel}})` },
    { metric: Metric.processMaxFds, expr: `min(process_max_fds{${sel}})` },
    // The chat metrics, named as the local scrape derives them (counters as per-second rates, histograms as p95).
    { metric: 'chat_active_users', expr: `sum(chat_active_users{${sel}})` },
    { metric: 'chat_rooms', expr: `sum(chat_rooms{${sel}})` },
    { metric: 'chat_messages_per_second', expr: `sum(rate(chat_messages_total{${sel}}[${w}]))` },
    { metric: 'chat_errors_per_second', expr: `sum(rate(chat_errors_total{${sel}}[${w}]))` },
    { metric: 'chat_connections_per_second', expr: `sum(rate(chat_connections_total{${sel}}[${w}]))` },
    { metric: 'chat_message_latency_seconds_p95', expr: `histogram_quantile(0.95, sum by (le) (rate(chat_message_latency_seconds_bucket{${sel}}[${w}])))` },
    { metric: 'nodejs_eventloop_lag_seconds', expr: `max(nodejs_eventloop_lag_seconds{${sel}})` },
  ];
}

/**
 * The step of a range query for a window: about 600 points, never below 1 s, rounded
 * to a whole second (Prometheus refuses more than 11 000 points a series).
 */
export function rangeStepMs(windowMs: number, minStepMs = 1000): number {
  const raw = Math.max(minStepMs, windowMs / 600);
  return Math.ceil(raw / 1000) * 1000;
}
