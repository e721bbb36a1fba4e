/**
 * A warm /usr/bin/python3 running bench/python/seedMonitor.py, driven one JSON line
 * at a time so its rounds can be interleaved with ours.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Debian's python3-psutil is installed for the system interpreter, not for any python3 on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export class SeedPython {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;
  private stderr = '';

  private constructor(script: string) {
    this.child = spawn(SYSTEM_PYTHON, ['-u', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting;
      if (w) {
        this.waiting = undefined;
        w.resolve(line);
      } else {
        this.lines.push(line);
      }
    });
    this.child.on('exit', (code) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(new Error(`seedMonitor.py exited (code ${code}): ${this.stderr.trim() || 'no output'}`));
    });
    // A missing interpreter surfaces as 'error' (ENOENT) instead of an exit.
    this.child.on('error', (e) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e);
    });
  }

  /** Starts the helper, or returns a sentence saying why it cannot run. */
  static start(repoRoot: string): SeedPython | string {
    if (!existsSync(SYSTEM_PYTHON)) {
      return `${SYSTEM_PYTHON} is missing: install Debian's python3 to compare with the seed's Python monitor.`;
    }
    return new SeedPython(path.join(repoRoot, 'bench', 'python', 'seedMonitor.py'));
  }

  /** Sends one command and waits for its one-line JSON answer. */
  async call<T = Record<string, unknown>>(msg: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(JSON.stringify(msg) + '\n');
    const line =
      this.lines.shift() ??
      (await new Promise<string>((resolve, reject) => {
        if (this.child.exitCode !== null) {
          reject(new Error(`seedMonitor.py has exited: ${this.stderr.trim() || 'no output'}`));
          return;
        }
        this.waiting = { resolve, reject };
      }));
    return JSON.parse(line) as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
