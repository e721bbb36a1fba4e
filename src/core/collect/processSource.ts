import { InstanceMetric, Sample, ServiceState } from '../model';
import { ProcessSampleResult, ProcessSampler, ProcessStats, processStatsToSamples } from '../process/processSampler';
import { EMPTY_OUTPUT, SourceOutput, TickContext, TickSource } from './tickSource';

/**
 * Samples the watched process each tick; nothing while no process is found. When the
 * tracker watches a process tree (cluster workers) or a group (by ports, by pattern),
 * every live process is sampled: the usual series carry the service's total,
 * `service_instance_*{instance="pid N"}` (or `"port N"`) each one.
 */
export class ProcessSource implements TickSource {
  readonly id = 'process';
  /** Pids sampled last tick (their CPU baselines are kept; a pid that left is forgotten). */
  private sampled = new Set<number>();

  constructor(private readonly sampler: ProcessSampler) {}

  /** Every pid's sample through the sampler's promise (the portable one must wait), then the same output as collectNow. */
  async collect(ctx: TickContext): Promise<SourceOutput> {
    const watched = this.watched(ctx);
    if (watched === undefined) return EMPTY_OUTPUT;
    const pids = watched.service ? watched.pids : [watched.root];
    const results = await Promise.all(pids.map((pid) => this.sampler.sample(pid, ctx.nowMs)));
    return this.sampleAll(watched, ctx.nowMs, (pid) => results[pids.indexOf(pid)]!);
  }

  /** The same, synchronously, with a sampler that reads now (Linux /proc); undefined otherwise. */
  collectNow(ctx: TickContext): SourceOutput | undefined {
    const sampleNow = this.sampler.sampleNow;
    if (sampleNow === undefined) return undefined;
    const watched = this.watched(ctx);
    // The sampler's own method, called on it: no function made a tick.
    return watched === undefined ? EMPTY_OUTPUT : this.sampleAll(watched, ctx.nowMs, sampleNow);
  }

  /** The tick's output from `sample` (called on the sampler) of each watched pid: collect's and collectNow's one body. */
  private sampleAll(watched: Watched, nowMs: number, sample: (this: ProcessSampler, pid: number, nowMs: number) => ProcessSampleResult): SourceOutput {
    const { root, pids, service } = watched;
    if (!service) return this.outputOf(root, undefined, sample.call(this.sampler, root, nowMs), undefined);
    const results = pids.map((pid) => sample.call(this.sampler, pid, nowMs));
    return this.outputOf(root, service, results[pids.indexOf(root)]!, results);
  }

  /** The pids to sample this tick (the root first), or undefined while no process runs; forgets the ones that left. */
  private watched(ctx: TickContext): Watched | undefined {
    if (ctx.target.kind !== 'running') {
      this.keepOnly([]);
      return undefined;
    }
    const root = ctx.target.process.pid;
    const service = ctx.target.service?.source === 'local' ? ctx.target.service : undefined;
    if (!service) {
      // The usual tick, one process: no list or set made when it is the one sampled last tick.
      if (this.sampled.size !== 1 || !this.sampled.has(root)) this.keepOnly([root]);
      return { root, pids: NO_PIDS, service };
    }
    const pids = service.instances.filter((i) => i.up && i.pid !== undefined).map((i) => i.pid!);
    if (!pids.includes(root)) pids.unshift(root);
    this.keepOnly(pids);
    return { root, pids, service };
  }

  /** The samples and problems of a tick's results (`all`: every pid's, with a service). */
  private outputOf(root: number, service: ServiceState | undefined, rootResult: ProcessSampleResult, all: readonly ProcessSampleResult[] | undefined): SourceOutput {
    if (rootResult.kind === 'error') {
      return { samples: [], problems: [{ source: this.id, message: rootResult.message }] };
    }
    if (rootResult.kind === 'gone') {
      // Exited between the tracker's check and this read: the tracker notices on the
      // next tick and searches again. Not a problem to report, and no sample to store.
      return EMPTY_OUTPUT;
    }
    if (!service || !all) {
      return { samples: processStatsToSamples(rootResult.stats), problems: [] };
    }
    // A worker that exited since the tracker listed it is left out of this tick's total;
    // the tracker marks it down on the next tick.
    const stats = all.flatMap((r) => (r.kind === 'ok' ? [r.stats] : []));
    const samples: Sample[] = [...processStatsToSamples(treeTotal(rootResult.stats, stats))];
    // Each process under its instance's name: `pid N` in a tree, `port N` for a group by ports.
    const nameOf = new Map(service.instances.flatMap((i) => (i.pid !== undefined ? [[i.pid, i.instance] as const] : [])));
    for (const s of stats) {
      const instance = { instance: nameOf.get(s.pid) ?? `pid ${s.pid}` };
      samples.push({ name: InstanceMetric.rssBytes, labels: instance, value: s.rssBytes });
      if (s.cpuPercent !== undefined) samples.push({ name: InstanceMetric.cpuPercent, labels: instance, value: s.cpuPercent });
    }
    const problems = all.flatMap((r) => (r.kind === 'error' ? [{ source: this.id, message: r.message }] : []));
    return { samples, problems };
  }

  /** The sampler is this source's: disposing the source closes every fd it opened. */
  dispose(): void {
    this.sampled.clear();
    this.sampler.dispose();
  }

  private keepOnly(pids: readonly number[]): void {
    const keep = new Set(pids);
    for (const pid of this.sampled) {
      if (!keep.has(pid)) this.sampler.forget(pid);
    }
    this.sampled = keep;
  }
}

const NO_PIDS: readonly number[] = Object.freeze([]);

/** The pids a tick samples: the root alone (pids empty) without a service, else every live instance, the root among them. */
interface Watched {
  readonly root: number;
  readonly pids: readonly number[];
  readonly service: ServiceState | undefined;
}

/**
 * The tree's total: CPU, memory, fds and threads summed; limits and uptime are the
 * watched (root) process'. CPU is unknown while any process has no baseline yet (its
 * first sample): a partial sum would dip each time a worker starts.
 */
function treeTotal(root: ProcessStats, all: readonly ProcessStats[]): ProcessStats {
  const sum = (pick: (s: ProcessStats) => number | undefined): number | undefined =>
    all.some((s) => pick(s) === undefined) ? undefined : all.reduce((n, s) => n + pick(s)!, 0);
  return {
    pid: root.pid,
    cpuPercent: sum((s) => s.cpuPercent),
    rssBytes: all.reduce((n, s) => n + s.rssBytes, 0),
    openFds: sum((s) => s.openFds),
    maxFds: root.maxFds,
    threads: sum((s) => s.threads),
    uptimeSeconds: root.uptimeSeconds,
    startTimeMs: root.startTimeMs,
  };
}
