/**
 * Reading Linux /proc. Every parser is a pure function of the file's text so it can
 * be tested with fixtures; the readers around them are thin `fs.promises` calls.
 * Nothing here starts a child process: the monitor samples every tick, and a
 * fork+exec per tick would cost more than the whole measurement.
 */
import { promises as fsp } from 'node:fs';

/**
 * USER_HZ, the unit of the tick counts in /proc/PID/stat and /proc/stat. The kernel
 * exposes a fixed 100 to user space on every architecture Node runs on, whatever
 * CONFIG_HZ is; asking `getconf CLK_TCK` would mean a child process, so the unit
 * test checks this constant against getconf instead.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/PID/stat the monitor uses. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  /** The executable name the kernel keeps (at most 15 characters; may hold spaces and parentheses). */
  readonly comm: string;
  /** R, S, D, Z (zombie), X (dead), T, t, I… */
  readonly state: string;
  readonly ppid: number;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  readonly numThreads: number;
  /** Start time after boot, in clock ticks. */
  readonly startTicks: number;
}

/**
 * Parses /proc/PID/stat. `comm` is the only field that can hold spaces or ')', so
 * it is everything between the first '(' and the LAST ')'; the numbered fields
 * follow the last ')'. Returns undefined for text that is not a stat line.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) {
    return undefined;
  }
  const pid = Number(text.slice(0, open).trim());
  // After ')': field 3 (state) is index 0, so field N is index N - 3.
  const f = text.slice(close + 1).trim().split(/\s+/);
  const num = (field: number): number => Number(f[field - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: f[0] ?? '',
    ppid: num(4),
    utimeTicks: num(14),
    stimeTicks: num(15),
    numThreads: num(20),
    startTicks: num(22),
  };
  const numbers = [stat.pid, stat.ppid, stat.utimeTicks, stat.stimeTicks, stat.numThreads, stat.startTicks];
  return numbers.every(Number.isFinite) && stat.state !== '' ? stat : undefined;
}

/** True for a process that has exited but not been reaped (or is being torn down). */
export function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/** The fields of /proc/PID/status the monitor uses. */
export interface ProcStatus {
  /** Resident set size, exact (the kB value × 1024). Absent for zombies and kernel threads. */
  readonly vmRssBytes?: number;
  readonly threads?: number;
}

export function parseProcStatus(text: string): ProcStatus {
  const rss = /^VmRSS:\s+(\d+)\s*kB/m.exec(text);
  const threads = /^Threads:\s+(\d+)/m.exec(text);
  return {
    vmRssBytes: rss ? Number(rss[1]) * 1024 : undefined,
    threads: threads ? Number(threads[1]) : undefined,
  };
}

/** /proc/PID/cmdline: arguments separated (and usually ended) by NUL. */
export function parseCmdline(text: string): string[] {
  const args = text.split('\0');
  while (args.length > 0 && args[args.length - 1] === '') {
    args.pop();
  }
  return args;
}

/** The soft "Max open files" limit from /proc/PID/limits; undefined when unlimited or absent. */
export function parseMaxOpenFiles(text: string): number | undefined {
  const m = /^Max open files\s+(\S+)/m.exec(text);
  if (!m || m[1] === 'unlimited') {
    return undefined;
  }
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : undefined;
}

/** Whole-machine CPU time from the first line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  readonly totalTicks: number;
  /** idle + iowait: time the CPUs had nothing to run. */
  readonly idleTicks: number;
}

/**
 * Parses the aggregate `cpu` line of /proc/stat. guest and guest_nice are left out
 * of the total because the kernel already counts them inside user and nice.
 */
export function parseCpuTimes(text: string): CpuTimes | undefined {
  const m = /^cpu\s+([\d\s]+)$/m.exec(text);
  if (!m) {
    return undefined;
  }
  const v = m[1]!.trim().split(/\s+/).map(Number);
  if (v.length < 4 || !v.every(Number.isFinite)) {
    return undefined;
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  return {
    totalTicks: user + nice + system + idle + iowait + irq + softirq + steal,
    idleTicks: idle + iowait,
  };
}

/** `btime` of /proc/stat: boot time, seconds since the epoch. */
export function parseBootTimeSeconds(text: string): number | undefined {
  const m = /^btime\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface MemInfo {
  readonly totalBytes: number;
  readonly availableBytes: number;
}

/**
 * MemTotal and MemAvailable from /proc/meminfo. Kernels older than 3.14 lack
 * MemAvailable; MemFree + Buffers + Cached is the usual stand-in there.
 */
export function parseMemInfo(text: string): MemInfo | undefined {
  const kb = (key: string): number | undefined => {
    const m = new RegExp('^' + key + ':\\s+(\\d+)', 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  if (total === undefined) {
    return undefined;
  }
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  return { totalBytes: total, availableBytes: available };
}

export interface InterfaceCounters {
  readonly rxBytes: number;
  readonly txBytes: number;
}

/** Byte counters per interface from /proc/net/dev (loopback included; callers decide). */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    // The two header lines contain '|' and no "name:" prefix.
    if (colon < 0 || line.includes('|')) {
      continue;
    }
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // Receive has 8 columns, so transmit bytes is the 9th.
    const rx = f[0];
    const tx = f[8];
    if (name !== '' && rx !== undefined && tx !== undefined && Number.isFinite(rx) && Number.isFinite(tx)) {
      out.set(name, { rxBytes: rx, txBytes: tx });
    }
  }
  return out;
}

/** Seconds since boot, the first number of /proc/uptime. */
export function parseUptimeSeconds(text: string): number | undefined {
  const n = Number(text.trim().split(/\s+/)[0]);
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

/** A listening TCP socket from /proc/net/tcp or tcp6. */
export interface TcpListener {
  readonly address: string;
  readonly port: number;
  readonly inode: number;
}

const TCP_LISTEN = '0A';

/** The LISTEN sockets of /proc/net/tcp or /proc/net/tcp6 text. */
export function parseTcpListeners(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    const local = f[1];
    const inode = Number(f[9]);
    if (f[3] !== TCP_LISTEN || local === undefined || !(inode > 0)) {
      continue;
    }
    const [addrHex = '', portHex = ''] = local.split(':');
    const port = parseInt(portHex, 16);
    if (Number.isFinite(port)) {
      out.push({ address: decodeProcAddress(addrHex), port, inode });
    }
  }
  return out;
}

/**
 * The kernel prints addresses as 32-bit words in host byte order (little-endian on
 * x86 and arm), so each 8-hex-digit word has its bytes reversed.
 */
export function decodeProcAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w + 8 <= hex.length; w += 8) {
    for (let b = 3; b >= 0; b--) {
      bytes.push(parseInt(hex.slice(w + b * 2, w + b * 2 + 2), 16));
    }
  }
  if (bytes.length === 4) {
    return bytes.join('.');
  }
  const groups: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  }
  return formatIpv6(groups);
}

