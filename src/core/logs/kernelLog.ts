/**
 * The kernel's word on the watched process: an OOM kill of its pid, read from
 * /dev/kmsg (non-blocking, in this process). The systemd journal is binary and would
 * need `journalctl` (a child process), so it is not read; when /dev/kmsg is not readable
 * (containers, no CAP_SYSLOG with dmesg_restrict=1) the result says so in a sentence.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';

export interface OomKill {
  readonly pid: number;
  /** Process name the kernel printed. */
  readonly name: string;
  /** Epoch ms, from the record's monotonic time and the boot time (approximate). */
  readonly timeMs?: number;
  /** The kernel's line, as written. */
  readonly text: string;
}

export type KernelOomResult = { readonly readable: true; readonly kills: readonly OomKill[] } | { readonly readable: false; readonly sentence: string };

const OOM = /(?:Out of memory: Killed process|Killed process|oom-kill:.*?task=([^,]*),pid=(\d+)|Memory cgroup out of memory: Killed process) ?(\d+)? ?\(?([^)\s,]*)\)?/;

/** The OOM kill records in kernel log text (one record per line; `/dev/kmsg` or `dmesg` shape). */
export function parseOomKills(text: string, bootTimeMs?: number): OomKill[] {
  const out: OomKill[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.includes('Killed process') && !raw.includes('oom-kill:')) continue;
    // /dev/kmsg: "pri,seq,usec,flags;message"
    const kmsg = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/.exec(raw);
    const message = kmsg ? kmsg[4]! : raw.replace(/^\[\s*[\d.]+\]\s*/, '');
    const m = OOM.exec(message);
    if (!m) continue;
    const pid = Number(m[2] ?? m[3]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const name = m[1] ?? m[4] ?? '';
    const timeMs = kmsg && bootTimeMs !== undefined ? bootTimeMs + Number(kmsg[3]) / 1000 : undefined;
    if (out.some((k) => k.pid === pid && k.text === message)) continue;
    out.push({ pid, name, ...(timeMs !== undefined ? { timeMs } : {}), text: message });
  }
  return out;
}

export interface KernelLogOptions {
  /** Default /dev/kmsg. */
  readonly path?: string;
  /** Most records read (default 20,000). */
  readonly maxRecords?: number;
  readonly nowMs?: number;
}

/** Reads the kernel ring buffer once, without blocking, and returns the OOM kills in it. */
export function readKernelOomKills(opts: KernelLogOptions = {}): KernelOomResult {
  const p = opts.path ?? '/dev/kmsg';
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return { readable: false, sentence: notReadable(p, (err as NodeJS.ErrnoException).code) };
  }
  const chunks: string[] = [];
  const buf = Buffer.allocUnsafe(8192);
  try {
    for (let i = 0; i < (opts.maxRecords ?? 20_000); i++) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break; // end of the ring
        if (code === 'EPIPE') continue; // records overwritten while reading
        if (i === 0) return { readable: false, sentence: notReadable(p, code) };
        break;
      }
      if (n <= 0) break;
      const s = buf.toString('utf8', 0, n);
      chunks.push(s.endsWith('\n') ? s : s + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return { readable: true, kills: parseOomKills(chunks.join(''), bootTimeMs(opts.nowMs ?? Date.now())) };
}

function bootTimeMs(nowMs: number): number | undefined {
  try {
    const up = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(up) ? nowMs - up * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function notReadable(p: string, code: string | undefined): string {
  return l10n.t('The kernel log ({0}) is not readable here ({1}), so an out-of-memory kill of the server would not be seen; the journal is not read because that needs journalctl, a child process.', p, code ?? 'error');
}

/** One sentence on the watched pid for the report. */
export function oomSentence(result: KernelOomResult, pid: number | undefined): string {
  if (!result.readable) return result.sentence;
  const kills = pid === undefined ? result.kills : result.kills.filter((k) => k.pid === pid);
  if (kills.length === 0) return pid === undefined ? l10n.t('The kernel log has no out-of-memory kill.') : l10n.t('The kernel log has no out-of-memory kill of pid {0}.', pid);
  const k = kills[kills.length - 1]!;
  return k.timeMs !== undefined
    ? l10n.t('The kernel killed pid {0} ({1}) for lack of memory at {2}.', k.pid, k.name, new Date(k.timeMs).toISOString())
    : l10n.t('The kernel killed pid {0} ({1}) for lack of memory.', k.pid, k.name);
}
