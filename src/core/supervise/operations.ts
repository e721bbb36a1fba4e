import * as l10n from '@vscode/l10n';
/**
 * Every operation on the supervised server, the user's or an automatic one, in one
 * place: it runs the operation, appends one audit line (trigger, parameters before
 * and after, result, duration) and records how to undo it. The supervisor's own
 * restarts and a crash loop are audited here too, so the log tells the whole story.
 */
import { ActionMode, ActionSpec } from '../alerts/ruleActions';
import { Clock } from '../clock';
import { Disposable, DisposableStore } from '../events';
import { displayLocale } from '../i18n/locale';
import { actionWord } from '../i18n/words';
import { AuditEntry, AuditLog, AuditResult, AuditTrigger, lastUndoable, NewAuditEntry, UndoRecord } from './audit';
import { LaunchSpec } from './launcher';
import { describeExit } from './policy';
import { Supervisor } from './supervisor';

/** The environment variable the example server (and Heroku-style servers) read for the worker count. */
export const WORKERS_ENV = 'WEB_CONCURRENCY';

/** Capabilities other parts provide; a missing one makes its action fail with a sentence. */
export interface OperationHandlers {
  /**
   * Records a CPU profile of `pid` for `durationMs`; resolves with the file it was saved
   * to and one sentence of what it found, or rejects with a sentence saying why not.
   */
  cpuProfile?(pid: number, durationMs: number): Promise<ProfileOutcome>;
  /** Heap growth by allocation site over `durationMs` (undefined: the capability's default). */
  heapProfile?(pid: number, durationMs: number | undefined): Promise<ProfileOutcome>;
  /** The process a profile should attach to (the node the monitor watches); else the supervised pid. */
  profileTarget?(): number | undefined;
  /** Runs a VS Code task by name; resolves when it was started. */
  runTask?(name: string): Promise<void>;
  /** Runs a command line in the workspace; resolves with its exit code. */
  runCommand?(commandLine: string): Promise<{ exitCode: number | null; output: string }>;
  /** Turns an alert rule on or off (VS Code writes the setting). */
  setRuleEnabled?(ruleId: string, enabled: boolean): Promise<void>;
}

/** What a profile action produced: the file, and what it found in one sentence. */
export interface ProfileOutcome {
  readonly file: string;
  readonly finding?: string;
}

/** Why an action cannot run here, per kind, when its handler is missing (in the display language). */
function unavailable(kind: 'cpuProfile' | 'heapProfile' | 'runTask' | 'command' | 'disableRule'): string {
  switch (kind) {
    case 'cpuProfile':
      return l10n.t('CPU profiling is only available inside VS Code (headless: chatroom-monitor profile), so no profile was recorded.');
    case 'heapProfile':
      return l10n.t('Heap profiling is only available inside VS Code (headless: chatroom-monitor profile --heap), so no heap profile was taken.');
    case 'runTask':
      return l10n.t('Running a VS Code task is only possible inside VS Code.');
    case 'command':
      return l10n.t('Running a command line is not available here.');
    case 'disableRule':
      return l10n.t('Rules can only be turned off from VS Code settings.');
  }
}

/** The undone operation inside an "Undid …" sentence: its id in English (as before), its name in Chinese. */
function undoneName(action: string): string {
  return displayLocale() === 'en' ? action : actionWord(action);
}

function workersText(n: number): string {
  return n === 1 ? l10n.t('1 worker') : l10n.t('{0} workers', n);
}

export interface OperationsOptions {
  readonly clock: Clock;
  readonly supervisor: Supervisor;
  readonly audit: AuditLog;
  readonly handlers?: OperationHandlers;
}

export class Operations implements Disposable {
  private readonly clock: Clock;
  private readonly disposables = new DisposableStore();
  readonly supervisor: Supervisor;
  readonly audit: AuditLog;
  handlers: OperationHandlers;

