import * as l10n from '@vscode/l10n';
/**
 * Finds the process to watch: by pid, by the TCP port it listens on, or by a
 * command-line pattern. On Linux everything comes from /proc (no `lsof`, `ss` or
 * `ps` child process); elsewhere `createProcessLocator` returns the portable one.
 */
import { TargetProcess, TargetSpec } from '../model';
import {
  bootTimeMs,
  bootTimeMsSync,
  CheckedStats,
  isDeadState,
  isGoneError,
  listPids,
  readCmdline,
  parseProcStat,
  ProcFile,
  ProcStat,
  procFileReaper,
  readProcStat,
  readTcpListeners,
  socketInodesOf,
  startTimeMsOf,
} from './procfs';
import { chatLikeScore, chooseServerProcess, executableOf, ProcessInfo } from './processChoice';
import { describeProcess, fail, GroupQuery, LocateFailure, parseTargetSpec, TargetSetting } from './targetSpec';
import { PortableProcessLocator } from './locatorPortable';
import { MAX_TREE_PROCESSES, ProcessTreeReader } from './processTree';

export type LocateResult = { readonly ok: true; readonly process: TargetProcess } | LocateFailure;

/** One process of a group: the instance it is (`port 3001`, `pid 4242`) and the process found for it. */
export interface GroupMember {
  readonly instance: string;
  readonly process: TargetProcess;
}

/** The processes of a group found now (an empty list is not a failure: each missing instance is down). */
export type GroupLocateResult = { readonly ok: true; readonly members: readonly GroupMember[] } | LocateFailure;

/** A listening process offered by "Select Process to Watch". */
export interface Candidate {
  readonly pid: number;
  readonly ports: readonly number[];
  readonly executable: string;
  readonly commandLine: string;
  readonly startTimeMs: number;
  /** Higher looks more like a chat server under development; the list is sorted by it. */
  readonly chatLikeScore: number;
}

export interface ProcessLocator {
  /** Finds the process a spec describes; never throws, failures are a sentence naming the setting. */
  locate(spec: TargetSpec): Promise<LocateResult>;
  /** True while `pid` is alive and is still the process that started at `startTimeMs` (not a reused PID). */
  isSameProcess(pid: number, startTimeMs: number): Promise<boolean>;
  /** Every process listening on a TCP port (except this editor and its parents), chat-server-like first. */
  listCandidates(): Promise<Candidate[]>;
  /** The processes `pid` started, and theirs (cluster workers); absent where it cannot be read cheaply. */
  descendants?(pid: number): Promise<number[]>;
  /** isSameProcess answered now, where the check needs no wait (/proc): the tick asks it without a promise. */
  isSameProcessNow?(pid: number, startTimeMs: number): boolean;
  /**
   * The stat isSameProcessNow read last, taken once (see CheckedStats): the process
   * sampler of the same tick samples from it instead of reading the file again.
   */
  takeCheckedStat?(pid: number): ProcStat | undefined;
  /** descendants answered now (throws instead of rejecting), where the walk needs no wait (/proc). */
  descendantsNow?(pid: number): number[];
  /** Every process of a group (one scan of /proc); absent where there is no /proc. */
  locateGroup?(query: GroupQuery): Promise<GroupLocateResult>;
  /** Closes what the locator keeps open (the confirmed pid's stat fd); its owner, the Monitor, calls it. */
  dispose?(): void;
}

/** The /proc locator on Linux, the systeminformation one elsewhere. */
export function createProcessLocator(platform: NodeJS.Platform = process.platform): ProcessLocator {
  return platform === 'linux' ? new ProcfsProcessLocator() : new PortableProcessLocator();
}

/**
 * Start times are rebuilt from boot time + ticks; another monitor instance may have
 * read a `btime` that an NTP step moved by a second, so allow that much. A PID
 * reused within one second of the old process' start is not a realistic case.
 */
export const START_TIME_TOLERANCE_MS = 1000;

