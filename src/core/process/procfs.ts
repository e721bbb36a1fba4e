/**
 * Reading Linux /proc. Every parser is a pure function of the file's text so it can
 * be tested with fixtures; the readers around them are thin fs calls. Nothing here
 * starts a child process: the monitor samples every tick, and a fork+exec per tick
 * would cost more than the whole measurement.
 *
 * The parsers of the files read every tick scan with indexOf and char codes instead
 * of split/regex: they run once a second in the extension host for as long as it
 * lives, and a split of /proc/PID/stat alone makes fifty strings.
 */
import { closeSync, promises as fsp, openSync, readdirSync, readSync, statSync } from 'node:fs';

/**
 * USER_HZ, the unit of the tick counts in /proc/PID/stat and /proc/stat. The kernel
 * exposes a fixed 100 to user space on every architecture Node runs on, whatever
 * CONFIG_HZ is; asking `getconf CLK_TCK` would mean a child process, so the unit
 * test checks this constant against getconf instead.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

const CH_NL = 10;
const CH_SPACE = 32;
const CH_TAB = 9;

function isBlankCode(c: number): boolean {
  // What /proc puts between fields: spaces and tabs (\v, \f and \r never appear).
  return c === CH_SPACE || c === CH_TAB;
}

/** Index of the first non-blank character at or after i (stopping at end). */
function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlankCode(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

/** Index just past the token (run of non-blank, non-newline characters) that starts at i. */
function tokenEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isBlankCode(c) || c === CH_NL) {
      break;
    }
    i++;
  }
  return i;
}

/** The unsigned decimal integer text[start, end), or NaN when it is empty or holds anything else. */
function decimalAt(text: string, start: number, end: number): number {
  if (start >= end) {
    return Number.NaN;
  }
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return Number.NaN;
    }
    n = n * 10 + d;
  }
  return n;
}

/**
 * Where the value of a `key` line starts (just past the key), or -1. The key must
 * start a line, as the `^` of the regexes this replaces required: `Cached:` must not
 * find `SwapCached:`.
 */
function lineValueStart(text: string, key: string): number {
  if (text.startsWith(key)) {
    return key.length;
  }
  const i = text.indexOf('\n' + key);
  return i < 0 ? -1 : i + 1 + key.length;
}

/** The number after `key` and at least one blank, at the start of a line; undefined when absent. */
function lineNumber(text: string, key: string): number | undefined {
  const at = lineValueStart(text, key);
  if (at < 0) {
    return undefined;
  }
  const start = skipBlanks(text, at, text.length);
  if (start === at) {
    return undefined;
  }
  let end = start;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) {
    end++;
  }
  return end > start ? decimalAt(text, start, end) : undefined;
}

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
  // After ')': field 3 (state) is the first token, so field N is token N - 3. Only
  // the fields needed are converted; the scan stops after field 22.
  let state = '';
  let ppid = Number.NaN;
  let utimeTicks = Number.NaN;
  let stimeTicks = Number.NaN;
  let numThreads = Number.NaN;
  let startTicks = Number.NaN;
  const end = text.length;
  let i = close + 1;
  for (let field = 3; field <= 22; field++) {
    i = skipBlanks(text, i, end);
    if (i < end && text.charCodeAt(i) === CH_NL) {
      i = skipBlanks(text, i + 1, end);
    }
    if (i >= end) {
      break;
    }
    const e = tokenEnd(text, i, end);
    switch (field) {
      case 3:
        state = text.slice(i, e);
        break;
      case 4:
        ppid = decimalAt(text, i, e);
        break;
      case 14:
        utimeTicks = decimalAt(text, i, e);
        break;
      case 15:
        stimeTicks = decimalAt(text, i, e);
        break;
      case 20:
        numThreads = decimalAt(text, i, e);
        break;
      case 22:
        startTicks = decimalAt(text, i, e);
        break;
    }
    i = e;
  }
  if (state === '' || !Number.isFinite(pid + ppid + utimeTicks + stimeTicks + numThreads + startTicks)) {
    return undefined;
  }
  return { pid, comm: text.slice(open + 1, close), state, ppid, utimeTicks, stimeTicks, numThreads, startTicks };
}

