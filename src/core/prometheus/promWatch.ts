import * as l10n from '@vscode/l10n';
/**
 * A service read from Prometheus instead of /proc: `up` says which instances there are
 * and whether they run (the target state the status bar, the not-running alert and the
 * report use), one instant query per series per tick gives the figures — the service's
 * total under the names the local sources use (so alerts, analyzer, dashboard and report
 * work unchanged) and each instance's own under `service_instance_*{instance}`.
 * Before the first tick, `query_range` back-fills the store with the recent window.
 */
import { Metric, InstanceState, Sample, serviceUpSamples, ServiceState, SourceProblem, TargetProcess, TargetState, upCount } from '../model';
import { SeriesStore } from '../store/seriesStore';
import { TargetWatch, TrackerUpdate } from '../collect/targetTracker';
import { EMPTY_OUTPUT, SourceOutput, TickContext, TickSource } from '../collect/tickSource';
import { PromApi, PromSample } from './promApi';
import { InstanceMetric, PromTargetConfig, rangeStepMs, ServiceMetric, ServiceQuery, serviceQueries, upQuery } from './promQueries';

export const PROMETHEUS_SOURCE = 'prometheus';

export interface PrometheusWatchOptions {
  readonly config: PromTargetConfig;
  readonly api: PromApi;
  /** How settings are named in sentences (VS Code ids, or the CLI's flags). */
  readonly settingOf: (key: 'url' | 'job' | 'instance' | 'cpuQuery' | 'memoryQuery') => string;
  /** How far back to back-fill before the first tick (0: not at all). */
  readonly backfillMs: number;
}

/** The label an instance is known by; a result without one stands for the whole service. */
function instanceOf(labels: Readonly<Record<string, string>>): string | undefined {
  return labels['instance'];
}

export class PrometheusWatch implements TargetWatch, TickSource {
  readonly id = PROMETHEUS_SOURCE;
  private service: ServiceState | undefined;
  private lastState: TargetState | undefined;
  private lastMessage = '';
  private restarts = 0;
  private readonly queries: ServiceQuery[];
  private readonly where: string;

  constructor(private readonly opts: PrometheusWatchOptions) {
    this.queries = serviceQueries(opts.config, (k) => opts.settingOf(k));
    this.where = l10n.t('job "{0}" in Prometheus at {1}', opts.config.job, opts.config.url.replace(/\/$/, ''));
  }

  /** Instances that came back after being down (the report's restarts). */
  get restartCount(): number {
    return this.restarts;
  }

  /** The instances as of the last tick. */
  get serviceState(): ServiceState | undefined {
    return this.service;
  }

