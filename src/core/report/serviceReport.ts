/**
 * The report's per-instance section: for a service of many instances, each instance's
 * share of the window it was up, its CPU and memory (mean and peak), and whether it is
 * up now. JSON field names are a contract (`service.instances[].cpuPercent.mean` …).
 */
import { InstanceMetric, ServiceState } from '../model';
import { SeriesStore } from '../store/seriesStore';

export interface ReportFigure {
  readonly mean: number;
  readonly max: number;
}

export interface ReportInstance {
  /** Prometheus' `instance` label (host:port), or `pid N` for a local process. */
  readonly instance: string;
  /** Up at the end of the window. */
  readonly up: boolean;
  /** Share of the window's samples in which it was up (0–1), null when unknown. */
  readonly upShare: number | null;
  readonly cpuPercent: ReportFigure | null;
  readonly rssBytes: ReportFigure | null;
}

export interface ReportService {
  readonly source: 'prometheus' | 'local';
  /** For people: where the instances were read. */
  readonly where: string;
  readonly instancesUp: number;
  readonly instanceCount: number;
  readonly instances: readonly ReportInstance[];
}

function figure(store: SeriesStore, name: string, instance: string, fromMs: number, toMs: number): ReportFigure | null {
  const info = store.select(name).find((i) => i.labels['instance'] === instance);
  const w = info ? store.window(info.key, fromMs, toMs) : undefined;
  if (!w) return null;
  let sum = 0;
  let n = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of w.values) {
    if (!Number.isFinite(v)) continue;
    sum += v;
    n++;
    max = Math.max(max, v);
  }
  return n > 0 ? { mean: sum / n, max } : null;
}

/** The section for a service (undefined for a single local process). */
export function serviceReport(service: ServiceState | undefined, store: SeriesStore, fromMs: number, toMs: number): ReportService | undefined {
  if (!service) return undefined;
  // Instances seen in the window (back-filled or live), and those known now.
  const names = new Set(service.instances.map((i) => i.instance));
  for (const info of store.select(InstanceMetric.up)) {
    const inst = info.labels['instance'];
    if (inst !== undefined && store.window(info.key, fromMs, toMs)?.values.length) names.add(inst);
  }
  const instances = [...names].sort().map((instance): ReportInstance => {
    const now = service.instances.find((i) => i.instance === instance);
    const up = figure(store, InstanceMetric.up, instance, fromMs, toMs);
    return {
      instance,
      up: now?.up ?? false,
      upShare: up ? up.mean : null,
      cpuPercent: figure(store, InstanceMetric.cpuPercent, instance, fromMs, toMs),
      rssBytes: figure(store, InstanceMetric.rssBytes, instance, fromMs, toMs),
    };
  });
  return {
    source: service.source,
    where: service.where,
    instancesUp: instances.filter((i) => i.up).length,
    instanceCount: instances.length,
    instances,
  };
}