/**
 * Hands the stat that a check of a process just read to the next sample of it. The
 * tick checks that the watched process is still the same one (its stat, through the
 * locator) and then samples it (its stat again, through the sampler) within the same
 * millisecond: one read serves both (issue 20).
 */
export interface CheckedStats {
  /**
   * The stat the last check of `pid` read and parsed, at most once: any call takes
   * what is held, so a read serves the one sample that follows its check and is never
   * used again, however long the next check is in coming.
   */
  takeCheckedStat(pid: number): ProcStat | undefined;
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
  const rssKb = lineNumber(text, 'VmRSS:');
  return {
    vmRssBytes: rssKb !== undefined && followedByKb(text, 'VmRSS:') ? rssKb * 1024 : undefined,
    threads: lineNumber(text, 'Threads:'),
  };
}

/** True when the number on the `key` line is followed by its `kB` unit (a value in other units is not ours to scale). */
function followedByKb(text: string, key: string): boolean {
  let i = skipBlanks(text, lineValueStart(text, key), text.length);
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
    i++;
  }
  i = skipBlanks(text, i, text.length);
  return text.startsWith('kB', i);
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
  const at = lineValueStart(text, 'Max open files');
  if (at < 0) {
    return undefined;
  }
  const start = skipBlanks(text, at, text.length);
  const end = tokenEnd(text, start, text.length);
  if (start === at || end === start) {
    return undefined;
  }
  const token = text.slice(start, end);
  if (token === 'unlimited') {
    return undefined;
  }
  const n = Number(token);
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
  // The aggregate line is `cpu` followed by blanks (`cpu0` is the first CPU's own line).
  let i = text.startsWith('cpu') && isBlankCode(text.charCodeAt(3)) ? 3 : -1;
  if (i < 0) {
    const j = text.search(/\ncpu[ \t]/);
    if (j < 0) {
      return undefined;
    }
    i = j + 4;
  }
  let lineEnd = text.indexOf('\n', i);
  if (lineEnd < 0) {
    lineEnd = text.length;
  }
  // user nice system idle iowait irq softirq steal [guest guest_nice]
  const v = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  for (;;) {
    i = skipBlanks(text, i, lineEnd);
    if (i >= lineEnd) {
      break;
    }
    const e = tokenEnd(text, i, lineEnd);
    const n = decimalAt(text, i, e);
    if (!Number.isFinite(n)) {
      return undefined;
    }
    if (count < v.length) {
      v[count] = n;
    }
    count++;
    i = e;
  }
  if (count < 4) {
    return undefined;
  }
  // guest and guest_nice are left out: the kernel already counts them inside user and nice.
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
    const n = lineNumber(text, key);
    return n === undefined ? undefined : n * 1024;
  };
  const total = kb('MemTotal:');
  if (total === undefined) {
    return undefined;
  }
  const available = kb('MemAvailable:') ?? (kb('MemFree:') ?? 0) + (kb('Buffers:') ?? 0) + (kb('Cached:') ?? 0);
  return { totalBytes: total, availableBytes: available };
}

export interface InterfaceCounters {
  readonly rxBytes: number;
  readonly txBytes: number;
}

