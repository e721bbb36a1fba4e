import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A real process started by a test, with its stdout as lines. */
export interface TestChild {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Resolves with the next stdout line (lines already seen are consumed in order). */
  nextLine(timeoutMs?: number): Promise<string>;
  /** Writes a line to its stdin. */
  send(line: string): void;
}

const live = new Set<ChildProcess>();

/**
 * Starts a process in its own process group, so killing the group also kills any
 * grandchild a wrapper started; `killAllChildren` in an after-hook cleans up.
 */
export function startChild(command: string, args: readonly string[], env: Record<string, string> = {}): TestChild {
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], detached: true, env: { ...process.env, ...env } });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    const w = waiters.shift();
    if (w) {
      w(l);
    } else {
      queue.push(l);
    }
  });
  return {
    proc,
    pid: proc.pid!,
    nextLine: (timeoutMs = 10_000) =>
      new Promise<string>((resolve, reject) => {
        const l = queue.shift();
        if (l !== undefined) {
          resolve(l);
          return;
        }
        const t = setTimeout(() => reject(new Error(`no line from pid ${proc.pid} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((line) => {
          clearTimeout(t);
          resolve(line);
        });
      }),
    send: (line) => {
      proc.stdin!.write(line + '\n');
    },
  };
}

/** `node -e code marker`: the marker makes the command line unique for pattern tests. */
export function startNode(code: string, marker = 'chatmon-test'): TestChild {
  return startChild(process.execPath, ['-e', code, marker]);
}

/** A TCP server on 127.0.0.1 (an ephemeral port unless given) that prints its port. */
export const SERVER_CODE = `
const port = Number(process.env.PORT || 0);
const srv = require('net').createServer((s) => s.end()).listen(port, '127.0.0.1', () => console.log(srv.address().port));
process.stdin.on('data', () => {});
`;

export async function startServer(marker = 'chatmon-test', port?: number): Promise<{ child: TestChild; port: number }> {
  const child = startChild(process.execPath, ['-e', SERVER_CODE, marker], port === undefined ? {} : { PORT: String(port) });
  return { child, port: Number(await child.nextLine()) };
}

/** Kills a child's whole process group and waits until the child itself has exited (and been reaped). */
export async function stopChild(child: TestChild): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    return;
  }
  const exited = once(child.proc, 'exit');
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.proc.kill('SIGKILL');
  }
  await exited;
}

export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...live].map(async (proc) => {
      const exited = once(proc, 'exit');
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
      await exited;
    }),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A zombie: sh starts `sleep 0` in the background, then becomes `sleep 5`, which never
 * reaps it. Returns its pid once the kernel shows it exited and unreaped (state Z) —
 * a fixed wait lost this race under load (twice, in two tests).
 */
export async function startZombie(): Promise<number> {
  const sh = startChild('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5']);
  const zombie = Number(await sh.nextLine());
  const state = (): string | undefined => {
    try {
      return /\) (\S)/.exec(readFileSync(`/proc/${zombie}/stat`, 'utf8'))?.[1];
    } catch {
      return undefined;
    }
  };
  for (let waited = 0; state() !== 'Z' && waited < 4_000; waited += 20) await sleep(20);
  if (state() !== 'Z') throw new Error(`pid ${zombie} is not a zombie (state ${state() ?? 'gone'})`);
  return zombie;
}