  async update(): Promise<TrackerUpdate> {
    const r = await this.opts.api.query(upQuery(this.opts.config));
    if (!r.ok) {
      // No evidence either way: keep the instances we knew (shown as unreachable), write no `up`.
      const service: ServiceState = { source: 'prometheus', where: this.where, instances: this.service?.instances ?? [], reachable: false };
      this.service = service;
      const state: TargetState =
        this.lastState?.kind === 'running' ? { kind: 'running', process: this.lastState.process, service } : { kind: 'notRunning', message: r.message, service };
      const change = r.message !== this.lastMessage ? r.message : undefined;
      this.lastMessage = r.message;
      this.lastState = state;
      return { state, samples: [], problem: { source: 'target', message: r.message, setting: this.opts.settingOf('url') }, ...(change ? { change } : {}) };
    }
    if (r.value.length === 0) {
      const message = await this.noTargetsMessage();
      const service: ServiceState = { source: 'prometheus', where: this.where, instances: [], reachable: true };
      this.service = service;
      const state: TargetState = { kind: 'notRunning', message, service };
      const change = message !== this.lastMessage ? message : undefined;
      this.lastMessage = message;
      this.lastState = state;
      return { state, samples: [{ name: Metric.targetUp, labels: {}, value: 0 }], problem: { source: 'target', message, setting: this.opts.settingOf('job') }, ...(change ? { change } : {}) };
    }

    const before = new Map((this.service?.instances ?? []).map((i) => [i.instance, i.up]));
    const instances: InstanceState[] = r.value
      .map((s, i) => ({ instance: instanceOf(s.labels) ?? `target ${i + 1}`, up: s.value === 1 }))
      .sort((a, b) => a.instance.localeCompare(b.instance));
    const service: ServiceState = { source: 'prometheus', where: this.where, instances, reachable: true };
    const changes: string[] = [];
    for (const i of instances) {
      const was = before.get(i.instance);
      if (was === true && !i.up) {
        changes.push(l10n.t('Instance {0} of {1} is down (up = 0).', i.instance, this.where));
      } else if (was === false && i.up) {
        this.restarts++;
        changes.push(l10n.t('Instance {0} is up again.', i.instance));
      } else if (was === undefined && before.size > 0) {
        changes.push(i.up ? l10n.t('New instance {0} (up).', i.instance) : l10n.t('New instance {0} (down).', i.instance));
      }
    }
    for (const [name] of before) {
      if (!instances.some((i) => i.instance === name)) {
        changes.push(l10n.t('Instance {0} is no longer scraped by Prometheus.', name));
      }
    }
    const upNow = instances.filter((i) => i.up).length;
    const reason = `${this.where}: ${upCount(service)}`;
    let state: TargetState;
    if (upNow > 0) {
      const process: TargetProcess = { pid: 0, commandLine: upQuery(this.opts.config), executable: this.opts.config.job, ports: [], startTimeMs: 0, reason };
      state = { kind: 'running', process, service };
    } else {
      state = { kind: 'notRunning', message: l10n.t('No instance of {0} is up ({1}): Prometheus cannot scrape them — is the server running?', this.where, upCount(service)), service };
    }
    if (this.lastState === undefined || this.lastState.kind !== state.kind || this.lastMessage !== '') {
      changes.unshift(state.kind === 'running' ? l10n.t('Watching {0}.', reason) : (state as { message: string }).message);
    }
    this.lastMessage = '';
    this.service = service;
    this.lastState = state;
    const samples: Sample[] = [
      { name: Metric.targetUp, labels: {}, value: upNow > 0 ? 1 : 0 },
      { name: Metric.targetRestarts, labels: {}, value: this.restarts },
      ...serviceUpSamples(instances),
    ];
    return { state, samples, ...(changes.length ? { change: changes.join(' ') } : {}) };
  }

  /** Why `up{…}` is empty, with the jobs Prometheus does know. */
  private async noTargetsMessage(): Promise<string> {
    const jobs = await this.opts.api.labelValues('job');
    const known = jobs.ok && jobs.value.length > 0 ? l10n.t(' The jobs it scrapes: {0}.', `${jobs.value.slice(0, 10).join(', ')}${jobs.value.length > 10 ? ', …' : ''}`) : '';
    const sel = this.opts.config.instance || Object.keys(this.opts.config.labels).length ? l10n.t(' (with these instance and label matchers)') : '';
    return l10n.t('Prometheus at {0} scrapes no target of job "{1}"{2}: check {3}.{4}', this.opts.config.url.replace(/\/$/, ''), this.opts.config.job, sel, this.opts.settingOf('job'), known);
  }

  async collect(ctx: TickContext): Promise<SourceOutput> {
    if (ctx.target.kind !== 'running' || !this.service?.reachable) {
      return EMPTY_OUTPUT;
    }
    const results = await Promise.all(this.queries.map((q) => this.opts.api.query(q.expr)));
    const samples: Sample[] = [];
    const problems: SourceProblem[] = [];
    results.forEach((r, i) => {
      const q = this.queries[i]!;
      if (!r.ok) {
        problems.push({ source: PROMETHEUS_SOURCE, message: q.setting ? l10n.t('{0} Fix {1}.', r.message, q.setting) : r.message, ...(q.setting ? { setting: q.setting } : {}) });
        return;
      }
      for (const w of r.warnings) {
        problems.push({ source: PROMETHEUS_SOURCE, message: w });
      }
      samples.push(...valuesOf(q, r.value));
    });
    return { samples, problems: dedupe(problems) };
  }