/** RFC 5952 text: lowercase hex, the longest run of two or more zero groups as '::'. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) {
    return hex.join(':');
  }
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** The socket inode of an fd link target like `socket:[12345]`, else undefined. */
export function socketInode(linkTarget: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(linkTarget);
  return m ? Number(m[1]) : undefined;
}

// ---- readers ----------------------------------------------------------------

export const PROC_ROOT = '/proc';

/** True for the errors /proc gives when the process no longer exists. */
export function isGoneError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

export function readProcFile(relativePath: string): Promise<string> {
  return fsp.readFile(`${PROC_ROOT}/${relativePath}`, 'utf8');
}

/** /proc/PID/stat parsed; rejects with ENOENT when the process is gone. */
export async function readProcStat(pid: number): Promise<ProcStat> {
  const stat = parseProcStat(await readProcFile(`${pid}/stat`));
  if (!stat) {
    throw new Error(`/proc/${pid}/stat has an unexpected format`);
  }
  return stat;
}

export async function readCmdline(pid: number): Promise<string[]> {
  return parseCmdline(await readProcFile(`${pid}/cmdline`));
}

/** Open file descriptors: the entries of /proc/PID/fd (needs the same user, or root). */
export async function countOpenFds(pid: number): Promise<number> {
  return (await fsp.readdir(`${PROC_ROOT}/${pid}/fd`)).length;
}

/** PIDs of every process visible in /proc. */
export async function listPids(): Promise<number[]> {
  const names = await fsp.readdir(PROC_ROOT);
  const pids: number[] = [];
  for (const n of names) {
    if (/^\d+$/.test(n)) {
      pids.push(Number(n));
    }
  }
  return pids;
}

/**
 * Socket inodes held by a process (from its /proc/PID/fd links). Empty when the fd
 * directory cannot be read: another user's process, or one that just exited.
 */
export async function socketInodesOf(pid: number): Promise<number[]> {
  let fds: string[];
  try {
    fds = await fsp.readdir(`${PROC_ROOT}/${pid}/fd`);
  } catch {
    return [];
  }
  const links = await Promise.all(fds.map((fd) => fsp.readlink(`${PROC_ROOT}/${pid}/fd/${fd}`).catch(() => '')));
  const inodes: number[] = [];
  for (const l of links) {
    const inode = socketInode(l);
    if (inode !== undefined) {
      inodes.push(inode);
    }
  }
  return inodes;
}

/** Every LISTEN TCP socket of this network namespace, IPv4 and IPv6. */
export async function readTcpListeners(): Promise<TcpListener[]> {
  const texts = await Promise.all(['net/tcp', 'net/tcp6'].map((p) => readProcFile(p).catch(() => '')));
  return texts.flatMap(parseTcpListeners);
}

let bootTimeMsPromise: Promise<number> | undefined;

/**
 * Boot time in ms since the epoch, read once per process: the kernel recomputes
 * `btime` from the wall clock on every read, so it can move by a second after an
 * NTP step, and a start time must not change between two reads.
 */
export function bootTimeMs(): Promise<number> {
  if (!bootTimeMsPromise) {
    const p = readProcFile('stat').then((t) => {
      const s = parseBootTimeSeconds(t);
      if (s === undefined) {
        throw new Error('/proc/stat has no btime line');
      }
      return s * 1000;
    });
    // A failed read is not cached, so the next call tries again.
    void p.catch(() => {
      bootTimeMsPromise = undefined;
    });
    bootTimeMsPromise = p;
  }
  return bootTimeMsPromise;
}

/** Process start time in ms since the epoch, from its starttime ticks. */
export function startTimeMsOf(stat: ProcStat, bootMs: number): number {
  return bootMs + (stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000;
}
