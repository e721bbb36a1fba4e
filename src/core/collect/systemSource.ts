import { SystemSampleResult, SystemSampler, systemStatsToSamples } from '../system/systemSampler';
import { SourceOutput, TickSource } from './tickSource';

/** Samples the machine (CPU, memory, the workspace's disk, network rates) each tick. */
export class SystemSource implements TickSource {
  readonly id = 'system';

  constructor(private readonly sampler: SystemSampler) {}

  async collect(ctx: { nowMs: number }): Promise<SourceOutput> {
    return this.outputOf(await this.sampler.sample(ctx.nowMs));
  }

  /** The same, synchronously, when the sampler can read now (Linux /proc, a local disk); undefined otherwise. */
  collectNow(ctx: { nowMs: number }): SourceOutput | undefined {
    const r = this.sampler.sampleNow?.(ctx.nowMs);
    return r === undefined ? undefined : this.outputOf(r);
  }

  private outputOf(r: SystemSampleResult): SourceOutput {
    if (r.kind === 'error') {
      return { samples: [], problems: [{ source: this.id, message: r.message }] };
    }
    return { samples: systemStatsToSamples(r.stats), problems: r.problems };
  }
}
