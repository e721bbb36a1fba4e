import * as l10n from '@vscode/l10n';
import type { PrometheusVerdict } from './scrape/promVerdict';
import type { Exemplar } from './scrape/exemplars';
/**
 * The data model: Prometheus' — a series is a metric name plus a label set, a
 * sample is (series, timestamp ms, number). Names carry their unit.
 */

export type Labels = Readonly<Record<string, string>>;

export const NO_LABELS: Labels = Object.freeze({});

/**
 * What the exposition declared about a series' family: its `# TYPE` (counter, gauge,
 * untyped…) and `# UNIT` ('' when none). One shared object per distinct pair, so a
 * store can tell a change by reference.
 */
export interface SeriesMeta {
  readonly type: string;
  readonly unit: string;
}

const metaInterned = new Map<string, SeriesMeta>();
/** Distinct TYPE/UNIT pairs shared at most (UNIT is server text); beyond, fresh objects. */
const MAX_INTERNED_META = 256;

/** The shared SeriesMeta of a TYPE/UNIT pair. */
export function seriesMeta(type: string, unit: string): SeriesMeta {
  const k = type + '\u0000' + unit;
  let m = metaInterned.get(k);
  if (!m) {
    m = Object.freeze({ type, unit });
    if (metaInterned.size < MAX_INTERNED_META) metaInterned.set(k, m);
  }
  return m;
}

/** One value of one series, as a source produces it in a tick. */
export interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  /** Declared metadata, when the source had any (scraped series); names decide otherwise. */
  readonly meta?: SeriesMeta;
}

/**
 * The canonical key of a series: `name` or `name{a="x",b="y"}` with labels sorted
 * and values escaped as in the exposition format, so equal series get equal keys.
 */
export function seriesKey(name: string, labels: Labels = NO_LABELS): string {
  const names = Object.keys(labels);
  if (names.length === 0) {
    return name;
  }
  names.sort();
  // Joined, not concatenated: one flat string, where `+=` leaves a tree of pieces that
  // a key kept for the series' life (cachedSeriesKey) would hold on to.
  const parts: string[] = [name, '{'];
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (i > 0) {
      parts.push(',');
    }
    parts.push(k, '="', escapeLabelValue(labels[k]!), '"');
  }
  parts.push('}');
  return parts.join('');
}

/** A key cachedSeriesKey made, and the one made for another name with the same labels object. */
interface CachedKey {
  readonly name: string;
  readonly key: string;
  readonly next: CachedKey | undefined;
}

const keysByLabels = new WeakMap<Labels, CachedKey>();

/**
 * seriesKey, remembered per labels object: where the same labels object comes back
 * tick after tick (the scraper's series cache hands them on), the key is built once,
 * not once per sample per tick. Weak, so a labels object no one holds takes its keys
 * with it. For labels built fresh on every call, plain seriesKey is cheaper.
 *
 * These keys live as long as their series (10,000 at the series limit), so each costs
 * as little as it can (issue 11): a short list per labels object (one name for most,
 * a few for a histogram's group), not a Map each, and a flat string (seriesKey joins).
 */
export function cachedSeriesKey(name: string, labels: Labels): string {
  const first = keysByLabels.get(labels);
  for (let e = first; e !== undefined; e = e.next) {
    if (e.name === name) return e.key;
  }
  if (first === undefined && isEmpty(labels)) {
    return name; // `{}` built fresh per sample: nothing to remember
  }
  const key = seriesKey(name, labels);
  keysByLabels.set(labels, { name, key, next: first });
  return key;
}

