/**
 * Measuring helpers shared by the benchmarks: order statistics, CPU time that
 * includes reaped children, and A/B rounds.
 *
 * Why rounds: this machine is shared and noisy. Running ours and the comparison
 * in alternating rounds (A B A B …) makes a burst of noise hit both, so the ratio
 * stays meaningful even when the absolute figures move.
 */
import { openSync, readFileSync, readSync } from 'node:fs';

/** The q-quantile (0..1) of the values, nearest rank on a sorted copy; NaN when empty. */
export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Median, p99, mean, n of a list of measurements, all in the list's unit. */
export interface Distribution {
  readonly median: number;
  readonly p99: number;
  readonly mean: number;
  readonly n: number;
}

export function distributionOf(values: readonly number[]): Distribution {
  return { median: medianOf(values), p99: quantileOf(values, 0.99), mean: meanOf(values), n: values.length };
}

/** USER_HZ: the unit of cutime/cstime in /proc/self/stat (fixed at 100 for user space). */
const CHILD_TICKS_PER_SECOND = 100;

/**
 * CPU time of children this process has waited for, in µs, from /proc/self/stat
 * (cutime + cstime). process.cpuUsage() leaves children out, and a library that
 * execs `df` per tick must pay for it. 10 ms resolution: use over many ticks.
 */
export function reapedChildrenCpuUs(): number {
  try {
    const text = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the last ')' start at field 3 (state); cutime is field 16, cstime 17.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(f[16 - 3]);
    const cstime = Number(f[17 - 3]);
    return ((cutime + cstime) * 1_000_000) / CHILD_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** This process' CPU time in µs (all threads, user + system). */
export function selfCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU µs of this process plus its reaped children. */
export function cpuWithChildrenUs(): number {
  return selfCpuUs() + reapedChildrenCpuUs();
}

export function wallMs(): number {
  return performance.now();
}

/**
 * CPU time of the main thread (µs): the kernel's schedstat of this thread, read
 * through a kept-open descriptor. process.cpuUsage() also counts V8's compiler and GC
 * helper threads. The kernel brings a running thread's figure up to date at its
 * scheduler ticks only (a few ms), so it serves for the whole measurement, not for a
 * call. Undefined where the file is not there.
 */
export function mainThreadCpuClock(): (() => number) | undefined {
  try {
    const fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    const buf = Buffer.alloc(128);
    const read = (): number => {
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.toString('latin1', 0, n);
      return Number(text.slice(0, text.indexOf(' '))) / 1000;
    };
    return Number.isFinite(read()) ? read : undefined;
  } catch {
    return undefined;
  }
}

/** Cost of one batch of `ops` operations: per-op CPU µs (self and children) and wall ms. */
export interface BatchCost {
  readonly ops: number;
  readonly cpuUsPerOp: number;
  readonly childCpuUsPerOp: number;
  readonly wallMsPerOp: number;
}

/** Runs `fn` `ops` times one after another and returns the per-op cost. */
export async function costOfBatch(ops: number, fn: () => Promise<unknown> | unknown): Promise<BatchCost> {
  const c0 = selfCpuUs();
  const k0 = reapedChildrenCpuUs();
  const w0 = wallMs();
  for (let i = 0; i < ops; i++) {
    await fn();
  }
  const wall = wallMs() - w0;
  const self = selfCpuUs() - c0;
  const kids = reapedChildrenCpuUs() - k0;
  return { ops, cpuUsPerOp: (self + kids) / ops, childCpuUsPerOp: kids / ops, wallMsPerOp: wall / ops };
}

/** Times each call separately: per-call CPU µs and wall ms (synchronous or async `fn`). */
export async function perCall(calls: number, fn: () => Promise<unknown> | unknown): Promise<{ cpuUs: number[]; wallMs: number[] }> {
  const cpuUs: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < calls; i++) {
    const c0 = selfCpuUs();
    const w0 = wallMs();
    await fn();
    wall.push(wallMs() - w0);
    cpuUs.push(selfCpuUs() - c0);
  }
  return { cpuUs, wallMs: wall };
}

/** Waits `ms` on a referenced timer (keeps the process alive, unlike the monitor's clock). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