  constructor(options: OperationsOptions) {
    this.clock = options.clock;
    this.supervisor = options.supervisor;
    this.audit = options.audit;
    this.handlers = options.handlers ?? {};
    this.disposables.add(this.supervisor.onEvent((e) => {
      if (e.type === 'restartScheduled') {
        this.audit.append({
          action: 'restart',
          trigger: { kind: 'supervisor' },
          result: 'ok',
          message: l10n.t('The server ended unexpectedly ({0}); restarting in {1} ms (unstable runs in the window: {2}).', describeExit(e), e.delayMs, e.unstableInWindow),
          durationMs: 0,
          exitCode: e.exitCode,
          signal: e.signal,
          delayMs: e.delayMs,
        });
      } else if (e.type === 'crashLoop') {
        const last = e.alert.exits[e.alert.exits.length - 1];
        this.audit.append({
          action: 'crashLoop',
          trigger: { kind: 'supervisor' },
          result: 'ok',
          message: `${e.alert.title}. ${e.alert.message}`,
          durationMs: 0,
          exitCode: last?.exitCode ?? null,
          signal: last?.signal ?? null,
          params: { after: { lastStderr: e.alert.lastStderr, exits: e.alert.exits } },
        });
      }
    }));
  }

  /** The worker count the next start uses (WEB_CONCURRENCY, 1 when unset). */
  get workers(): number {
    const n = Number(this.supervisor.launchSpec?.env?.[WORKERS_ENV] ?? '1');
    return Number.isInteger(n) && n >= 1 ? n : 1;
  }

  start(trigger: AuditTrigger, spec?: LaunchSpec): AuditEntry {
    return this.timed('start', trigger, () => {
      this.supervisor.start(spec);
      return { result: 'ok', params: { after: describeSpec(this.supervisor.launchSpec) } };
    });
  }

  stop(trigger: AuditTrigger): Promise<AuditEntry> {
    return this.timedAsync('stop', trigger, async () => {
      const pid = this.supervisor.pid;
      await this.supervisor.stop();
      return { result: 'ok', message: pid ? l10n.t('Stopped pid {0} and the processes below it.', pid) : l10n.t('The server was not running.') };
    });
  }

  restart(trigger: AuditTrigger, mode?: ActionMode): Promise<AuditEntry> {
    return this.timedAsync('restart', trigger, async () => {
      const before = this.supervisor.pid;
      await this.supervisor.restart();
      return { result: 'ok', params: { before: { pid: before }, after: { pid: this.supervisor.pid } }, ...(mode ? { mode } : {}) };
    });
  }

  /** Sets the worker count (WEB_CONCURRENCY) and restarts a running server; undo sets it back. */
  scale(workers: number, trigger: AuditTrigger, mode?: ActionMode): Promise<AuditEntry> {
    return this.timedAsync('scale', trigger, async () => {
      const before = this.workers;
      if (before === workers) {
        return { result: 'skipped', message: l10n.t('The server already runs {0}.', workersText(workers)), params: { before: { workers }, after: { workers } } };
      }
      await this.applyWorkers(workers);
      const undo: UndoRecord = { kind: 'scale', workers: before };
      return { result: 'ok', params: { before: { workers: before }, after: { workers } }, undo, ...(mode ? { mode } : {}) };
    });
  }

  /** Replaces the command (settings changed, a task chosen); undo puts the previous one back. */
  setLaunch(spec: LaunchSpec, trigger: AuditTrigger): AuditEntry {
    return this.timed('setCommand', trigger, () => {
      const before = this.supervisor.launchSpec;
      this.supervisor.setSpec(spec);
      return {
        result: 'ok',
        params: { before: describeSpec(before), after: describeSpec(spec) },
        ...(before ? { undo: { kind: 'restoreLaunch', spec: before } as UndoRecord } : {}),
      };
    });
  }

  /** Turns a rule off (from a notification); undo turns it back on. */
  disableRule(ruleId: string, trigger: AuditTrigger): Promise<AuditEntry> {
    return this.timedAsync('disableRule', trigger, async () => {
      const set = this.handlers.setRuleEnabled;
      if (!set) {
        return { result: 'failed', message: unavailable('disableRule') };
      }
      await set(ruleId, false);
      return { result: 'ok', params: { before: { ruleId, enabled: true }, after: { ruleId, enabled: false } }, undo: { kind: 'enableRule', ruleId } };
    });
  }

