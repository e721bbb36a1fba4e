/**
 * Runs one command and keeps it running, with PM2's semantics (see ./policy.ts):
 * restart on an exit nobody asked for, with a growing delay; give up on a crash loop
 * with one critical alert; never restart what the user stopped. The command runs in
 * its own process group; stopping sends SIGTERM to the group and to every process
 * below it that left the group, then SIGKILL after `killTimeoutMs`, so no orphan
 * survives a stop.
 */
import * as l10n from '@vscode/l10n';
import { Clock, TimerHandle } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { Launcher, LaunchedProcess, LaunchSpec, OutputLine, ProcessExit, TreeProcess } from './launcher';
import { DEFAULT_POLICY, describeExit, RestartPolicy, RunExit, SupervisionPolicy } from './policy';

export type SupervisorState =
  /** Never started. */
  | 'idle'
  | 'running'
  /** Waiting out the backoff delay before a restart. */
  | 'waiting'
  | 'stopping'
  /** Stopped by the user (or the editor closing): stays stopped. */
  | 'stopped'
  /** Gave up after a crash loop: stays stopped until started again. */
  | 'crashLoop';

/** The critical alert raised once when the supervisor gives up. */
export interface CrashLoopAlert {
  readonly level: 'critical';
  readonly title: string;
  /** One sentence with the counts, the exit statuses and what to do. */
  readonly message: string;
  readonly exits: readonly { readonly exitCode: number | null; readonly signal: string | null; readonly uptimeMs: number }[];
  /** The last lines the server wrote to stderr (server text: show through the inert-text module). */
  readonly lastStderr: readonly string[];
  readonly timeMs: number;
}

export type SupervisorEvent =
  | { readonly type: 'started'; readonly run: number; readonly pid: number; readonly timeMs: number; readonly restart: boolean }
  | {
      readonly type: 'exited';
      readonly run: number;
      readonly pid: number | undefined;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly error?: string;
      readonly uptimeMs: number;
      /** True when the user (or stop-on-exit) asked for it. */
      readonly expected: boolean;
      readonly unstable: boolean;
      readonly timeMs: number;
    }
  | {
      readonly type: 'restartScheduled';
      readonly afterRun: number;
      readonly delayMs: number;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly unstableInWindow: number;
      readonly timeMs: number;
    }
  | { readonly type: 'crashLoop'; readonly alert: CrashLoopAlert }
  | { readonly type: 'stopped'; readonly reason: StopReason; readonly timeMs: number };

/** Why the supervisor left the command stopped. */
export type StopReason = 'user' | 'crashLoop' | 'spawnFailed';

export interface SupervisorOptions {
  readonly clock: Clock;
  readonly launcher: Launcher;
  readonly policy?: Partial<SupervisionPolicy>;
  /** A short name for sentences ("chat"). */
  readonly name?: string;
  /** Stderr lines kept for the crash-loop alert. Default 20. */
  readonly stderrLines?: number;
}

interface CurrentRun {
  readonly run: number;
  readonly proc: LaunchedProcess;
  readonly startedAtMs: number;
  /** Set when the user or the editor asked it to stop. */
  expected: boolean;
  exited?: Promise<void>;
}

export class Supervisor implements Disposable {
  private readonly events = new Emitter<SupervisorEvent>();
  private readonly lines = new Emitter<OutputLine & { readonly run: number }>();
  readonly onEvent: Event<SupervisorEvent> = this.events.event;
  /** Every stdout/stderr line of every run, in order (feed the terminal and the log pipeline). */
  readonly onLine: Event<OutputLine & { readonly run: number }> = this.lines.event;

  private readonly currentPolicy: { -readonly [K in keyof SupervisionPolicy]: SupervisionPolicy[K] };
  private readonly restarts: RestartPolicy;
  private readonly clock: Clock;
  private readonly launcher: Launcher;
  private readonly name: string;
  private readonly stderrKeep: number;
  private readonly stderrTail: string[] = [];
  private currentState: SupervisorState = 'idle';
  private current: CurrentRun | undefined;
  private restartTimer: TimerHandle | undefined;
  private runCount = 0;
  private spec: LaunchSpec | undefined;
  private lastTree: TreeProcess[] = [];
  private disposed = false;

  constructor(options: SupervisorOptions) {
    this.clock = options.clock;
    this.launcher = options.launcher;
    this.currentPolicy = { ...DEFAULT_POLICY, ...options.policy };
    this.restarts = new RestartPolicy(this.currentPolicy);
    this.name = options.name ?? 'server';
    this.stderrKeep = options.stderrLines ?? 20;
  }

