import { Clock, systemClock } from './clock';
import { ProcessSource } from './collect/processSource';
import { ScrapeSource } from './collect/scrapeSource';
import { SystemSource } from './collect/systemSource';
import { TickSource } from './collect/tickSource';
import { MonitorConfig } from './config';
import { MonitorDeps } from './monitor';
import { createProcessLocator, ProcessLocator } from './process/locator';
import { createProcessSampler } from './process/processSampler';
import { createSystemSampler } from './system/systemSampler';

export interface RealDepsOptions {
  /** Whose file system the disk figures describe (the workspace folder). */
  readonly diskPath: string;
  readonly clock?: Clock;
  /**
   * Builds the watch of a service read from a Prometheus (config.prometheus). Injected
   * so the extension can load it lazily from its own bundle; the CLI imports it.
   */
  readonly createRemoteWatch?: MonitorDeps['createRemoteWatch'];
}

export interface RealMonitorDeps extends MonitorDeps {
  readonly locator: ProcessLocator;
}

/** The real sources: /proc on Linux, systeminformation/pidusage elsewhere. */
export function createMonitorDeps(opts: RealDepsOptions): RealMonitorDeps {
  const clock = opts.clock ?? systemClock;
  const locator = createProcessLocator();
  return {
    clock,
    locator,
    ...(opts.createRemoteWatch ? { createRemoteWatch: opts.createRemoteWatch } : {}),
    createSources(config: MonitorConfig): TickSource[] {
      return [
        // The tracker's check of the process reads its stat just before the sample: one read serves both.
        new ProcessSource(createProcessSampler({ checkedStats: locator })),
        new SystemSource(createSystemSampler({ diskPath: opts.diskPath })),
        new ScrapeSource(config, clock),
      ];
    },
  };
}