  /** Runs one action of a rule (the runner decided it may run now). */
  runAction(spec: ActionSpec, trigger: AuditTrigger): Promise<AuditEntry> {
    const mode = spec.mode;
    switch (spec.do) {
      case 'restart':
        return this.restart(trigger, mode);
      case 'scale':
        return this.scale(spec.workers ?? 1, trigger, mode);
      case 'cpuProfile':
      case 'heapProfile':
        return this.profile(spec.do, spec.durationMs, trigger, mode);
      case 'runTask':
        return this.timedAsync('runTask', trigger, async () => {
          if (!this.handlers.runTask) {
            return { result: 'failed', message: unavailable('runTask'), mode };
          }
          await this.handlers.runTask(spec.task ?? '');
          return { result: 'ok', params: { after: { task: spec.task } }, mode };
        });
      case 'command':
        return this.timedAsync('command', trigger, async () => {
          if (!this.handlers.runCommand) {
            return { result: 'failed', message: unavailable('command'), mode };
          }
          const r = await this.handlers.runCommand(spec.command ?? '');
          return {
            result: r.exitCode === 0 ? 'ok' : 'failed',
            params: { after: { command: spec.command, exitCode: r.exitCode } },
            message: l10n.t('The command ended with {0}.', describeExit({ exitCode: r.exitCode, signal: null })),
            mode,
          };
        });
    }
  }

  /** What an action would change, for dry runs and the question asked in "ask" mode. */
  preview(spec: ActionSpec): { before?: unknown; after?: unknown; sentence: string } {
    switch (spec.do) {
      case 'restart':
        return {
          before: { pid: this.supervisor.pid },
          sentence: this.supervisor.pid ? l10n.t('restart the server (pid {0})', this.supervisor.pid) : l10n.t('restart the server'),
        };
      case 'scale':
        return { before: { workers: this.workers }, after: { workers: spec.workers }, sentence: l10n.t('scale the server from {0} to {1} workers', this.workers, spec.workers ?? 1) };
      case 'cpuProfile':
        return { sentence: l10n.t('record a {0} s CPU profile of the server', Math.round((spec.durationMs ?? 0) / 1000)) };
      case 'heapProfile':
        return {
          sentence: spec.durationMs ? l10n.t("record the server's heap growth for {0} s", Math.round(spec.durationMs / 1000)) : l10n.t("record the server's heap growth"),
        };
      case 'runTask':
        return { after: { task: spec.task }, sentence: l10n.t('run the task "{0}"', spec.task ?? '') };
      case 'command':
        return { after: { command: spec.command }, sentence: l10n.t('run the command line "{0}"', spec.command ?? '') };
    }
  }

  /** Appends an entry for an action that did not run (declined, dry run, cooldown, cap, trust). */
  record(entry: NewAuditEntry): AuditEntry {
    return this.audit.append(entry);
  }

  /** The operation Undo Last Action would revert, if any. */
  undoable(): AuditEntry | undefined {
    return lastUndoable(this.audit.entries());
  }