function isEmpty(labels: Labels): boolean {
  for (const _ in labels) {
    return false;
  }
  return true;
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Unlabelled samples from (name, value) pairs, leaving out values that are unknown or not finite. */
export function finiteSamples(pairs: readonly (readonly [string, number | undefined])[]): Sample[] {
  const out: Sample[] = [];
  for (const [name, value] of pairs) {
    if (value !== undefined && Number.isFinite(value)) {
      out.push({ name, labels: NO_LABELS, value });
    }
  }
  return out;
}

/** Names of the series the monitor measures itself (not scraped). Units in names. */
export const Metric = {
  processCpuPercent: 'process_cpu_usage_percent',
  processRssBytes: 'process_resident_memory_bytes',
  processOpenFds: 'process_open_fds',
  processMaxFds: 'process_max_fds',
  processThreads: 'process_threads',
  processUptimeSeconds: 'process_uptime_seconds',
  /** 1 while the watched process is found and alive, 0 otherwise. */
  targetUp: 'target_up',
  /** Count of restarts (a new PID for the same target) since monitoring began. */
  targetRestarts: 'target_restarts_total',
  systemCpuPercent: 'system_cpu_usage_percent',
  systemMemoryUsedBytes: 'system_memory_used_bytes',
  systemMemoryTotalBytes: 'system_memory_total_bytes',
  systemMemoryPercent: 'system_memory_usage_percent',
  systemDiskUsedBytes: 'system_disk_used_bytes',
  systemDiskTotalBytes: 'system_disk_total_bytes',
  systemDiskPercent: 'system_disk_usage_percent',
  systemNetRxBytesPerSecond: 'system_network_receive_bytes_per_second',
  systemNetTxBytesPerSecond: 'system_network_transmit_bytes_per_second',
  /** 1 when the last scrape of the server's /metrics succeeded. */
  scrapeUp: 'scrape_up',
  scrapeDurationSeconds: 'scrape_duration_seconds',
  /** Samples the last scrape read from the server's body (Prometheus' name for it). */
  scrapeSamplesScraped: 'scrape_samples_scraped',
  /** Samples of the last scrape left out because the body exceeded chatroomMonitor.metrics.maxSeries. */
  scrapeSamplesDropped: 'scrape_samples_dropped',
  /** Series the store refused in the tick (its series limit was reached); written once it first happens. */
  storeSeriesRefused: 'store_series_refused',
  /** Log events per second read from the server's logs, by `level` (and `unknown`). */
  logLinesPerSecond: 'log_lines_per_second',
  /** Error events per second in the server's logs (level error/fatal or carrying an error). */
  logErrorsPerSecond: 'log_errors_per_second',
  /** Series whose oldest samples the store's memory budget dropped early; written once it first happens. */
  storeHistoryCappedSeries: 'store_history_capped_series',
} as const;

/** Per-instance series: the same names as the local ones, under a `service_instance_` prefix, with an `instance` label. */
export const InstanceMetric = {
  up: 'service_instance_up',
  cpuPercent: 'service_instance_cpu_usage_percent',
  rssBytes: 'service_instance_resident_memory_bytes',
} as const;

/**
 * RED series made from OpenTelemetry spans, per entry operation (labels `service`,
 * `operation`); written by the TraceWatcher (lazy bundle dist/traces.js), read by the
 * built-in rules — so the names live here, not in that bundle.
 */
export const TraceMetric = {
  requestsPerSecond: 'trace_requests_per_second',
  errorsPerSecond: 'trace_errors_per_second',
  durationP50: 'trace_duration_seconds_p50',
  durationP95: 'trace_duration_seconds_p95',
  durationP99: 'trace_duration_seconds_p99',
} as const;

/** Whole-service counts (unlabelled). */
export const ServiceMetric = {
  instancesUp: 'service_instances_up',
  instances: 'service_instances',
} as const;

const SERVICE_NAMES: ReadonlySet<string> = new Set([...Object.values(InstanceMetric), ...Object.values(ServiceMetric)]);

/** True for the per-instance and whole-service series of a service of many instances. */
export function isServiceMetric(name: string): boolean {
  return SERVICE_NAMES.has(name);
}

export type OwnMetricName = (typeof Metric)[keyof typeof Metric];

const OWN_NAMES: ReadonlySet<string> = new Set(Object.values(Metric));

/** True for series the monitor measures itself; a scraped series of the same name is dropped. */
export function isOwnMetric(name: string): boolean {
  return OWN_NAMES.has(name);
}

/** How the user asked us to find the process to watch (from settings or the CLI). */
export interface TargetSpec {
  readonly pid?: number;
  readonly port?: number;
  /** A regular expression source matched against the full command line. */
  readonly commandPattern?: string;
  /** Shown in the UI; defaults to the process' executable name. */
  readonly name?: string;
  /** Watch the process and every process it started (cluster workers) as one service. */
  readonly processTree?: boolean;
  /** Watch every process listening on one of these TCP ports as one service (an instance a port). */
  readonly ports?: readonly number[];
  /** With `commandPattern`: watch every matching process as one service, not the best match. */
  readonly everyMatch?: boolean;
}

/** The process we found, and why we chose it. */
export interface TargetProcess {
  readonly pid: number;
  /** Full command line, arguments joined by spaces. */
  readonly commandLine: string;
  /** Executable base name (`node`, `python3`). */
  readonly executable: string;
  /** TCP ports the process listens on (may be empty where unknown). */
  readonly ports: readonly number[];
  /** Process start time, ms since epoch (used to tell a PID reuse from the same process). */
  readonly startTimeMs: number;
  /** A sentence: "pid 1234 listens on port 8080 (chatroomMonitor.target.port)". */
  readonly reason: string;
}

/** One instance of a service watched as a whole (a Prometheus target, a worker process). */
export interface InstanceState {
  /** Prometheus' `instance` label (`host:port`), or `pid 1234` for a local process. */
  readonly instance: string;
  readonly up: boolean;
  /** Why it is down, in a sentence (Prometheus' last scrape error), when known. */
  readonly detail?: string;
  /** A local instance's process id. */
  readonly pid?: number;
}

/** Many instances watched as one service: where they were read from and how each one is. */
export interface ServiceState {
  readonly source: 'prometheus' | 'local';
  /** For people: "job "chat" in Prometheus at http://127.0.0.1:9090". */
  readonly where: string;
  readonly instances: readonly InstanceState[];
  /** False when the source could not be read this tick (the figures are then the last known, stale). */
  readonly reachable: boolean;
}

export type TargetState =
  | { readonly kind: 'unconfigured'; readonly message: string }
  | { readonly kind: 'running'; readonly process: TargetProcess; readonly service?: ServiceState }
  | { readonly kind: 'notRunning'; readonly message: string; readonly lastPid?: number; readonly service?: ServiceState };

/** "2/3 up" for a service. */
export function upCount(service: ServiceState): string {
  return l10n.t('{0}/{1} up', service.instances.filter((i) => i.up).length, service.instances.length);
}

/** The samples that say which instances are up (the instance-down rule reads them), for either source. */
export function serviceUpSamples(instances: readonly InstanceState[]): Sample[] {
  return [
    { name: ServiceMetric.instancesUp, labels: {}, value: instances.filter((i) => i.up).length },
    { name: ServiceMetric.instances, labels: {}, value: instances.length },
    ...instances.map((i) => ({ name: InstanceMetric.up, labels: { instance: i.instance }, value: i.up ? 1 : 0 })),
  ];
}

/** A source that failed this tick, in a sentence that says what is wrong and how to fix it. */
export interface SourceProblem {
  readonly source: string;
  /** The setting the user can change to fix it, when there is one. */
  readonly setting?: string;
  readonly message: string;
}

/** What the collector emits once per tick. */
export interface Snapshot {
  /** Tick time, ms since epoch (from the injected clock). */
  readonly timeMs: number;
  readonly tick: number;
  readonly target: TargetState;
  /**
   * Every sample stored in this tick. A scraped series' Sample is an object the scraper
   * writes again two ticks later (ReusedSamples, issue 11's memory bound), and this array
   * is one the collector fills again two ticks later: the latest snapshot and the one
   * before read true; to keep values longer, copy them.
   */
  readonly samples: readonly Sample[];
  readonly problems: readonly SourceProblem[];
  /** How long the tick took, wall ms. */
  readonly durationMs: number;
  /** Ticks skipped so far because the previous one was still running. */
  readonly skippedTicks: number;
  /** What Prometheus would do with this tick's metrics body (absent when none was read). */
  readonly prometheusVerdict?: PrometheusVerdict;
  /** Exemplars on the scraped histograms that name a trace (absent when none). */
  readonly exemplars?: readonly Exemplar[];
}
