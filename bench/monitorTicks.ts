/**
 * Runs N ticks of the real Monitor (createMonitorDeps, as the extension builds it)
 * against the server on a port, then exits. A child for `strace -f`, so the
 * kernel's own count of execve/fork confirms the in-process spawn counter.
 *   node out/bench/monitorTicks.js <port> <ticks> <diskPath>
 */
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { configForPort } from './lib/realMonitor';

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const ticks = Number(process.argv[3] ?? 100);
  const diskPath = process.argv[4] ?? process.cwd();
  const monitor = new Monitor(createMonitorDeps({ diskPath }));
  monitor.configure(configForPort(port));
  let samples = 0;
  for (let i = 0; i < ticks; i++) {
    await monitor.tickNow();
    samples += monitor.latestSnapshot?.samples.length ?? 0;
  }
  monitor.dispose();
  process.stdout.write(JSON.stringify({ ticks, samples }) + '\n');
}

void main();