/** How many processes' /proc entries are read at once while scanning. */
const SCAN_CONCURRENCY = 32;

/** Walking parents stops here even if /proc were to loop. */
const MAX_ANCESTRY_DEPTH = 128;

interface Proc extends ProcessInfo {
  readonly state: string;
}

/** Regex metacharacters other than '.', which also appears in real file names. */
const REGEX_SYNTAX = /[\\*+?()[\]{}|^$]/;

export class ProcfsProcessLocator implements ProcessLocator, CheckedStats {
  async locate(spec: TargetSpec): Promise<LocateResult> {
    const query = parseTargetSpec(spec);
    if ('ok' in query) {
      return query;
    }
    try {
      switch (query.kind) {
        case 'pid':
          return await this.byPid(query.pid);
        case 'port':
          return await this.byPort(query.port);
        case 'pattern':
          return await this.byPattern(query.pattern, query.source);
      }
    } catch (e) {
      return fail(l10n.t('Could not search /proc for the process to watch: {0}.', e instanceof Error ? e.message : String(e)), settingOf(query.kind));
    }
  }

  /**
   * The stat file of the pid isSameProcess last confirmed, kept open (see ProcFile).
   * In a box of its own so the reaper can close it without holding the locator.
   */
  private readonly checked: { file: ProcFile | undefined } = { file: undefined };

  /** The stat the last check confirmed, until a sample takes it (takeCheckedStat). */
  private checkedStat: ProcStat | undefined;

  /** The watched tree's children files, kept open from tick to tick. */
  private readonly tree = new ProcessTreeReader();

  constructor() {
    const checked = this.checked;
    const tree = this.tree;
    // A safety net only: the owner (the Monitor) closes them in dispose().
    procFileReaper.register(
      this,
      () => {
        checked.file?.close();
        tree.close();
      },
      this,
    );
  }