  /** Reverts the most recent undoable operation and audits the undo. */
  undoLast(trigger: AuditTrigger): Promise<AuditEntry> {
    const target = this.undoable();
    return this.timedAsync('undo', trigger, async () => {
      if (!target?.undo) {
        return { result: 'skipped', message: l10n.t('There is nothing to undo: restarts, profiles, tasks and command lines cannot be undone.') };
      }
      const u = target.undo;
      if (u.kind === 'scale') {
        const before = this.workers;
        await this.applyWorkers(u.workers);
        return { result: 'ok', undoes: target.id, params: { before: { workers: before }, after: { workers: u.workers } }, message: l10n.t('Undid {0}: back to {1}.', undoneName(target.action), workersText(u.workers)) };
      }
      if (u.kind === 'restoreLaunch') {
        const before = this.supervisor.launchSpec;
        this.supervisor.setSpec(u.spec);
        const running = this.supervisor.pid !== undefined;
        if (running) {
          await this.supervisor.restart();
        }
        return { result: 'ok', undoes: target.id, params: { before: describeSpec(before), after: describeSpec(u.spec) }, message: running ? l10n.t('Undid {0}: the previous command is back and the server restarted.', undoneName(target.action)) : l10n.t('Undid {0}: the previous command is back.', undoneName(target.action)) };
      }
      const set = this.handlers.setRuleEnabled;
      if (!set) {
        return { result: 'failed', undoes: target.id, message: unavailable('disableRule') };
      }
      await set(u.ruleId, true);
      return { result: 'ok', undoes: target.id, params: { before: { ruleId: u.ruleId, enabled: false }, after: { ruleId: u.ruleId, enabled: true } }, message: l10n.t('Undid {0}: rule "{1}" is on again.', undoneName(target.action), u.ruleId) };
    });
  }

  private async applyWorkers(workers: number): Promise<void> {
    const spec = this.supervisor.launchSpec;
    if (!spec) {
      throw new Error(l10n.t('No server command is set; set chatroomMonitor.server.command first.'));
    }
    this.supervisor.setSpec({ ...spec, env: { ...spec.env, [WORKERS_ENV]: String(workers) } });
    if (this.supervisor.pid !== undefined) {
      await this.supervisor.restart();
    }
  }

  private profile(kind: 'cpuProfile' | 'heapProfile', durationMs: number | undefined, trigger: AuditTrigger, mode?: ActionMode): Promise<AuditEntry> {
    return this.timedAsync(kind, trigger, async () => {
      const pid = this.handlers.profileTarget?.() ?? this.supervisor.pid;
      const m = mode ? { mode } : {};
      if (!(kind === 'cpuProfile' ? this.handlers.cpuProfile : this.handlers.heapProfile)) {
        return { result: 'failed', message: unavailable(kind), ...m };
      }
      if (pid === undefined) {
        return { result: 'failed', message: l10n.t('No server is running or watched, so there is nothing to profile.'), ...m };
      }
      const out = kind === 'cpuProfile' ? await this.handlers.cpuProfile!(pid, durationMs ?? 10_000) : await this.handlers.heapProfile!(pid, durationMs);
      // Nothing to revert: a profile changes nothing in the server (its inspector is closed again).
      return { result: 'ok', params: { after: { pid, file: out.file } }, ...(out.finding ? { message: out.finding } : {}), ...m };
    });
  }

  private timed(action: string, trigger: AuditTrigger, run: () => Outcome): AuditEntry {
    const t0 = this.clock.now();
    let o: Outcome;
    try {
      o = run();
    } catch (err) {
      o = { result: 'failed', message: sentenceOf(err) };
    }
    return this.audit.append({ action, trigger, ...o, durationMs: this.clock.now() - t0 });
  }

  private async timedAsync(action: string, trigger: AuditTrigger, run: () => Promise<Outcome>): Promise<AuditEntry> {
    const t0 = this.clock.now();
    let o: Outcome;
    try {
      o = await run();
    } catch (err) {
      o = { result: 'failed', message: sentenceOf(err) };
    }
    return this.audit.append({ action, trigger, ...o, durationMs: this.clock.now() - t0 });
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

type Outcome = {
  result: AuditResult;
  message?: string;
  params?: { before?: unknown; after?: unknown };
  undo?: UndoRecord;
  undoes?: string;
  mode?: ActionMode;
};

/** The parts of a launch spec worth auditing (the environment's added variables, not the whole inherited one). */
export function describeSpec(spec: LaunchSpec | undefined): unknown {
  if (!spec) {
    return undefined;
  }
  return { command: spec.command, args: spec.args, ...(spec.cwd ? { cwd: spec.cwd } : {}), ...(spec.env ? { env: spec.env } : {}) };
}

function sentenceOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}

