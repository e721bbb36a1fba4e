import { SystemSampler, systemStatsToSamples } from '../system/systemSampler';
import { SourceOutput, TickSource } from './tickSource';

/** Samples the machine (CPU, memory, the workspace's disk, network rates) each tick. */
export class SystemSource implements TickSource {
  readonly id = 'system';

  constructor(private readonly sampler: SystemSampler) {}

  async collect(ctx: { nowMs: number }): Promise<SourceOutput> {
    const r = await this.sampler.sample(ctx.nowMs);
    if (r.kind === 'error') {
      return { samples: [], problems: [{ source: this.id, message: r.message }] };
    }
    return { samples: systemStatsToSamples(r.stats), problems: r.problems };
  }
}
