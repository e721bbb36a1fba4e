/**
 * What activate() does with the core, without `vscode`: build the real deps and the
 * Monitor, validate settings into a config, configure, start, and wait for the
 * first tick. Bundled by esbuild exactly like dist/extension.js (bench/activation.ts
 * builds it), so loading it costs what loading the extension's core costs.
 */
import { parseConfig } from '../../src/core/config';
import { Monitor } from '../../src/core/monitor';
import { createMonitorDeps } from '../../src/core/monitorDeps';
import { buildStatusView } from '../../src/core/statusView';

export interface ActivationTimes {
  /** new Monitor(createMonitorDeps(...)). */
  readonly constructMs: number;
  /** parseConfig + configure + start: activate() would return here. */
  readonly configureMs: number;
  /** From start until the first snapshot (locate, sample, scrape) and its status bar text. */
  readonly firstTickMs: number;
  readonly statusText: string;
}

export async function activateHeadless(port: number, diskPath: string): Promise<ActivationTimes> {
  const t0 = performance.now();
  const monitor = new Monitor(createMonitorDeps({ diskPath }));
  const t1 = performance.now();
  const { config } = parseConfig({ 'target.port': port });
  const first = new Promise<void>((resolve) => {
    const sub = monitor.onSnapshot(() => {
      sub.dispose();
      resolve();
    });
  });
  monitor.configure(config);
  monitor.start();
  const t2 = performance.now();
  await first;
  const snapshot = monitor.latestSnapshot;
  const view = buildStatusView({
    nowMs: Date.now(),
    intervalMs: config.sampleIntervalMs,
    name: undefined,
    target: monitor.targetState,
    snapshot,
    store: monitor.store,
    problems: snapshot?.problems ?? [],
    configProblems: [],
  });
  const t3 = performance.now();
  await monitor.stop();
  monitor.dispose();
  return { constructMs: t1 - t0, configureMs: t2 - t1, firstTickMs: t3 - t2, statusText: view.text };
}
