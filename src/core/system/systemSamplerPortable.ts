import * as l10n from '@vscode/l10n';
/**
 * The system sampler where there is no /proc: systeminformation for CPU, memory
 * and interface counters; disk through the same statfs call as on Linux.
 */
import { loadPortableLibs } from '../process/loadPortableLibs';
import type { InterfaceCounters } from '../process/procfs';
import { NetReading, netRatesBetween, systemSampleOf } from './systemMath';
import type { SystemSampleResult, SystemSampler, SystemSamplerOptions } from './systemSampler';
import { readDiskUsage } from './diskUsage';

export class PortableSystemSampler implements SystemSampler {
  private readonly diskPath: string;
  private readonly monotonicMs: () => number;
  private prevNet: NetReading | undefined;
  private primed = false;

  constructor(options: SystemSamplerOptions = {}) {
    this.diskPath = options.diskPath ?? process.cwd();
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  async sample(_nowMs: number): Promise<SystemSampleResult> {
    try {
      // Loaded on first use (its own bundle) so the Linux path never pays for it.
      const si = loadPortableLibs().si;
      const [load, mem, nets, disk] = await Promise.all([si.currentLoad(), si.mem(), si.networkStats('*'), readDiskUsage(this.diskPath)]);
      const atMs = this.monotonicMs();
      const interfaces = new Map<string, InterfaceCounters>(nets.map((n) => [n.iface, { rxBytes: n.rx_bytes, txBytes: n.tx_bytes }]));
      const net: NetReading = { atMs, interfaces };
      const rates = this.prevNet ? netRatesBetween(this.prevNet, net) : {};
      this.prevNet = net;
      // currentLoad's first figure averages since boot, not over the last interval.
      const cpuPercent = this.primed ? load.currentLoad : undefined;
      this.primed = true;
      return systemSampleOf({ cpuPercent, memoryTotalBytes: mem.total, memoryAvailableBytes: mem.available, disk, rates });
    } catch (e) {
      return { kind: 'error', message: l10n.t('Could not read system figures: {0}.', e instanceof Error ? e.message : String(e)) };
    }
  }
}