  /**
   * Fills `store` with [fromMs, toMs) from `query_range`, one store tick per step, in
   * time order (call before the first tick, or for the gap after the store's last tick).
   * Returns the ticks written and the problems met.
   */
  async backfill(store: SeriesStore, toMs: number): Promise<{ ticks: number; problems: SourceProblem[] }> {
    const last = store.latestTimeMs;
    const fromMs = Math.max(toMs - this.opts.backfillMs, Number.isFinite(last) ? last + 1 : -Infinity);
    if (this.opts.backfillMs <= 0 || toMs - fromMs < 2000) {
      return { ticks: 0, problems: [] };
    }
    const stepMs = rangeStepMs(toMs - fromMs);
    const start = Math.ceil(fromMs / stepMs) * stepMs;
    const end = toMs - 1;
    const all: ServiceQuery[] = [
      { metric: InstanceMetric.up, perInstance: InstanceMetric.up, expr: upQuery(this.opts.config) },
      ...this.queries,
    ];
    const results = await Promise.all(all.map((q) => this.opts.api.queryRange(q.expr, start, end, stepMs)));
    const ticks = new Map<number, Sample[]>();
    const problems: SourceProblem[] = [];
    const add = (t: number, s: Sample) => {
      let list = ticks.get(t);
      if (!list) {
        list = [];
        ticks.set(t, list);
      }
      list.push(s);
    };
    results.forEach((r, i) => {
      const q = all[i]!;
      if (!r.ok) {
        problems.push({ source: PROMETHEUS_SOURCE, message: l10n.t('Back-fill: {0}', r.message) });
        return;
      }
      for (const w of r.warnings) {
        problems.push({ source: PROMETHEUS_SOURCE, message: w });
      }
      // Per time: the same shaping as an instant query's vector.
      const byTime = new Map<number, PromSample[]>();
      for (const series of r.value) {
        series.timesMs.forEach((t, k) => {
          let v = byTime.get(t);
          if (!v) {
            v = [];
            byTime.set(t, v);
          }
          v.push({ labels: series.labels, value: series.values[k]! });
        });
      }
      for (const [t, vector] of byTime) {
        if (q.metric === InstanceMetric.up) {
          const upNow = vector.filter((s) => s.value === 1).length;
          add(t, { name: Metric.targetUp, labels: {}, value: upNow > 0 ? 1 : 0 });
          add(t, { name: ServiceMetric.instancesUp, labels: {}, value: upNow });
          add(t, { name: ServiceMetric.instances, labels: {}, value: vector.length });
          for (const s of vector) {
            const inst = instanceOf(s.labels);
            if (inst !== undefined) add(t, { name: InstanceMetric.up, labels: { instance: inst }, value: s.value === 1 ? 1 : 0 });
          }
        } else {
          for (const s of valuesOf(q, vector)) add(t, s);
        }
      }
    });
    const times = [...ticks.keys()].sort((a, b) => a - b);
    for (const t of times) {
      store.append(t, ticks.get(t)!);
    }
    return { ticks: times.length, problems: dedupe(problems) };
  }

  async prepare(store: SeriesStore, nowMs: number): Promise<readonly SourceProblem[]> {
    return (await this.backfill(store, nowMs)).problems;
  }

  dispose(): void {
    this.opts.api.dispose();
  }
}

/** One query's vector as samples: per instance (when it answers per instance) and the service's sum. */
function valuesOf(q: ServiceQuery, vector: readonly PromSample[]): Sample[] {
  const out: Sample[] = [];
  let total = 0;
  let n = 0;
  for (const s of vector) {
    if (!Number.isFinite(s.value)) continue;
    total += s.value;
    n++;
    const inst = instanceOf(s.labels);
    if (q.perInstance && inst !== undefined) {
      out.push({ name: q.perInstance, labels: { instance: inst }, value: s.value });
    }
  }
  if (n > 0) {
    out.push({ name: q.metric, labels: {}, value: total });
  }
  return out;
}

function dedupe(problems: SourceProblem[]): SourceProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