  descendants(pid: number): Promise<number[]> {
    try {
      return Promise.resolve(this.descendantsNow(pid));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  descendantsNow(pid: number): number[] {
    return this.tree.descendants(pid);
  }

  async locateGroup(query: GroupQuery): Promise<GroupLocateResult> {
    try {
      return { ok: true, members: query.kind === 'ports' ? await this.byPorts(query.ports) : await this.everyMatch(query.pattern, query.source) };
    } catch (e) {
      const setting = query.kind === 'ports' ? TargetSetting.ports : TargetSetting.commandPattern;
      return fail(l10n.t('Could not search /proc for the processes to watch: {0}.', e instanceof Error ? e.message : String(e)), setting);
    }
  }

  /** The process listening on each port (one scan of the fds for all of them); a port nobody (else) listens on is left out. */
  private async byPorts(ports: readonly number[]): Promise<GroupMember[]> {
    const listeners = (await readTcpListeners()).filter((l) => ports.includes(l.port));
    const holders = await this.socketHolders(new Set(listeners.map((l) => l.inode)));
    const own = await this.ownLineage();
    const procs = await this.procs([...holders.keys()].filter((pid) => !own.has(pid)));
    const out: GroupMember[] = [];
    for (const port of ports) {
      const inodes = new Set(listeners.filter((l) => l.port === port).map((l) => l.inode));
      const pool = procs.filter((p) => !isDeadState(p.state) && holders.get(p.pid)!.some((i) => inodes.has(i)));
      const choice = chooseServerProcess(pool, await this.ancestorsOf(pool));
      if (choice) {
        const p = choice.chosen as Proc;
        out.push({ instance: `port ${port}`, process: processOf(p, [port], l10n.t('{0} listens on port {1} ({2}){3}.', describeProcess(p.pid, p.commandLine), port, TargetSetting.ports, choice.why)) });
      }
    }
    return out;
  }

  /** Every live process whose command line matches, oldest first, at most MAX_TREE_PROCESSES. */
  private async everyMatch(pattern: RegExp, source: string): Promise<GroupMember[]> {
    const own = await this.ownLineage();
    const all = await this.procs((await listPids()).filter((pid) => !own.has(pid)));
    return all
      .filter((p) => p.args.length > 0 && !isDeadState(p.state) && pattern.test(p.commandLine) && !carriesPattern(p, source))
      .sort((a, b) => a.startTimeMs - b.startTimeMs || a.pid - b.pid)
      .slice(0, MAX_TREE_PROCESSES)
      .map((p) => ({ instance: `pid ${p.pid}`, process: processOf(p, [], l10n.t('{0} matches /{1}/ ({2}, {3}).', describeProcess(p.pid, p.commandLine), source, TargetSetting.commandPattern, TargetSetting.everyMatch)) }));
  }

  dispose(): void {
    this.checked.file?.close();
    this.checked.file = undefined;
    this.checkedStat = undefined;
    this.tree.close();
    procFileReaper.unregister(this);
  }

  isSameProcess(pid: number, startTimeMs: number): Promise<boolean> {
    return Promise.resolve(this.isSameProcessNow(pid, startTimeMs));
  }

  /**
   * One synchronous re-read of /proc/PID/stat through a kept fd: it runs every tick. The
   * stat of a process found the same is held for the sample that follows (takeCheckedStat).
   */
  isSameProcessNow(pid: number, startTimeMs: number): boolean {
    let same: boolean;
    let stat: ProcStat | undefined;
    this.checkedStat = undefined;
    const path = `${pid}/stat`;
    let file = this.checked.file;
    if (file?.relativePath !== path) {
      file?.close();
      file = this.checked.file = new ProcFile(path);
    }
    try {
      stat = parseProcStat(file.read());
      same = stat !== undefined && !isDeadState(stat.state) && Math.abs(startTimeMsOf(stat, bootTimeMsSync()) - startTimeMs) <= START_TIME_TOLERANCE_MS;
    } catch {
      same = false;
    }
    if (same) {
      this.checkedStat = stat;
    } else {
      file.close();
    }
    return same;
  }

  takeCheckedStat(pid: number): ProcStat | undefined {
    const stat = this.checkedStat;
    this.checkedStat = undefined;
    return stat?.pid === pid ? stat : undefined;
  }

  async listCandidates(): Promise<Candidate[]> {
    const listeners = await readTcpListeners();
    const portOfInode = new Map(listeners.map((l) => [l.inode, l.port]));
    const holders = await this.socketHolders(new Set(portOfInode.keys()));
    const own = await this.ownLineage();
    const out: Candidate[] = [];
    for (const [pid, inodes] of holders) {
      if (own.has(pid)) {
        continue;
      }
      const p = await this.proc(pid);
      if (!p || isDeadState(p.state)) {
        continue;
      }
      const ports = [...new Set(inodes.map((i) => portOfInode.get(i)!))].sort((a, b) => a - b);
      out.push({
        pid,
        ports,
        executable: p.executable,
        commandLine: p.commandLine,
        startTimeMs: p.startTimeMs,
        chatLikeScore: chatLikeScore({ executable: p.executable, commandLine: p.commandLine, ports }),
      });
    }
    return out.sort((a, b) => b.chatLikeScore - a.chatLikeScore || a.pid - b.pid);
  }

  private async byPid(pid: number): Promise<LocateResult> {
    const p = await this.proc(pid);
    if (!p) {
      return fail(
        l10n.t('No process has pid {0} ({1}): it may have exited. Start it again and update the pid, or watch it by port instead.', pid, TargetSetting.pid),
        TargetSetting.pid,
      );
    }
    if (isDeadState(p.state)) {
      return fail(l10n.t('The process with pid {0} has exited ({1}). Start it again and update the pid, or watch it by port instead.', pid, TargetSetting.pid), TargetSetting.pid);
    }
    const ports = await this.listeningPortsOf(pid);
    const who = describeProcess(pid, p.commandLine);
    const reason =
      ports.length === 0
        ? l10n.t('{0} is the pid set in {1}.', who, TargetSetting.pid)
        : ports.length === 1
          ? l10n.t('{0} is the pid set in {1}, listening on port {2}.', who, TargetSetting.pid, ports[0]!)
          : l10n.t('{0} is the pid set in {1}, listening on ports {2}.', who, TargetSetting.pid, ports.join(', '));
    return found(p, ports, reason);
  }

  private async byPort(port: number): Promise<LocateResult> {
    const inodes = new Set((await readTcpListeners()).filter((l) => l.port === port).map((l) => l.inode));
    if (inodes.size === 0) {
      return fail(l10n.t('No process listens on TCP port {0} ({1}). Start the chat server, or change the port.', port, TargetSetting.port), TargetSetting.port);
    }
    const holders = await this.procs([...(await this.socketHolders(inodes)).keys()]);
    if (holders.length === 0) {
      return fail(
        l10n.t(
          "Something listens on TCP port {0}, but not a process this user can inspect (another user's, or inside a container) ({1}). Run the chat server as yourself, or set {2}.",
          port,
          TargetSetting.port,
          TargetSetting.pid,
        ),
        TargetSetting.port,
      );
    }
    const own = await this.ownLineage();
    const theirs = holders.filter((h) => !own.has(h.pid));
    if (theirs.length === 0) {
      const h = holders[0]!;
      return fail(
        l10n.t("TCP port {0} belongs to this editor's own server, {1} ({2}): set it to the port your chat server listens on.", port, describeProcess(h.pid, h.commandLine), TargetSetting.port),
        TargetSetting.port,
      );
    }
    const choice = chooseServerProcess(theirs, await this.ancestorsOf(theirs));
    const chosen = choice!.chosen as Proc;
    const ports = await this.listeningPortsOf(chosen.pid);
    return found(chosen, ports, l10n.t('{0} listens on port {1} ({2}){3}.', describeProcess(chosen.pid, chosen.commandLine), port, TargetSetting.port, choice!.why));
  }

  private async byPattern(pattern: RegExp, source: string): Promise<LocateResult> {
    const own = await this.ownLineage();
    const all = await this.procs((await listPids()).filter((pid) => !own.has(pid)));
    const matches = all.filter((p) => p.args.length > 0 && !isDeadState(p.state) && pattern.test(p.commandLine) && !carriesPattern(p, source));
    if (matches.length === 0) {
      return fail(
        l10n.t(
          'No running process\'s command line matches /{0}/ ({1}). Start the chat server, or change the pattern: it is matched against the whole command line, like "node server.js".',
          source,
          TargetSetting.commandPattern,
        ),
        TargetSetting.commandPattern,
      );
    }
    const choice = chooseServerProcess(matches, await this.ancestorsOf(matches));
    const chosen = choice!.chosen as Proc;
    const ports = await this.listeningPortsOf(chosen.pid);
    return found(chosen, ports, l10n.t('{0} matches /{1}/ ({2}){3}.', describeProcess(chosen.pid, chosen.commandLine), source, TargetSetting.commandPattern, choice!.why));
  }

  /** pid, parents and command line of a process; undefined when it is gone or unreadable. */
  private async proc(pid: number): Promise<Proc | undefined> {
    try {
      const [stat, args, bootMs] = await Promise.all([readProcStat(pid), readCmdline(pid), bootTimeMs()]);
      return {
        pid,
        ppid: stat.ppid,
        state: stat.state,
        args,
        commandLine: args.length > 0 ? args.join(' ') : `[${stat.comm}]`,
        executable: executableOf(args, stat.comm),
        startTimeMs: startTimeMsOf(stat, bootMs),
      };
    } catch (e) {
      if (isGoneError(e) || (e as NodeJS.ErrnoException).code === 'EACCES') {
        return undefined;
      }
      throw e;
    }
  }

  private async procs(pids: readonly number[]): Promise<Proc[]> {
    const out: Proc[] = [];
    for (let i = 0; i < pids.length; i += SCAN_CONCURRENCY) {
      const batch = await Promise.all(pids.slice(i, i + SCAN_CONCURRENCY).map((pid) => this.proc(pid)));
      for (const p of batch) {
        if (p) {
          out.push(p);
        }
      }
    }
    return out;
  }

  /** Which processes hold any of these socket inodes, and which of them each holds. */
  private async socketHolders(inodes: ReadonlySet<number>): Promise<Map<number, number[]>> {
    const holders = new Map<number, number[]>();
    if (inodes.size === 0) {
      return holders;
    }
    const pids = await listPids();
    for (let i = 0; i < pids.length; i += SCAN_CONCURRENCY) {
      const batch = pids.slice(i, i + SCAN_CONCURRENCY);
      const held = await Promise.all(batch.map((pid) => socketInodesOf(pid)));
      batch.forEach((pid, j) => {
        const mine = [...new Set(held[j]!.filter((inode) => inodes.has(inode)))];
        if (mine.length > 0) {
          holders.set(pid, mine);
        }
      });
    }
    return holders;
  }

  private async listeningPortsOf(pid: number): Promise<number[]> {
    const [listeners, held] = await Promise.all([readTcpListeners(), socketInodesOf(pid)]);
    const mine = new Set(held);
    return [...new Set(listeners.filter((l) => mine.has(l.inode)).map((l) => l.port))].sort((a, b) => a - b);
  }

  /** Parent chain of a process, nearest first, up to (not including) pid 0. */
  private async parentChain(pid: number, ppidCache: Map<number, number>): Promise<number[]> {
    const chain: number[] = [];
    let cur = pid;
    for (let depth = 0; depth < MAX_ANCESTRY_DEPTH; depth++) {
      let ppid = ppidCache.get(cur);
      if (ppid === undefined) {
        try {
          ppid = (await readProcStat(cur)).ppid;
        } catch {
          break;
        }
        ppidCache.set(cur, ppid);
      }
      if (ppid <= 0) {
        break;
      }
      chain.push(ppid);
      cur = ppid;
    }
    return chain;
  }

  private async ancestorsOf(procs: readonly ProcessInfo[]): Promise<Map<number, Set<number>>> {
    const cache = new Map<number, number>(procs.map((p) => [p.pid, p.ppid]));
    const out = new Map<number, Set<number>>();
    for (const p of procs) {
      out.set(p.pid, new Set(await this.parentChain(p.pid, cache)));
    }
    return out;
  }

  /**
   * This process and its ancestors. A pattern like "node" or a port like 8080
   * would otherwise find the editor itself (the extension host, code-server).
   */
  private async ownLineage(): Promise<Set<number>> {
    return new Set([process.pid, ...(await this.parentChain(process.pid, new Map()))]);
  }
}

/**
 * A process that has the pattern itself as an argument (`grep -E 'node .*server'`,
 * another monitor given the same pattern) matches only because it carries the
 * text. Only patterns with regex syntax are judged so: a plain `server.js` is
 * also a real server's argument.
 */
function carriesPattern(p: ProcessInfo, source: string): boolean {
  return REGEX_SYNTAX.test(source) && p.args.some((a) => a.includes(source));
}

function found(p: ProcessInfo, ports: readonly number[], reason: string): LocateResult {
  return { ok: true, process: processOf(p, ports, reason) };
}

function processOf(p: ProcessInfo, ports: readonly number[], reason: string): TargetProcess {
  return { pid: p.pid, commandLine: p.commandLine, executable: p.executable, ports, startTimeMs: p.startTimeMs, reason };
}

function settingOf(kind: 'pid' | 'port' | 'pattern'): string {
  return kind === 'pattern' ? TargetSetting.commandPattern : TargetSetting[kind];
}