  get policy(): SupervisionPolicy {
    return this.currentPolicy;
  }

  /** Changes the policy (settings changed); the restart state so far is kept. */
  updatePolicy(p: Partial<SupervisionPolicy>): void {
    Object.assign(this.currentPolicy, p);
  }

  get state(): SupervisorState {
    return this.currentState;
  }

  /** The pid of the running command (the process-group leader), if any. */
  get pid(): number | undefined {
    return this.current?.proc.pid;
  }

  /** Runs started so far (1 for the first start). */
  get runs(): number {
    return this.runCount;
  }

  get launchSpec(): LaunchSpec | undefined {
    return this.spec;
  }

  /** The last stderr lines (bounded), oldest first. */
  get lastStderr(): readonly string[] {
    return [...this.stderrTail];
  }

  /**
   * Starts the command (the user asked): forgets earlier crashes and backoff. When it
   * is already running, does nothing; give a new spec through {@link setSpec} and
   * {@link restart} to change it.
   */
  start(spec?: LaunchSpec): void {
    if (this.disposed) {
      return;
    }
    if (spec) {
      this.spec = spec;
    }
    if (!this.spec) {
      throw new Error('Supervisor.start needs a command the first time.');
    }
    if (this.current || this.currentState === 'stopping') {
      return;
    }
    this.cancelRestart();
    this.restarts.reset();
    this.stderrTail.length = 0;
    this.launch(false);
  }

  /** Replaces the command for the next start (scale, undo); the running process is not touched. */
  setSpec(spec: LaunchSpec): void {
    this.spec = spec;
  }

  /**
   * Stops the command and keeps it stopped (the user asked, or the editor closes):
   * SIGTERM to its group and to every process below it, SIGKILL after the kill timeout.
   * Resolves once the process has exited. A pending restart is cancelled.
   */
  async stop(): Promise<void> {
    this.cancelRestart();
    const cur = this.current;
    if (!cur) {
      if (this.currentState === 'waiting' || this.currentState === 'running') {
        this.setStopped('user');
      }
      return;
    }
    cur.expected = true;
    this.currentState = 'stopping';
    await this.terminate(cur);
  }

  /** Stops (if running) and starts again now, with a fresh backoff (the user, or an action, asked). */
  async restart(): Promise<void> {
    const cur = this.current;
    this.cancelRestart();
    if (cur) {
      cur.expected = true;
      this.currentState = 'stopping';
      await this.terminate(cur);
    }
    if (this.disposed) {
      return;
    }
    this.restarts.reset();
    this.launch(true);
  }

  /**
   * The processes this supervisor watches: the leader and everything below it (an
   * `npm run dev` wrapper, the shell, the node server, cluster workers), leader first.
   */
  async tree(): Promise<TreeProcess[]> {
    const cur = this.current;
    const pid = cur?.proc.pid;
    if (!cur || pid === undefined) {
      return [];
    }
    const below = await this.launcher.descendants(pid);
    const spec = this.spec;
    const root: TreeProcess = { pid, ppid: 0, command: spec ? [spec.command, ...spec.args].join(' ') : '' };
    this.lastTree = below;
    return [root, ...below];
  }

  private launch(restart: boolean): void {
    const spec = this.spec!;
    const run = ++this.runCount;
    const startedAtMs = this.clock.now();
    const proc = this.launcher.launch(spec);
    const cur: CurrentRun = { run, proc, startedAtMs, expected: false };
    this.current = cur;
    this.currentState = 'running';
    this.lastTree = [];
    cur.exited = new Promise<void>((resolve) => {
      proc.onExit((e) => {
        this.onExit(cur, e);
        resolve();
      });
    });
    proc.onLine((l) => {
      if (l.stream === 'stderr') {
        this.stderrTail.push(l.text);
        if (this.stderrTail.length > this.stderrKeep) {
          this.stderrTail.shift();
        }
      }
      this.lines.fire({ ...l, run });
    });
    if (proc.pid !== undefined) {
      this.events.fire({ type: 'started', run, pid: proc.pid, timeMs: startedAtMs, restart });
    }
  }

