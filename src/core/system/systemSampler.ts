import * as l10n from '@vscode/l10n';
/**
 * Whole-machine CPU, memory, disk and network. On Linux: /proc/stat, /proc/meminfo,
 * /proc/net/dev re-read synchronously through kept fds (see readProcFileSync and
 * machineProcFile for why) and one statfs
 * call per sample, no child process; elsewhere `createSystemSampler` returns the
 * systeminformation-based sampler.
 */
import { finiteSamples, Metric, Sample, SourceProblem } from '../model';
import { CpuTimes, machineProcFile, parseCpuTimes, parseMemInfo, parseNetDev } from '../process/procfs';
import { DiskUsage, DiskUsageReader } from './diskUsage';
import { NetReading, netRatesBetween, systemCpuPercentBetween, systemSampleOf } from './systemMath';
import { PortableSystemSampler } from './systemSamplerPortable';

export interface SystemStats {
  /** 100 = every CPU of the machine busy; undefined on the first sample. */
  readonly cpuPercent?: number;
  /** MemTotal − MemAvailable: memory that cannot be handed out without swapping. */
  readonly memoryUsedBytes: number;
  readonly memoryTotalBytes: number;
  readonly memoryPercent: number;
  /** Undefined when the disk path cannot be read (a problem says why). */
  readonly diskUsedBytes?: number;
  readonly diskTotalBytes?: number;
  /** As df's Use%. */
  readonly diskPercent?: number;
  /** Summed over interfaces except loopback; undefined on the first sample and after a counter reset. */
  readonly netRxBytesPerSecond?: number;
  readonly netTxBytesPerSecond?: number;
}

/**
 * `ok` may still carry problems for the parts it could not read (the disk path);
 * `error` means even CPU and memory were unreadable.
 */
export type SystemSampleResult =
  | { readonly kind: 'ok'; readonly stats: SystemStats; readonly problems: readonly SourceProblem[] }
  | { readonly kind: 'error'; readonly message: string };

export interface SystemSampler {
  /**
   * Samples the machine. Never throws.
   * @param nowMs the tick time from the collector's Clock. Network rates are
   *   divided by the sampler's own monotonic elapsed time instead, because the
   *   byte counters are real and a fake or stepped clock would distort the rate.
   */
  sample(nowMs: number): Promise<SystemSampleResult>;
  /** The same sample, synchronously, when it needs no wait; undefined (or absent) when sample() must be called. */
  sampleNow?(nowMs: number): SystemSampleResult | undefined;
}

export interface SystemSamplerOptions {
  /** Whose file system the disk figures describe: the workspace folder. Defaults to process.cwd(). */
  readonly diskPath?: string;
  /** Monotonic milliseconds, for rates. Defaults to performance.now(). */
  readonly monotonicMs?: () => number;
}

export function createSystemSampler(options: SystemSamplerOptions = {}, platform: NodeJS.Platform = process.platform): SystemSampler {
  return platform === 'linux' ? new ProcfsSystemSampler(options) : new PortableSystemSampler(options);
}

export class ProcfsSystemSampler implements SystemSampler {
  private readonly disk: DiskUsageReader;
  private readonly monotonicMs: () => number;
  private prevCpu: CpuTimes | undefined;
  private prevNet: NetReading | undefined;

  constructor(options: SystemSamplerOptions = {}) {
    this.disk = new DiskUsageReader(options.diskPath ?? process.cwd());
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  sample(nowMs: number): Promise<SystemSampleResult> {
    const now = this.sampleNow(nowMs);
    return now !== undefined ? Promise.resolve(now) : this.disk.read().then((d) => this.sampleWith(d));
  }

  /** Synchronous once the disk is known to be local (every tick after the first). */
  sampleNow(_nowMs: number): SystemSampleResult | undefined {
    const disk = this.disk.readNow();
    return disk !== undefined ? this.sampleWith(disk) : undefined;
  }

  private sampleWith(disk: DiskUsage | SourceProblem): SystemSampleResult {
    let statText: string;
    let memText: string;
    let netText: string;
    try {
      statText = machineProcFile('stat').read();
      memText = machineProcFile('meminfo').read();
      netText = readNetDev();
    } catch (e) {
      return { kind: 'error', message: l10n.t('Could not read /proc for system figures: {0}.', e instanceof Error ? e.message : String(e)) };
    }
    const atMs = this.monotonicMs();
    const cpu = parseCpuTimes(statText);
    const mem = parseMemInfo(memText);
    if (!cpu || !mem) {
      return { kind: 'error', message: l10n.t('/proc/stat or /proc/meminfo has an unexpected format, so system CPU and memory cannot be measured.') };
    }
    const cpuPercent = this.prevCpu ? systemCpuPercentBetween(this.prevCpu, cpu) : undefined;
    this.prevCpu = cpu;
    const net: NetReading = { atMs, interfaces: parseNetDev(netText) };
    const rates = this.prevNet ? netRatesBetween(this.prevNet, net) : {};
    this.prevNet = net;
    return systemSampleOf({ cpuPercent, memoryTotalBytes: mem.totalBytes, memoryAvailableBytes: mem.availableBytes, disk, rates });
  }
}

/** Some sandboxes hide /proc/net/dev; the other figures are still worth having. */
function readNetDev(): string {
  try {
    return machineProcFile('net/dev').read();
  } catch {
    return '';
  }
}

/** The machine's samples under the names in `Metric`; values that are unknown are left out. */
export function systemStatsToSamples(s: SystemStats): Sample[] {
  return finiteSamples([
    [Metric.systemCpuPercent, s.cpuPercent],
    [Metric.systemMemoryUsedBytes, s.memoryUsedBytes],
    [Metric.systemMemoryTotalBytes, s.memoryTotalBytes],
    [Metric.systemMemoryPercent, s.memoryPercent],
    [Metric.systemDiskUsedBytes, s.diskUsedBytes],
    [Metric.systemDiskTotalBytes, s.diskTotalBytes],
    [Metric.systemDiskPercent, s.diskPercent],
    [Metric.systemNetRxBytesPerSecond, s.netRxBytesPerSecond],
    [Metric.systemNetTxBytesPerSecond, s.netTxBytesPerSecond],
  ]);
}
