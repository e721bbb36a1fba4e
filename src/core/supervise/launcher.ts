/**
 * What the supervisor needs from the operating system: start a command in its own
 * process group, hear its output lines and its exit, signal the group, and list the
 * processes below it. The real one is {@link nodeLauncher}; unit tests script a fake.
 */
import { Event } from '../events';

/** A command to run: what the user put in settings, a task, or after `--` on the CLI. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Added to (and overriding) the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run `command` through the shell (a VS Code shell task's command line). */
  readonly shell?: boolean;
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputLine {
  readonly stream: OutputStream;
  /** One line, without its line break. */
  readonly text: string;
}

export interface ProcessExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the command could not be started at all (ENOENT…). */
  readonly error?: string;
}

/** One process in the watched tree. */
export interface TreeProcess {
  readonly pid: number;
  readonly ppid: number;
  /** The command line, as the kernel reports it (server text: show it through the inert-text module). */
  readonly command: string;
}

export interface LaunchedProcess {
  /** Undefined when the spawn failed (then onExit fires with `error`). */
  readonly pid: number | undefined;
  readonly onLine: Event<OutputLine>;
  /** Fires once, after the process and its output streams have ended. */
  readonly onExit: Event<ProcessExit>;
  /** Sends a signal to the whole process group (and to `extraPids`, which left it). */
  signal(signal: NodeJS.Signals, extraPids?: readonly number[]): void;
}

export interface Launcher {
  launch(spec: LaunchSpec): LaunchedProcess;
  /** The processes below `pid` (children, grandchildren…), parents before children. */
  descendants(pid: number): Promise<TreeProcess[]>;
}
