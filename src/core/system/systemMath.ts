/**
 * The arithmetic of system figures, as pure functions of two readings so the rules
 * (rates over real elapsed time, counter resets skipped) are tested with fixtures.
 */
import type { SourceProblem } from '../model';
import type { CpuTimes, InterfaceCounters } from '../process/procfs';
import type { DiskUsage } from './diskUsage';
import type { SystemSampleResult } from './systemSampler';

/** Busy share of the whole machine between two /proc/stat readings; 100 = every CPU busy. */
export function systemCpuPercentBetween(prev: CpuTimes, next: CpuTimes): number | undefined {
  const total = next.totalTicks - prev.totalTicks;
  const idle = next.idleTicks - prev.idleTicks;
  if (!(total > 0) || idle < 0 || idle > total) {
    return undefined;
  }
  return ((total - idle) / total) * 100;
}

/** Interface byte counters at one moment of a monotonic clock. */
export interface NetReading {
  readonly atMs: number;
  readonly interfaces: ReadonlyMap<string, InterfaceCounters>;
}

export interface NetRates {
  readonly rxBytesPerSecond?: number;
  readonly txBytesPerSecond?: number;
}

/**
 * Receive/transmit rates summed over interfaces other than loopback (traffic to
 * ourselves is not network load), divided by the real time between the readings.
 * An interface seen in only one reading is left out of that interval (it appeared
 * or vanished); a counter that went backwards (reset, 32-bit wrap) makes that
 * direction unknown for the interval rather than a huge or negative number.
 */
export function netRatesBetween(prev: NetReading, next: NetReading): NetRates {
  const seconds = (next.atMs - prev.atMs) / 1000;
  if (!(seconds > 0)) {
    return {};
  }
  let rx = 0;
  let tx = 0;
  let rxValid = true;
  let txValid = true;
  for (const [name, n] of next.interfaces) {
    const p = prev.interfaces.get(name);
    if (name === 'lo' || !p) {
      continue;
    }
    const dRx = n.rxBytes - p.rxBytes;
    const dTx = n.txBytes - p.txBytes;
    if (dRx < 0) {
      rxValid = false;
    } else {
      rx += dRx;
    }
    if (dTx < 0) {
      txValid = false;
    } else {
      tx += dTx;
    }
  }
  return {
    rxBytesPerSecond: rxValid ? rx / seconds : undefined,
    txBytesPerSecond: txValid ? tx / seconds : undefined,
  };
}

/**
 * A sample from the parts both samplers read (/proc or systeminformation): memory
 * "used" is total − available, and a disk that could not be read is a problem
 * sentence while CPU, memory and network are still reported.
 */
export function systemSampleOf(parts: {
  readonly cpuPercent: number | undefined;
  readonly memoryTotalBytes: number;
  readonly memoryAvailableBytes: number;
  readonly disk: DiskUsage | SourceProblem;
  readonly rates: Partial<NetRates>;
}): SystemSampleResult {
  const { cpuPercent, memoryTotalBytes: total, disk, rates } = parts;
  const used = total - parts.memoryAvailableBytes;
  const diskOk = 'usedBytes' in disk;
  return {
    kind: 'ok',
    problems: diskOk ? [] : [disk],
    stats: {
      cpuPercent,
      memoryUsedBytes: used,
      memoryTotalBytes: total,
      memoryPercent: total > 0 ? (used / total) * 100 : 0,
      diskUsedBytes: diskOk ? disk.usedBytes : undefined,
      diskTotalBytes: diskOk ? disk.totalBytes : undefined,
      diskPercent: diskOk ? disk.percent : undefined,
      netRxBytesPerSecond: rates.rxBytesPerSecond,
      netTxBytesPerSecond: rates.txBytesPerSecond,
    },
  };
}
