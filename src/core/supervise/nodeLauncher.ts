/**
 * The real {@link Launcher}: `child_process.spawn` with `detached: true` (setsid), so
 * the command leads its own process group and one signal reaches an `npm run dev`
 * wrapper, the shell below it and the node server below that; the tree is read from
 * /proc (no child process per look).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Emitter } from '../events';
import { listPids, readCmdline, readProcStat } from '../process/procfs';
import { Launcher, LaunchedProcess, LaunchSpec, OutputLine, ProcessExit, TreeProcess } from './launcher';

/**
 * After the leader exits, how long to wait for its output pipes to close before
 * reporting the exit anyway: a grandchild that outlived it may hold them open.
 */
const PIPE_GRACE_MS = 300;

export const nodeLauncher: Launcher = {
  launch(spec: LaunchSpec): LaunchedProcess {
    const lines = new Emitter<OutputLine>();
    const exits = new Emitter<ProcessExit>();
    let reported = false;
    const report = (e: ProcessExit) => {
      if (!reported) {
        reported = true;
        // Let listeners subscribe first when the spawn fails synchronously.
        setImmediate(() => {
          exits.fire(e);
          lines.dispose();
          exits.dispose();
        });
      }
    };
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      shell: spec.shell ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = child[stream];
      if (s) {
        createInterface({ input: s, crlfDelay: Infinity }).on('line', (text) => lines.fire({ stream, text }));
      }
    }
    child.once('error', (err) => {
      if (child.pid === undefined) {
        report({ exitCode: null, signal: null, error: err.message });
      }
    });
    let exit: ProcessExit | undefined;
    child.once('exit', (code, signal) => {
      exit = { exitCode: code, signal };
      setTimeout(() => report(exit!), PIPE_GRACE_MS).unref();
    });
    child.once('close', (code, signal) => report(exit ?? { exitCode: code, signal }));
    const pid = child.pid;
    return {
      pid,
      onLine: lines.event,
      onExit: exits.event,
      signal(sig, extraPids = []) {
        if (pid === undefined) {
          return;
        }
        trySignal(-pid, sig);
        for (const p of extraPids) {
          trySignal(p, sig);
        }
      },
    };
  },
  descendants: processTreeBelow,
};

function trySignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone (ESRCH): nothing to stop.
  }
}

/** Every process whose parent chain leads to `rootPid`, parents first (from /proc). */
export async function processTreeBelow(rootPid: number): Promise<TreeProcess[]> {
  let pids: number[];
  try {
    pids = await listPids();
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readProcStat(pid);
        const list = children.get(stat.ppid) ?? [];
        list.push(pid);
        children.set(stat.ppid, list);
      } catch {
        // Exited while we looked.
      }
    }),
  );
  const out: TreeProcess[] = [];
  const queue: { pid: number; ppid: number }[] = (children.get(rootPid) ?? []).map((pid) => ({ pid, ppid: rootPid }));
  while (queue.length > 0) {
    const { pid, ppid } = queue.shift()!;
    let command = '';
    try {
      command = (await readCmdline(pid)).join(' ');
    } catch {
      continue;
    }
    out.push({ pid, ppid, command });
    for (const c of children.get(pid) ?? []) {
      queue.push({ pid: c, ppid: pid });
    }
  }
  return out;
}
