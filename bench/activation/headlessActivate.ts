/**
 * What activate() does with the core, without `vscode`: build the real deps and the
 * Monitor, validate settings into a config, configure, start, and build the status
 * bar model from the not-yet-sampled state — all synchronous, as activate() is.
 * Then, separately, the first sample: the first tick runs after activate() has
 * returned (locate the process, sample, scrape) and the status bar shows its text.
 * Bundled by esbuild exactly like dist/extension.js (bench/activation.ts builds it),
 * so loading it costs what loading the extension's core costs.
 */
import { parseConfig } from '../../src/core/config';
import { Monitor } from '../../src/core/monitor';
import { createMonitorDeps } from '../../src/core/monitorDeps';
import { buildStatusView } from '../../src/core/statusView';

export interface ActivationTimes {
  /** new Monitor(createMonitorDeps(...)). */
  readonly constructMs: number;
  /** parseConfig + configure + start. */
  readonly configureMs: number;
  /** The status bar model before any sample ("starting"): the last thing activate() does. */
  readonly statusMs: number;
  /** From start until the first snapshot (locate, sample, scrape) and its status bar text: after activation. */
  readonly firstSampleMs: number;
  readonly statusTextAtActivation: string;
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
  const status = (): string =>
    buildStatusView({
      nowMs: Date.now(),
      intervalMs: config.sampleIntervalMs,
      name: undefined,
      target: monitor.targetState,
      snapshot: monitor.latestSnapshot,
      store: monitor.store,
      problems: monitor.latestSnapshot?.problems ?? [],
      configProblems: [],
    }).text;
  const statusTextAtActivation = status();
  const t3 = performance.now();
  await first;
  const statusText = status();
  const t4 = performance.now();
  await monitor.stop();
  monitor.dispose();
  return {
    constructMs: t1 - t0,
    configureMs: t2 - t1,
    statusMs: t3 - t2,
    firstSampleMs: t4 - t2,
    statusTextAtActivation,
    statusText,
  };
}
