import * as l10n from '@vscode/l10n';
/**
 * CPU, memory, file descriptors and threads of the watched process. On Linux it
 * re-reads four small /proc files through kept fds and stats one directory per
 * sample, synchronously (see readProcFileSync and ProcFile for why), and starts no
 * child process; elsewhere `createProcessSampler` returns the pidusage-based sampler.
 */
import { finiteSamples, Metric, Sample } from '../model';
import {
  bootTimeMsSync,
  CheckedStats,
  CLOCK_TICKS_PER_SECOND,
  countOpenFdsSync,
  isDeadState,
  isGoneError,
  machineProcFile,
  parseMaxOpenFiles,
  parseProcStat,
  parseProcStatus,
  parseUptimeSeconds,
  ProcFile,
  procFileReaper,
  ProcStat,
  startTimeMsOf,
} from './procfs';
import { PortableProcessSampler } from './processSamplerPortable';

export interface ProcessStats {
  readonly pid: number;
  /** 100 = one core fully busy, like top and pidstat; undefined on the first sample of a pid. */
  readonly cpuPercent: number | undefined;
  readonly rssBytes: number;
  /** Undefined where it cannot be read (another user's process before Linux 6.2; pidusage platforms). */
  readonly openFds: number | undefined;
  /** Soft RLIMIT_NOFILE; undefined when unlimited or unknown. */
  readonly maxFds: number | undefined;
  readonly threads: number | undefined;
  readonly uptimeSeconds: number;
  readonly startTimeMs: number;
}

/**
 * A sample, or why there is none. `gone` means the process exited (or is a zombie
 * waiting to be reaped), so the collector should look for it again; `error` is
 * anything else (permissions, an unexpected file format) and is worth reporting.
 */
export type ProcessSampleResult =
  | { readonly kind: 'ok'; readonly stats: ProcessStats }
  | { readonly kind: 'gone'; readonly pid: number; readonly message: string }
  | { readonly kind: 'error'; readonly pid: number; readonly message: string };

export interface ProcessSampler {
  /**
   * Samples one process. Never throws.
   * @param nowMs the tick time from the collector's Clock. CPU % is not derived
   *   from it: its denominator is the sampler's own monotonic elapsed time (see
   *   ProcessSamplerOptions), because the numerator is real CPU time and a fake or
   *   stepped wall clock would make the ratio meaningless.
   */
  sample(pid: number, nowMs: number): Promise<ProcessSampleResult>;
  /** The same sample, synchronously, where reading needs no wait (Linux /proc); absent elsewhere. */
  sampleNow?(pid: number, nowMs: number): ProcessSampleResult;
  /** Drops the CPU baseline of a pid that is no longer watched. */
  forget(pid: number): void;
  /** Closes every descriptor this sampler opened (its owner, the ProcessSource, calls it). */
  dispose(): void;
}

export interface ProcessSamplerOptions {
  /** Monotonic milliseconds, for the wall time between two samples. Defaults to performance.now(). */
  readonly monotonicMs?: () => number;
  /**
   * The locator whose per-tick check of the watched process reads its stat just before
   * the sample: that read serves the sample too (one read of /proc/PID/stat a tick, not
   * two). Without it, or when the check did not read this pid, the sampler reads it.
   */
  readonly checkedStats?: Partial<CheckedStats>;
}

export function createProcessSampler(options: ProcessSamplerOptions = {}, platform: NodeJS.Platform = process.platform): ProcessSampler {
  return platform === 'linux' ? new ProcfsProcessSampler(options) : new PortableProcessSampler();
}

interface CpuBaseline {
  startTicks: number;
  cpuTicks: number;
  atMs: number;
}

/** The per-pid files a sample reads, kept open between samples. */
class PidFiles {
  readonly stat: ProcFile;
  readonly status: ProcFile;
  readonly limits: ProcFile;

  constructor(pid: number) {
    this.stat = new ProcFile(`${pid}/stat`);
    this.status = new ProcFile(`${pid}/status`);
    this.limits = new ProcFile(`${pid}/limits`);
  }

  close(): void {
    this.stat.close();
    this.status.close();
    this.limits.close();
  }
}

/**
 * Pids whose files stay open at most. The collector watches one process; a few more
 * cover a restart's old and new pid, and anything beyond closes the oldest, so a
 * caller that never calls forget() cannot pile up fds.
 */
export const MAX_PIDS_WITH_OPEN_FILES = 4;

/** fd/ needs ptrace access: another user's process still gets CPU and memory, without an fd count. */
function openFdsOf(pid: number): number | undefined {
  try {
    return countOpenFdsSync(pid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EACCES') {
      return undefined;
    }
    throw e;
  }
}

/**
 * CPU % between two readings: CPU seconds used / wall seconds elapsed × 100.
 * Undefined when no time passed or the counter went backwards.
 */
export function cpuPercentBetween(prevCpuSeconds: number, prevAtMs: number, cpuSeconds: number, atMs: number): number | undefined {
  const wallSeconds = (atMs - prevAtMs) / 1000;
  const used = cpuSeconds - prevCpuSeconds;
  if (!(wallSeconds > 0) || used < 0) {
    return undefined;
  }
  return (used / wallSeconds) * 100;
}

export class ProcfsProcessSampler implements ProcessSampler {
  private readonly baselines = new Map<number, CpuBaseline>();
  private readonly files = new Map<number, PidFiles>();
  private readonly monotonicMs: () => number;
  private readonly checkedStats: Partial<CheckedStats> | undefined;