  private onExit(cur: CurrentRun, e: ProcessExit): void {
    if (this.current !== cur) {
      return;
    }
    this.current = undefined;
    const nowMs = this.clock.now();
    const uptimeMs = Math.max(0, nowMs - cur.startedAtMs);
    const exit: RunExit = { startedAtMs: cur.startedAtMs, exitedAtMs: nowMs, exitCode: e.exitCode, signal: e.signal };
    if (e.error) {
      this.stderrTail.push(e.error);
    }
    if (e.error && cur.proc.pid === undefined) {
      // The command could not be started at all (not found, not executable): retrying cannot help.
      this.events.fire({ type: 'exited', run: cur.run, pid: undefined, ...exitFields(e), uptimeMs, expected: false, unstable: true, timeMs: nowMs });
      this.setStopped('spawnFailed');
      return;
    }
    if (cur.expected || this.disposed) {
      this.events.fire({ type: 'exited', run: cur.run, pid: cur.proc.pid, ...exitFields(e), uptimeMs, expected: true, unstable: false, timeMs: nowMs });
      this.setStopped('user');
      return;
    }
    // Whatever the crashed run left behind in its group (a wrapper's child still holding
    // the port) would make the restart fail: clear it out now.
    cur.proc.signal('SIGKILL', this.lastTree.map((p) => p.pid));
    const decision = this.restarts.onUnexpectedExit(exit);
    this.events.fire({
      type: 'exited',
      run: cur.run,
      pid: cur.proc.pid,
      ...exitFields(e),
      uptimeMs,
      expected: false,
      unstable: decision.unstable,
      timeMs: nowMs,
    });
    if (decision.action === 'giveUp') {
      const alert = this.crashLoopAlert(decision.exits, nowMs);
      this.currentState = 'crashLoop';
      this.events.fire({ type: 'crashLoop', alert });
      this.events.fire({ type: 'stopped', reason: 'crashLoop', timeMs: nowMs });
      return;
    }
    this.currentState = 'waiting';
    this.events.fire({
      type: 'restartScheduled',
      afterRun: cur.run,
      delayMs: decision.delayMs,
      exitCode: e.exitCode,
      signal: e.signal,
      unstableInWindow: decision.unstableInWindow,
      timeMs: nowMs,
    });
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (this.currentState === 'waiting' && !this.disposed) {
        this.launch(true);
      }
    }, decision.delayMs);
  }

  private crashLoopAlert(exits: readonly RunExit[], timeMs: number): CrashLoopAlert {
    const statuses = exits.map((x) => describeExit(x));
    const distinct = [...new Set(statuses)];
    const restarts = exits.length - 1;
    const p = this.policy;
    return {
      level: 'critical',
      title: restarts === 1 ? l10n.t('Crash loop: {0} stopped after 1 restart', this.name) : l10n.t('Crash loop: {0} stopped after {1} restarts', this.name, restarts),
      message: l10n.t(
        '{0} exited {1} times within {2} s, each time after less than {3} ms ({4}); it is left stopped. Read its last stderr lines, fix the cause, then start it again.',
        this.name,
        exits.length,
        Math.round(p.windowMs / 1000),
        p.minUptimeMs,
        distinct.join(l10n.t(', ')),
      ),
      exits: exits.map((x) => ({ exitCode: x.exitCode, signal: x.signal, uptimeMs: x.exitedAtMs - x.startedAtMs })),
      lastStderr: [...this.stderrTail],
      timeMs,
    };
  }

  private async terminate(cur: CurrentRun): Promise<void> {
    const pid = cur.proc.pid;
    let extra: number[] = [];
    if (pid !== undefined) {
      // Collected before the leader dies: once it does, its children are re-parented and lost.
      try {
        extra = (await this.launcher.descendants(pid)).map((p) => p.pid);
      } catch {
        extra = this.lastTree.map((p) => p.pid);
      }
    }
    cur.proc.signal('SIGTERM', extra);
    const killTimer = this.clock.setTimeout(() => cur.proc.signal('SIGKILL', extra), this.policy.killTimeoutMs);
    await cur.exited;
    this.clock.clearTimeout(killTimer);
    // The leader is gone; anything of its tree still around after a graceful stop is killed.
    cur.proc.signal('SIGKILL', extra);
  }

  private setStopped(reason: StopReason): void {
    this.currentState = 'stopped';
    this.events.fire({ type: 'stopped', reason, timeMs: this.clock.now() });
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) {
      this.clock.clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
  }

  /** Stops the process (if any) without waiting; use {@link stop} to wait for it. */
  dispose(): void {
    this.disposed = true;
    this.cancelRestart();
    const cur = this.current;
    if (cur) {
      cur.expected = true;
      void this.terminate(cur);
    }
    // Listeners hear the final exit before the emitters close.
    void (cur?.exited ?? Promise.resolve()).then(() => {
      this.events.dispose();
      this.lines.dispose();
    });
  }
}

function exitFields(e: ProcessExit): { exitCode: number | null; signal: string | null; error?: string } {
  return { exitCode: e.exitCode, signal: e.signal, ...(e.error ? { error: e.error } : {}) };
}
