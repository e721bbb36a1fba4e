import { ProcessSampler, processStatsToSamples } from '../process/processSampler';
import { EMPTY_OUTPUT, SourceOutput, TickContext, TickSource } from './tickSource';

/** Samples the watched process each tick; nothing while no process is found. */
export class ProcessSource implements TickSource {
  readonly id = 'process';
  private lastPid: number | undefined;

  constructor(private readonly sampler: ProcessSampler) {}

  async collect(ctx: TickContext): Promise<SourceOutput> {
    if (ctx.target.kind !== 'running') {
      this.forgetLast();
      return EMPTY_OUTPUT;
    }
    const pid = ctx.target.process.pid;
    if (pid !== this.lastPid) {
      this.forgetLast();
      this.lastPid = pid;
    }
    const r = await this.sampler.sample(pid, ctx.nowMs);
    switch (r.kind) {
      case 'ok':
        return { samples: processStatsToSamples(r.stats), problems: [] };
      case 'gone':
        // Exited between the tracker's check and this read: the tracker notices on the
        // next tick and searches again. Not a problem to report, and no sample to store.
        return EMPTY_OUTPUT;
      case 'error':
        return { samples: [], problems: [{ source: this.id, message: r.message }] };
    }
  }

  /** The sampler is this source's: disposing the source closes every fd it opened. */
  dispose(): void {
    this.lastPid = undefined;
    this.sampler.dispose();
  }

  private forgetLast(): void {
    if (this.lastPid !== undefined) {
      this.sampler.forget(this.lastPid);
      this.lastPid = undefined;
    }
  }
}