/** Byte counters per interface from /proc/net/dev (loopback included; callers decide). */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  const end = text.length;
  for (let lineStart = 0; lineStart < end; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) {
      lineEnd = end;
    }
    const colon = text.indexOf(':', lineStart);
    // The two header lines contain '|' and no "name:" prefix.
    const bar = text.indexOf('|', lineStart);
    if (colon >= 0 && colon < lineEnd && !(bar >= 0 && bar < lineEnd)) {
      const nameStart = skipBlanks(text, lineStart, colon);
      let nameEnd = colon;
      while (nameEnd > nameStart && isBlankCode(text.charCodeAt(nameEnd - 1))) {
        nameEnd--;
      }
      // Receive has 8 columns, so transmit bytes is the 9th.
      let rx = Number.NaN;
      let tx = Number.NaN;
      let i = colon + 1;
      for (let col = 0; col <= 8; col++) {
        i = skipBlanks(text, i, lineEnd);
        if (i >= lineEnd) {
          break;
        }
        const e = tokenEnd(text, i, lineEnd);
        if (col === 0) {
          rx = decimalAt(text, i, e);
        } else if (col === 8) {
          tx = decimalAt(text, i, e);
        }
        i = e;
      }
      if (nameEnd > nameStart && Number.isFinite(rx) && Number.isFinite(tx)) {
        out.set(text.slice(nameStart, nameEnd), { rxBytes: rx, txBytes: tx });
      }
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

/** Seconds since boot, the first number of /proc/uptime. */
export function parseUptimeSeconds(text: string): number | undefined {
  const start = skipBlanks(text, 0, text.length);
  const end = tokenEnd(text, start, text.length);
  if (end === start) {
    return undefined;
  }
  const n = Number(text.slice(start, end));
  return Number.isFinite(n) ? n : undefined;
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

/**
 * Reads a /proc file with fs.promises. For the scans (every process' stat and
 * cmdline while looking for the target), whose number of files has no bound: they
 * must not hold the extension host's event loop for their whole length.
 */
export function readProcFile(relativePath: string): Promise<string> {
  return fsp.readFile(`${PROC_ROOT}/${relativePath}`, 'utf8');
}

/** Bytes a /proc read starts with; grown (and kept) when a file is larger. */
const INITIAL_READ_BUFFER_BYTES = 16 * 1024;
/** One buffer for every synchronous /proc read: they cannot interleave, so one is enough. */
let readBuffer: Buffer | undefined;

/**
 * A read of a /proc file that returns fewer bytes than this (and than it asked for)
 * reached the end, so the read that would return 0 is not made. The files read here
 * are made by the kernel's seq_file: one read returns whole records until the
 * records end or its own buffer (a page, 4 KiB, at least) would overflow. A file of
 * one record (stat, status, limits, uptime, meminfo, /proc/stat) therefore comes in
 * one read when it fits the room; a file of many short records (net/dev's lines,
 * a thread's children) stops short of the end only after more than a page less its
 * longest record — more than half a page, as no record of these files comes near 2 KiB.
 * So readProcFileSync and ProcFile are for files the kernel makes with seq_file.
 */
export const SHORT_READ_ENDS_FILE_BYTES = 2048;

/**
 * Reads an open /proc file from offset 0 to its end into the shared buffer. pread at
 * offset 0 makes the kernel generate the file afresh, so a kept fd reads current values.
 * One read for each of a tick's small files, not two (see SHORT_READ_ENDS_FILE_BYTES).
 */
function readWholeFd(fd: number): string {
  let buf = readBuffer ?? (readBuffer = Buffer.allocUnsafe(INITIAL_READ_BUFFER_BYTES));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      // /proc files report size 0, so a big one (a 256-CPU /proc/stat) is found by filling the buffer.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, length);
      buf = readBuffer = bigger;
    }
    const room = buf.length - length;
    const n = readSync(fd, buf, length, room, length);
    length += n;
    if (n === 0 || (n < room && n < SHORT_READ_ENDS_FILE_BYTES)) {
      break;
    }
  }
  return buf.toString('utf8', 0, length);
}

/**
 * Reads a /proc file synchronously into a reused buffer. For the few small files
 * read every tick: /proc files are generated in memory by the kernel and never wait
 * on a disk, so a blocking read takes a few µs, while fs.promises pays a thread-pool
 * round trip, a FileHandle and several promises per file (about 6× the CPU per tick).
 * Throws the fs error (ENOENT, ESRCH when the process is gone, EACCES).
 */
