/**
 * The system sampler where there is no /proc: systeminformation for CPU, memory
 * and interface counters; disk through the same statfs call as on Linux.
 */
import type { SourceProblem } from '../model';
import type { InterfaceCounters } from '../process/procfs';
import { NetReading, netRatesBetween } from './systemMath';
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
      // Loaded on first use so the Linux path never pays for it.
      const si = await import('systeminformation');
      const [load, mem, nets, disk] = await Promise.all([si.currentLoad(), si.mem(), si.networkStats('*'), readDiskUsage(this.diskPath)]);
      const atMs = this.monotonicMs();
      const interfaces = new Map<string, InterfaceCounters>(nets.map((n) => [n.iface, { rxBytes: n.rx_bytes, txBytes: n.tx_bytes }]));
      const net: NetReading = { atMs, interfaces };
      const rates = this.prevNet ? netRatesBetween(this.prevNet, net) : {};
      this.prevNet = net;
      // currentLoad's first figure averages since boot, not over the last interval.
      const cpuPercent = this.primed ? load.currentLoad : undefined;
      this.primed = true;
      const used = mem.total - mem.available;
      const problems: SourceProblem[] = [];
      const diskOk = 'usedBytes' in disk;
      if (!diskOk) {
        problems.push(disk);
      }
      return {
        kind: 'ok',
        problems,
        stats: {
          cpuPercent,
          memoryUsedBytes: used,
          memoryTotalBytes: mem.total,
          memoryPercent: mem.total > 0 ? (used / mem.total) * 100 : 0,
          diskUsedBytes: diskOk ? disk.usedBytes : undefined,
          diskTotalBytes: diskOk ? disk.totalBytes : undefined,
          diskPercent: diskOk ? disk.percent : undefined,
          netRxBytesPerSecond: rates.rxBytesPerSecond,
          netTxBytesPerSecond: rates.txBytesPerSecond,
        },
      };
    } catch (e) {
      return { kind: 'error', message: `Could not read system figures: ${e instanceof Error ? e.message : String(e)}.` };
    }
  }
}
