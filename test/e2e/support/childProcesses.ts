/**
 * Child processes started by e2e checks (the load generator): each in its own
 * process group, all stopped when the run ends, fails or is interrupted.
 */
import { ChildProcess, spawn } from 'child_process';

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `node script args` in a new process group; its output is kept for error
 * messages. `argv0` sets the process' argv[0] (what /proc shows as its name).
 */
export function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  argv0?: string,
): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [script, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env, ...(argv0 ? { argv0 } : {}) });
  running.add(child);
  let out = '';
  const keep = (b: Buffer): void => {
    out = (out + b.toString()).slice(-16000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => running.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => out, stop };
}

/** Stops every child still running (called by the runner in `finally` and on signals). */
export function killAllChildren(): void {
  for (const c of running) {
    killGroup(c, 'SIGKILL');
  }
  running.clear();
}