export function readProcFileSync(relativePath: string): string {
  const fd = openSync(`${PROC_ROOT}/${relativePath}`, 'r');
  try {
    return readWholeFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A /proc file opened once and re-read every tick. Opening is most of the cost of a
 * /proc read (the kernel resolves /proc/PID/… path by path), so the per-tick files
 * keep their fd. A kept /proc/PID fd belongs to that process, not to the number: once
 * it exits, reads fail with ESRCH even if a new process gets the same PID.
 */
export class ProcFile {
  private fd: number | undefined;

  constructor(
    /** Relative to /proc, like `1234/stat` or `meminfo`. */
    readonly relativePath: string,
  ) {}

  /** True while an fd is held. */
  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** The file's current text. Throws the fs error; the fd is then closed, and the next read opens again. */
  read(): string {
    try {
      this.fd ??= openSync(`${PROC_ROOT}/${this.relativePath}`, 'r');
      return readWholeFd(this.fd);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch {
        // Already closed: nothing to give back.
      }
    }
  }
}

/**
 * Closes the ProcFiles an owner kept when the owner is garbage-collected without
 * having closed them (a sampler dropped on reconfiguration), so fds cannot leak.
 * Register the owner with a function that closes its files and does not capture it.
 */
export const procFileReaper = new FinalizationRegistry<() => void>((closeAll) => closeAll());

const machineFiles = new Map<string, ProcFile>();

/**
 * The one shared ProcFile of a machine-wide file (`stat`, `meminfo`, `net/dev`,
 * `uptime`). Shared by every sampler and kept open for the life of the process: a
 * handful of fds, instead of one set per sampler that nobody closes.
 */
export function machineProcFile(relativePath: 'stat' | 'meminfo' | 'net/dev' | 'uptime'): ProcFile {
  let f = machineFiles.get(relativePath);
  if (!f) {
    f = new ProcFile(relativePath);
    machineFiles.set(relativePath, f);
  }
  return f;
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

/**
 * Open file descriptors of a process (needs the same user, or root; throws EACCES
 * otherwise). Since Linux 6.2 the size of the /proc/PID/fd directory is that count,
 * so one stat answers without listing a server's thousand sockets; older kernels
 * report 0 there and the directory is listed instead. (A process with no fd at all
 * is listed too, and the answer is still 0.)
 */
export function countOpenFdsSync(pid: number): number {
  const dir = `${PROC_ROOT}/${pid}/fd`;
  const size = statSync(dir).size;
  return size > 0 ? size : readdirSync(dir).length;
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

/**
 * Every LISTEN TCP socket of this network namespace, IPv4 and IPv6; with a pid, of
 * that process' namespace (/proc/PID/net).
 */
export async function readTcpListeners(pid?: number): Promise<TcpListener[]> {
  const dir = pid === undefined ? 'net' : `${pid}/net`;
  const texts = await Promise.all([`${dir}/tcp`, `${dir}/tcp6`].map((p) => readProcFile(p).catch(() => '')));
  return texts.flatMap(parseTcpListeners);
}

let bootMs: number | undefined;

/**
 * Boot time in ms since the epoch, read once per process: the kernel recomputes
 * `btime` from the wall clock on every read, so it can move by a second after an
 * NTP step, and a start time must not change between two reads. Throws when
 * /proc/stat cannot be read or has no btime; a failure is not cached, so the next
 * call tries again.
 */
export function bootTimeMsSync(): number {
  if (bootMs === undefined) {
    const s = parseBootTimeSeconds(readProcFileSync('stat'));
    if (s === undefined) {
      throw new Error('/proc/stat has no btime line');
    }
    bootMs = s * 1000;
  }
  return bootMs;
}

/** bootTimeMsSync as a promise, for the async callers (rejects instead of throwing). */
export function bootTimeMs(): Promise<number> {
  try {
    return Promise.resolve(bootTimeMsSync());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

/** Process start time in ms since the epoch, from its starttime ticks. */
export function startTimeMsOf(stat: ProcStat, bootMs: number): number {
  return bootMs + (stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000;
}