  constructor(options: ProcessSamplerOptions = {}) {
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.checkedStats = options.checkedStats;
    const files = this.files;
    // A safety net only: the owner (ProcessSource) closes them in dispose().
    procFileReaper.register(
      this,
      () => {
        for (const f of files.values()) {
          f.close();
        }
      },
      this,
    );
  }

  /** Closes every per-pid /proc fd this sampler opened. */
  dispose(): void {
    for (const pid of [...this.files.keys()]) {
      this.closeFiles(pid);
    }
    this.baselines.clear();
    procFileReaper.unregister(this);
  }

  /** Pids whose /proc files are held open now (for tests and leak checks). */
  get pidsWithOpenFiles(): number[] {
    return [...this.files.keys()];
  }

  private filesOf(pid: number): PidFiles {
    let f = this.files.get(pid);
    if (!f) {
      if (this.files.size >= MAX_PIDS_WITH_OPEN_FILES) {
        const [oldest] = this.files.keys();
        this.closeFiles(oldest!);
      }
      f = new PidFiles(pid);
      this.files.set(pid, f);
    }
    return f;
  }

  private closeFiles(pid: number): void {
    this.files.get(pid)?.close();
    this.files.delete(pid);
  }

  /** Synchronous inside (a few µs of blocking reads); a promise for the ProcessSampler contract. */
  sample(pid: number, _nowMs: number): Promise<ProcessSampleResult> {
    return Promise.resolve(this.sampleNow(pid));
  }

  /** The same sample, synchronously. Never throws. */
  sampleNow(pid: number): ProcessSampleResult {
    // The check that this is still the watched process read its stat a moment ago, in
    // this tick (before the tree walk, a fraction of a ms): the CPU ticks in it are as
    // current as a read here, at CLOCK_TICKS_PER_SECOND's 10 ms resolution.
    let stat: ProcStat | undefined = this.checkedStats?.takeCheckedStat?.(pid);
    let statText = '';
    let statusText: string;
    let limitsText: string;
    let uptimeText: string;
    let openFds: number | undefined;
    let bootMs: number;
    try {
      const files = this.filesOf(pid);
      if (stat === undefined) statText = files.stat.read();
      statusText = files.status.read();
      limitsText = files.limits.read();
      uptimeText = machineProcFile('uptime').read();
      openFds = openFdsOf(pid);
      bootMs = bootTimeMsSync();
    } catch (e) {
      this.closeFiles(pid);
      if (isGoneError(e)) {
        this.baselines.delete(pid);
        return { kind: 'gone', pid, message: l10n.t('The process with pid {0} has exited.', pid) };
      }
      return { kind: 'error', pid, message: l10n.t('Could not read /proc for pid {0}: {1}.', pid, e instanceof Error ? e.message : String(e)) };
    }
    // Read right after the files so the interval matches the tick counts.
    const atMs = this.monotonicMs();
    stat ??= parseProcStat(statText);
    const status = parseProcStatus(statusText);
    const uptime = parseUptimeSeconds(uptimeText);
    if (stat && isDeadState(stat.state)) {
      this.baselines.delete(pid);
      this.closeFiles(pid);
      return { kind: 'gone', pid, message: l10n.t('The process with pid {0} has exited (a zombie its parent has not reaped yet).', pid) };
    }
    if (!stat || status.vmRssBytes === undefined || uptime === undefined) {
      return { kind: 'error', pid, message: l10n.t('/proc/{0} has an unexpected format (no stat fields, VmRSS or uptime); is it a kernel thread?', pid) };
    }
    const cpuTicks = stat.utimeTicks + stat.stimeTicks;
    const prev = this.baselines.get(pid);
    // A different start time means the PID was reused: the old baseline is not ours.
    const cpuPercent =
      prev && prev.startTicks === stat.startTicks
        ? cpuPercentBetween(prev.cpuTicks / CLOCK_TICKS_PER_SECOND, prev.atMs, cpuTicks / CLOCK_TICKS_PER_SECOND, atMs)
        : undefined;
    if (prev) {
      // Updated in place: one baseline object per watched pid, not one per tick.
      prev.startTicks = stat.startTicks;
      prev.cpuTicks = cpuTicks;
      prev.atMs = atMs;
    } else {
      this.baselines.set(pid, { startTicks: stat.startTicks, cpuTicks, atMs });
    }
    return {
      kind: 'ok',
      stats: {
        pid,
        cpuPercent,
        rssBytes: status.vmRssBytes,
        openFds,
        maxFds: parseMaxOpenFiles(limitsText),
        threads: status.threads ?? stat.numThreads,
        uptimeSeconds: Math.max(0, uptime - stat.startTicks / CLOCK_TICKS_PER_SECOND),
        startTimeMs: startTimeMsOf(stat, bootMs),
      },
    };
  }

  forget(pid: number): void {
    this.baselines.delete(pid);
    this.closeFiles(pid);
  }
}

/** The process' samples under the names in `Metric`; values that are unknown are left out. */
export function processStatsToSamples(s: ProcessStats): Sample[] {
  return finiteSamples([
    [Metric.processCpuPercent, s.cpuPercent],
    [Metric.processRssBytes, s.rssBytes],
    [Metric.processOpenFds, s.openFds],
    [Metric.processMaxFds, s.maxFds],
    [Metric.processThreads, s.threads],
    [Metric.processUptimeSeconds, s.uptimeSeconds],
  ]);
}
