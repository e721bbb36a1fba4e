import * as l10n from '@vscode/l10n';
/**
 * The locator where there is no /proc (macOS, Windows): `systeminformation` lists
 * processes and connections (it runs ps/lsof/netstat underneath, which is why
 * Linux does not use it). Same rules and sentences as the /proc locator.
 */
import type { Systeminformation } from 'systeminformation';
import { loadPortableLibs } from './loadPortableLibs';
import type { TargetSpec } from '../model';
import type { Candidate, LocateResult, ProcessLocator } from './locator';
import { chatLikeScore, chooseServerProcess, ProcessInfo } from './processChoice';
import { describeProcess, fail, parseTargetSpec, TargetSetting } from './targetSpec';

/** systeminformation reports start as local "YYYY-MM-DD HH:MM:SS", whole seconds. */
const START_TIME_TOLERANCE_MS = 1500;

export class PortableProcessLocator implements ProcessLocator {
  async locate(spec: TargetSpec): Promise<LocateResult> {
    const query = parseTargetSpec(spec);
    if ('ok' in query) {
      return query;
    }
    const setting = query.kind === 'pattern' ? TargetSetting.commandPattern : TargetSetting[query.kind];
    try {
      const [procs, listeners] = await Promise.all([processes(), listeningSockets()]);
      const own = lineage(process.pid, procs);
      const portsOf = (pid: number): number[] => [...new Set(listeners.filter((l) => l.pid === pid).map((l) => l.port))].sort((a, b) => a - b);
      let pool: ProcessInfo[];
      let reasonOf: (who: string, why: string) => string;
      if (query.kind === 'pid') {
        const p = procs.get(query.pid);
        if (!p) {
          return fail(l10n.t('No process has pid {0} ({1}): it may have exited. Start it again and update the pid, or watch it by port instead.', query.pid, TargetSetting.pid), setting);
        }
        pool = [p];
        reasonOf = (who) => l10n.t('{0} is the pid set in {1}.', who, TargetSetting.pid);
      } else if (query.kind === 'port') {
        const pids = new Set(listeners.filter((l) => l.port === query.port).map((l) => l.pid));
        if (pids.size === 0) {
          return fail(l10n.t('No process listens on TCP port {0} ({1}). Start the chat server, or change the port.', query.port, TargetSetting.port), setting);
        }
        pool = [...pids].filter((pid) => !own.has(pid)).map((pid) => procs.get(pid)).filter((p): p is ProcessInfo => p !== undefined);
        if (pool.length === 0) {
          return fail(l10n.t('TCP port {0} belongs to this editor or to a process this user cannot inspect ({1}): set it to the port your chat server listens on.', query.port, TargetSetting.port), setting);
        }
        reasonOf = (who, why) => l10n.t('{0} listens on port {1} ({2}){3}.', who, query.port, TargetSetting.port, why);
      } else {
        pool = [...procs.values()].filter((p) => !own.has(p.pid) && query.pattern.test(p.commandLine));
        if (pool.length === 0) {
          return fail(l10n.t("No running process's command line matches /{0}/ ({1}). Start the chat server, or change the pattern.", query.source, TargetSetting.commandPattern), setting);
        }
        reasonOf = (who, why) => l10n.t('{0} matches /{1}/ ({2}){3}.', who, query.source, TargetSetting.commandPattern, why);
      }
      const choice = chooseServerProcess(pool, ancestorsMap(pool, procs))!;
      const c = choice.chosen;
      return {
        ok: true,
        process: {
          pid: c.pid,
          commandLine: c.commandLine,
          executable: c.executable,
          ports: portsOf(c.pid),
          startTimeMs: c.startTimeMs,
          reason: reasonOf(describeProcess(c.pid, c.commandLine), choice.why),
        },
      };
    } catch (e) {
      return fail(l10n.t('Could not list processes to find the one to watch: {0}.', e instanceof Error ? e.message : String(e)), setting);
    }
  }

  async isSameProcess(pid: number, startTimeMs: number): Promise<boolean> {
    try {
      // Signal 0 checks existence without the cost of a full process listing.
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') {
        return false;
      }
    }
    const p = (await processes()).get(pid);
    return p !== undefined && Math.abs(p.startTimeMs - startTimeMs) <= START_TIME_TOLERANCE_MS;
  }

  async listCandidates(): Promise<Candidate[]> {
    const [procs, listeners] = await Promise.all([processes(), listeningSockets()]);
    const own = lineage(process.pid, procs);
    const byPid = new Map<number, Set<number>>();
    for (const l of listeners) {
      if (!own.has(l.pid)) {
        byPid.set(l.pid, (byPid.get(l.pid) ?? new Set()).add(l.port));
      }
    }
    const out: Candidate[] = [];
    for (const [pid, portSet] of byPid) {
      const p = procs.get(pid);
      if (p) {
        const ports = [...portSet].sort((a, b) => a - b);
        out.push({ pid, ports, executable: p.executable, commandLine: p.commandLine, startTimeMs: p.startTimeMs, chatLikeScore: chatLikeScore({ ...p, ports }) });
      }
    }
    return out.sort((a, b) => b.chatLikeScore - a.chatLikeScore || a.pid - b.pid);
  }
}

async function si(): Promise<typeof import('systeminformation')> {
  // Loaded on first use (its own bundle) so the Linux path never pays for this module.
  return loadPortableLibs().si;
}

async function processes(): Promise<Map<number, ProcessInfo>> {
  const list = (await (await si()).processes()).list;
  return new Map(list.map((p: Systeminformation.ProcessesProcessData) => [p.pid, toInfo(p)]));
}

function toInfo(p: Systeminformation.ProcessesProcessData): ProcessInfo {
  const commandLine = [p.command, p.params].filter((s) => s !== '').join(' ') || p.name;
  const exe = p.path !== '' ? p.path.split(/[\\/]/).pop() ?? p.name : p.name;
  return {
    pid: p.pid,
    ppid: p.parentPid,
    args: commandLine.split(' '),
    commandLine,
    executable: exe.replace(/\.exe$/i, ''),
    startTimeMs: Date.parse(p.started.replace(' ', 'T')),
  };
}

async function listeningSockets(): Promise<{ pid: number; port: number }[]> {
  const conns = await (await si()).networkConnections();
  return conns
    .filter((c) => c.protocol.startsWith('tcp') && /listen/i.test(c.state) && c.pid > 0)
    .map((c) => ({ pid: c.pid, port: Number(c.localPort) }))
    .filter((c) => Number.isInteger(c.port));
}

function lineage(pid: number, procs: ReadonlyMap<number, ProcessInfo>): Set<number> {
  const out = new Set<number>([pid]);
  for (let p = procs.get(pid); p && p.ppid > 0 && !out.has(p.ppid); p = procs.get(p.ppid)) {
    out.add(p.ppid);
  }
  return out;
}

function ancestorsMap(pool: readonly ProcessInfo[], procs: ReadonlyMap<number, ProcessInfo>): Map<number, Set<number>> {
  return new Map(pool.map((p) => {
    const l = lineage(p.pid, procs);
    l.delete(p.pid);
    return [p.pid, l];
  }));
}
