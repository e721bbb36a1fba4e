/**
 * The monitor as the extension builds it, for benchmarks that run it headlessly:
 * the config the settings would give for "watch the server on this port", and the
 * same deps with pidusage + systeminformation in place of /proc (the comparison).
 */
import { systemClock } from '../../src/core/clock';
import { ProcessSource } from '../../src/core/collect/processSource';
import { ScrapeSource } from '../../src/core/collect/scrapeSource';
import { SystemSource } from '../../src/core/collect/systemSource';
import { MonitorConfig, parseConfig } from '../../src/core/config';
import { MonitorDeps } from '../../src/core/monitor';
import { createProcessLocator } from '../../src/core/process/locator';
import { PortableProcessSampler } from '../../src/core/process/processSamplerPortable';
import { PortableSystemSampler } from '../../src/core/system/systemSamplerPortable';

/** chatroomMonitor.target.port = port, everything else default (so /metrics is scraped). */
export function configForPort(port: number): MonitorConfig {
  const { config, problems } = parseConfig({ 'target.port': port });
  if (problems.length > 0) {
    throw new Error(problems.map((p) => p.message).join(' '));
  }
  return config;
}

/** Like createMonitorDeps, but sampling through pidusage and systeminformation. */
export function portableDeps(diskPath: string): MonitorDeps {
  return {
    clock: systemClock,
    locator: createProcessLocator(),
    createSources: (config) => [
      new ProcessSource(new PortableProcessSampler()),
      new SystemSource(new PortableSystemSampler({ diskPath })),
      new ScrapeSource(config, systemClock),
    ],
  };
}
