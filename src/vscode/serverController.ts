/**
 * Start / Stop / Restart Server, the server's status-bar item and menu, its output in
 * a pseudoterminal, the automated actions of alert rules, the audit log and undo — the
 * VS Code side of src/core/supervise. Nothing starts in an untrusted workspace.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import { AlertTransition } from '../core/alerts/alert';
import { ACTION_KINDS, ActionKind, ActionSpec } from '../core/alerts/ruleActions';
import { systemClock } from '../core/clock';
import { actionWord } from '../core/i18n/words';
import { ActionRunner, untrustedSentence } from '../core/supervise/actionRunner';
import { AuditEntry, AuditLog, AuditTrigger } from '../core/supervise/audit';
import { LaunchSpec, TreeProcess } from '../core/supervise/launcher';
import { nodeLauncher } from '../core/supervise/nodeLauncher';
import { Operations } from '../core/supervise/operations';
import { operationsForReport, triggerText } from '../core/supervise/operationsReport';
import { exitLine } from '../core/supervise/policy';
import { parseServerSettings, ServerSettings, serverPidOf } from '../core/supervise/serverSettings';
import { ServerLineStream } from '../core/supervise/serverLines';
import { Supervisor } from '../core/supervise/supervisor';
import { TerminalFeed } from '../core/supervise/terminalFeed';
import { inertLogText, inertNotificationText, visibleText } from '../core/text/inertText';
import { Settings, settingId, SETTINGS_SECTION } from '../core/settings/settings';
import { renderOperationsMarkdown } from '../core/report/markdown';
import { ReportOperations } from '../core/report/reportData';
import { Commands } from '../shared/commandIds';
import { MonitorLog } from './log';

const USER: AuditTrigger = { kind: 'user' };
/** A whole notification sentence of this controller (a quoted stderr line is cut at 200 inside it). */
const TELL_CHARS = 700;

export class ServerController implements vscode.Disposable {
  readonly supervisor: Supervisor;
  readonly audit: AuditLog;
  readonly operations: Operations;
  readonly actions: ActionRunner;
  /** The server's output lines, for the log pipeline (src/core/logs attaches a LineStream). */
  readonly lines: ServerLineStream;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly item: vscode.StatusBarItem;
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  /** The output lines, kept for a terminal that opens late or again. */
  private readonly feed = new TerminalFeed();
  private terminal: vscode.Terminal | undefined;
  private settings: ServerSettings;
  private problems: string[] = [];
  /** The pid the monitor should watch (the node below an npm wrapper), when we started it. */
  private watchedPid: number | undefined;
  private readonly shown: string[] = [];
  private readonly offered: { text: string; items: readonly string[] }[] = [];
  /** Rule actions whose refusal (untrusted workspace) was told this session: told once, audited every time. */
  private readonly refusalsTold = new Set<string>();
  private raw: Settings;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: MonitorLog,
    initial: Settings,
    /** Called when the pid to watch changes (the extension points the monitor at it). */
    private readonly onWatchPid: (pid: number | undefined) => void,
    /** The compiled rules' actions by rule id. */
    actionsOf: (ruleId: string) => readonly ActionSpec[],
  ) {
    this.raw = initial;
    ({ settings: this.settings, problems: this.problems } = readServerSettings(initial));
    this.supervisor = new Supervisor({ clock: systemClock, launcher: nodeLauncher, name: vscode.l10n.t('chat server'), policy: this.policy() });
    const storage = context.storageUri ?? context.globalStorageUri;
    this.audit = new AuditLog({ clock: systemClock, file: path.join(storage.fsPath, 'audit.jsonl'), onProblem: (s) => log.warn(s) });
    this.operations = new Operations({
      clock: systemClock,
      supervisor: this.supervisor,
      audit: this.audit,
      handlers: {
        runTask: (name) => this.runTask(name),
        runCommand: (line) => runCommandLine(line, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath),
        setRuleEnabled: (id, enabled) => setRuleEnabled(id, enabled),
      },
    });
    this.actions = new ActionRunner({
      clock: systemClock,
      operations: this.operations,
      actionsOf,
      trusted: () => vscode.workspace.isTrusted,
      ask: async (question) => {
        const run = vscode.l10n.t({ message: 'Run', comment: 'a button: run the action a rule asks for' });
        return (await vscode.window.showWarningMessage(inertNotificationText(question), run, vscode.l10n.t('Not now'))) === run;
      },
      allowAutomatic: (kind, question) => this.allowAutomatic(kind, question),
    });

    this.lines = new ServerLineStream(this.supervisor, systemClock);
    this.item = vscode.window.createStatusBarItem('chatroomMonitor.server', vscode.StatusBarAlignment.Left, 99);
    this.item.name = vscode.l10n.t('Chat-Room Monitor: Server');
    this.item.command = Commands.serverMenu;
    this.render();
    this.item.show();

    this.disposables.push(
      this.item,
      this.writeEmitter,
      { dispose: this.supervisor.onLine((l) => this.write(l.stream === 'stderr' ? `\x1b[31m${l.text}\x1b[0m` : l.text)).dispose },
      { dispose: this.supervisor.onEvent((e) => void this.onSupervisorEvent(e)).dispose },
      { dispose: this.audit.onEntry((e) => this.onAudit(e)).dispose },
      vscode.commands.registerCommand(Commands.startServer, () => this.start()),
      vscode.commands.registerCommand(Commands.stopServer, () => this.stop()),
      vscode.commands.registerCommand(Commands.restartServer, () => this.restart()),
      vscode.commands.registerCommand(Commands.serverMenu, () => this.menu()),
      vscode.commands.registerCommand(Commands.showAuditLog, () => this.showAuditLog()),
      vscode.commands.registerCommand(Commands.undoLastAction, () => this.undoLast()),
      vscode.commands.registerCommand(Commands.scaleServer, (n?: number) => this.scale(n)),
      vscode.commands.registerCommand(Commands.allowAutomaticActions, (kinds?: ActionKind[]) => this.allowAutomaticActions(kinds)),
    );
  }

  /** The `server.*` settings changed (the extension routes the one change event here). */
  applySettings(settings: Settings): void {
    this.raw = settings;
    this.reload();
  }

  /** Feed every alert transition: rules with actions run them (see ActionRunner). */
  onAlertTransition(t: AlertTransition): void {
    void this.actions.onTransition(t);
  }

  /** The report's Operations section, when anything was done. */
  reportOperations(fromMs: number): ReportOperations | undefined {
    return this.audit.entries().length > 0 ? operationsForReport(this.audit.entries(), this.supervisor.runs, fromMs) : undefined;
  }

  /** The processes the monitor watches because it started them (leader first). */
  tree(): Promise<TreeProcess[]> {
    return this.supervisor.tree();
  }

  get state(): string {
    return this.supervisor.state;
  }

  get pidToWatch(): number | undefined {
    return this.watchedPid;
  }

  /** Sentences shown to the user by this controller (tests). */
  shownMessages(): readonly string[] {
    return this.shown;
  }

  /** The same notifications with the buttons each offered (tests: no Undo where nothing can be undone). */
  shownOffers(): readonly { text: string; items: readonly string[] }[] {
    return this.offered;
  }

  async start(): Promise<AuditEntry | undefined> {
    if (!vscode.workspace.isTrusted) {
      return this.refuse(vscode.l10n.t('Start Server'));
    }
    const spec = await this.launchSpec();
    if (!spec) {
      return undefined;
    }
    this.showTerminal();
    this.write(`\x1b[2m$ ${[spec.command, ...spec.args].join(' ')}\x1b[0m`);
    return this.operations.start(USER, spec);
  }

  async stop(): Promise<AuditEntry> {
    return this.operations.stop(USER);
  }

  async restart(): Promise<AuditEntry | undefined> {
    if (!vscode.workspace.isTrusted) {
      return this.refuse(vscode.l10n.t('Restart Server'));
    }
    if (this.supervisor.state === 'idle' || !this.supervisor.launchSpec) {
      return this.start();
    }
    return this.operations.restart(USER);
  }

  async scale(n?: number): Promise<AuditEntry | undefined> {
    if (!vscode.workspace.isTrusted) {
      return this.refuse(vscode.l10n.t('Scale Server'));
    }
    let workers = n;
    if (workers === undefined) {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Chat-Room Monitor: worker processes (WEB_CONCURRENCY)'),
        value: String(this.operations.workers),
        validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 64 ? undefined : vscode.l10n.t('A whole number from 1 to 64.')),
      });
      if (!text) {
        return undefined;
      }
      workers = Number(text);
    }
    if (!this.supervisor.launchSpec) {
      const spec = await this.launchSpec();
      if (!spec) {
        return undefined;
      }
      this.supervisor.setSpec(spec);
    }
    return this.operations.scale(workers, USER);
  }

  async undoLast(): Promise<AuditEntry | undefined> {
    const target = this.operations.undoable();
    if (!target) {
      this.tell('info', vscode.l10n.t('There is nothing to undo: restarts, profiles, tasks and command lines cannot be undone (see the README).'));
      return undefined;
    }
    const e = await this.operations.undoLast(USER);
    this.tell(e.result === 'ok' ? 'info' : 'warning', e.message ?? vscode.l10n.t('Undo {0}.', e.result));
    return e;
  }

  private refuse(what: string): undefined {
    const sentence = vscode.l10n.t('{0} is refused: {1}', what, untrustedSentence());
    this.log.warn(sentence);
    this.tell('warning', sentence);
    return undefined;
  }

  /**
   * Every notification of this controller: the whole sentence goes through the inert-text
   * module here (it quotes stderr lines, task names and settings), so pieces are built
   * with `visibleText` only and no caller can forget.
   */
  private tell(level: 'info' | 'warning' | 'error', sentence: string, ...items: string[]): Thenable<string | undefined> {
    const text = inertNotificationText(sentence, TELL_CHARS);
    this.shown.push(text);
    this.offered.push({ text, items });
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(text, ...items);
  }

  /** The command from a task (when `server.task` is set) or from the settings. */
  private async launchSpec(): Promise<LaunchSpec | undefined> {
    this.reload();
    if (this.problems.length > 0) {
      this.tell('error', this.problems[0]!);
      return undefined;
    }
    if (this.settings.task) {
      const spec = await taskLaunchSpec(this.settings.task);
      if (typeof spec === 'string') {
        this.tell('error', spec);
        return undefined;
      }
      return spec;
    }
    if (!this.settings.launch) {
      const openSettings = vscode.l10n.t('Open Settings');
      void this.tell('warning', vscode.l10n.t('Set chatroomMonitor.server.command (and .args) or chatroomMonitor.server.task to say how to start your server.'), openSettings).then((c) => {
        if (c) {
          void vscode.commands.executeCommand('workbench.action.openSettings', settingId('server.command').replace(/\.command$/, ''));
        }
      });
      return undefined;
    }
    return this.settings.launch;
  }

  private reload(): void {
    ({ settings: this.settings, problems: this.problems } = readServerSettings(this.raw));
    for (const p of this.problems) {
      this.log.error(p);
    }
    this.supervisor.updatePolicy(this.policy());
  }

  private policy() {
    return { minUptimeMs: this.settings.minUptimeMs, maxRestarts: this.settings.maxRestarts };
  }

  private async onSupervisorEvent(e: Parameters<Parameters<Supervisor['onEvent']>[0]>[0]): Promise<void> {
    this.render();
    if (e.type === 'started') {
      this.log.info(vscode.l10n.t('Server run {0} started: pid {1}.', e.run, e.pid));
      this.watchedPid = e.pid;
      this.onWatchPid(e.pid);
      // An `npm run dev` wrapper starts the real server a moment later: watch that one.
      for (const waitMs of [500, 1500, 4000]) {
        await new Promise((r) => setTimeout(r, waitMs));
        if (this.supervisor.pid !== e.pid) {
          return;
        }
        const pid = serverPidOf(await this.supervisor.tree());
        if (pid !== undefined && pid !== this.watchedPid) {
          this.watchedPid = pid;
          this.log.info(vscode.l10n.t('Watching pid {0}, the server below the command the monitor started.', pid));
          this.onWatchPid(pid);
        }
      }
    } else if (e.type === 'exited') {
      this.write(`\x1b[2m[${exitLine(e)}]\x1b[0m`);
    } else if (e.type === 'stopped') {
      this.watchedPid = undefined;
      this.onWatchPid(undefined);
      if (e.reason === 'spawnFailed') {
        this.tell('error', vscode.l10n.t('The server could not be started: {0}. Check {1}.', visibleText(this.supervisor.lastStderr.at(-1) ?? vscode.l10n.t('unknown error'), 200), settingId('server.command')));
      }
    } else if (e.type === 'crashLoop') {
      const a = e.alert;
      this.log.error(`${a.title}. ${a.message}`);
      for (const line of a.lastStderr) {
        this.log.error(`  stderr: ${inertLogText(line)}`);
      }
      const last = a.lastStderr.at(-1);
      const showOutput = vscode.l10n.t('Show Output');
      const startAgain = vscode.l10n.t('Start Again');
      const sentence = vscode.l10n.t('{0}. {1}', a.title, a.message);
      void this.tell('error', last ? vscode.l10n.t('{0} Last stderr line: {1}', sentence, visibleText(last, 200)) : sentence, showOutput, startAgain).then((c) => {
        if (c === showOutput) {
          this.showTerminal();
        } else if (c === startAgain) {
          void this.start();
        }
      });
    }
  }

  private onAudit(e: AuditEntry): void {
    const by = inertLogText(triggerText(e.trigger));
    this.log.info(e.message ? vscode.l10n.t('Audit: {0} by {1} → {2} ({3}).', e.action, by, e.result, inertLogText(e.message)) : vscode.l10n.t('Audit: {0} by {1} → {2}.', e.action, by, e.result));
    if (e.trigger.kind === 'rule' && e.result === 'refused') {
      const key = `${e.trigger.ruleId ?? ''}\u0000${e.action}`;
      if (!this.refusalsTold.has(key)) {
        this.refusalsTold.add(key);
        void this.tell('warning', vscode.l10n.t('The "{0}" action of rule {1} is refused: {2}', e.action, e.trigger.ruleId ?? '', e.message ?? ''), vscode.l10n.t('Show Audit Log')).then((c) => c && void this.showAuditLog());
      }
    }
    if (e.trigger.kind === 'rule' && e.result === 'ok') {
      const what = vscode.l10n.t('{0} done automatically (rule {1}).', e.action, e.trigger.ruleId ?? '');
      const auditButton = vscode.l10n.t('Show Audit Log');
      const file = (e.params?.after as { file?: unknown } | undefined)?.file;
      if ((e.action === 'cpuProfile' || e.action === 'heapProfile') && typeof file === 'string') {
        // A profile changes nothing in the server, so there is nothing to undo: say what it found.
        const found = e.message ? ` ${inertNotificationText(e.message)}.` : '';
        const open = vscode.l10n.t('Open Profile');
        void this.tell('info', `${what}${found}`, open, auditButton).then((c) =>
          c === open ? void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file)) : c && void this.showAuditLog(),
        );
      } else if (e.undo) {
        const undo = vscode.l10n.t('Undo');
        void this.tell('info', what, undo, auditButton).then((c) => (c === undo ? void this.undoLast() : c && void this.showAuditLog()));
      } else {
        // No Undo button where nothing can be undone (the README's table says why for each kind).
        void this.tell('info', `${what} ${cannotUndo(e.action)}`, auditButton).then((c) => c && void this.showAuditLog());
      }
    }
  }

  /**
   * "Allow Automatic Actions…": the user allows (or withdraws) automatic actions of
   * some kinds for this workspace ahead of time, instead of answering when one first runs.
   */
  private async allowAutomaticActions(kinds?: ActionKind[]): Promise<void> {
    let chosen = kinds;
    if (!chosen) {
      const picked = await vscode.window.showQuickPick(
        ACTION_KINDS.map((k) => ({ label: k, picked: this.context.workspaceState.get<boolean>(autoKey(k)) === true })),
        { canPickMany: true, title: vscode.l10n.t('Chat-Room Monitor: automatic actions allowed in this workspace') },
      );
      if (!picked) {
        return;
      }
      chosen = picked.map((p) => p.label as ActionKind);
    }
    for (const k of ACTION_KINDS) {
      await this.context.workspaceState.update(autoKey(k), chosen.includes(k));
    }
    this.audit.append({ action: 'allowAutomatic', trigger: USER, result: 'ok', durationMs: 0, params: { after: { kinds: chosen } } });
  }

  private async allowAutomatic(kind: ActionKind, question: string): Promise<boolean> {
    const key = autoKey(kind);
    const saved = this.context.workspaceState.get<boolean>(key);
    if (saved !== undefined) {
      return saved;
    }
    const allow = vscode.l10n.t('Allow');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'A rule wants to {0} automatically. {1} Allow automatic "{2}" actions in this workspace from now on?',
        kind === 'restart' ? vscode.l10n.t('restart the server') : vscode.l10n.t('run "{0}"', kind),
        inertNotificationText(question),
        kind,
      ),
      { modal: true },
      allow,
      vscode.l10n.t("Don't Allow"),
    );
    if (answer === undefined) {
      return false;
    }
    await this.context.workspaceState.update(key, answer === allow);
    return answer === allow;
  }

  private render(): void {
    const s = this.supervisor.state;
    const pid = this.supervisor.pid;
    const text: Record<string, string> = {
      idle: `$(play) ${vscode.l10n.t('Start Server')}`,
      running: `$(server-process) ${pid === undefined ? vscode.l10n.t('server') : vscode.l10n.t('server {0}', pid)}`,
      waiting: `$(sync~spin) ${vscode.l10n.t('server restarting…')}`,
      stopping: `$(loading~spin) ${vscode.l10n.t('server stopping…')}`,
      stopped: `$(debug-stop) ${vscode.l10n.t('server stopped')}`,
      crashLoop: `$(error) ${vscode.l10n.t('server crash loop')}`,
    };
    this.item.text = text[s] ?? s;
    // The state's id in English (as before), its word in other languages.
    const states: Record<string, string> = {
      idle: vscode.l10n.t({ message: 'idle', comment: 'the supervised server\'s state' }),
      running: vscode.l10n.t({ message: 'running', comment: 'the supervised server\'s state' }),
      waiting: vscode.l10n.t({ message: 'waiting', comment: 'the supervised server\'s state' }),
      stopping: vscode.l10n.t({ message: 'stopping', comment: 'the supervised server\'s state' }),
      stopped: vscode.l10n.t({ message: 'stopped', comment: 'the supervised server\'s state' }),
      crashLoop: vscode.l10n.t({ message: 'crashLoop', comment: 'the supervised server\'s state' }),
    };
    const state = states[s] ?? s;
    this.item.tooltip = !pid
      ? vscode.l10n.t('Chat-Room Monitor: the server it supervises is {0}. Click for Start, Stop, Restart, Audit Log and Undo.', state)
      : this.supervisor.runs === 1
        ? vscode.l10n.t('Chat-Room Monitor: the server it supervises is {0} (pid {1}, 1 run). Click for Start, Stop, Restart, Audit Log and Undo.', state, pid)
        : vscode.l10n.t('Chat-Room Monitor: the server it supervises is {0} (pid {1}, {2} runs). Click for Start, Stop, Restart, Audit Log and Undo.', state, pid, this.supervisor.runs);
    this.item.backgroundColor = s === 'crashLoop' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  private async menu(): Promise<void> {
    const running = this.supervisor.pid !== undefined;
    const undo = this.operations.undoable();
    const items: (vscode.QuickPickItem & { run: () => unknown })[] = [
      ...(running ? [] : [{ label: `$(play) ${vscode.l10n.t('Start Server')}`, run: () => this.start() }]),
      ...(running ? [{ label: `$(debug-stop) ${vscode.l10n.t('Stop Server')}`, run: () => this.stop() }] : []),
      { label: `$(debug-restart) ${vscode.l10n.t('Restart Server')}`, run: () => this.restart() },
      { label: `$(server-environment) ${vscode.l10n.t('Scale Server…')}`, description: vscode.l10n.t('{0} worker(s)', this.operations.workers), run: () => this.scale() },
      { label: `$(terminal) ${vscode.l10n.t('Show Server Output')}`, run: () => this.showTerminal() },
      { label: `$(history) ${vscode.l10n.t('Show Audit Log')}`, run: () => this.showAuditLog() },
      ...(undo ? [{ label: `$(discard) ${vscode.l10n.t('Undo Last Action')}`, description: vscode.l10n.t('{0} at {1}', actionWord(undo.action), undo.time), run: () => this.undoLast() }] : []),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Chat-Room Monitor: Server') });
    await picked?.run();
  }

  /** The audit log as a Markdown document (read-only, untitled). */
  async showAuditLog(): Promise<vscode.TextDocument> {
    const ops = operationsForReport(this.audit.entries(), this.supervisor.runs, 0, 500);
    const content = [
      vscode.l10n.t('# Chat-Room Monitor — audit log'),
      '',
      vscode.l10n.t("Every operation on the server, the user's or an automatic one; the full JSON lines are in {0}.", `\`${this.audit.file ?? vscode.l10n.t('memory')}\``),
      '',
      ...renderOperationsMarkdown(ops),
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }

  private showTerminal(): void {
    if (!this.terminal || this.terminal.exitStatus) {
      const pty: vscode.Pseudoterminal = {
        onDidWrite: this.writeEmitter.event,
        open: () => this.feed.open((data) => this.writeEmitter.fire(data)),
        close: () => {
          this.feed.close();
          this.terminal = undefined;
        },
      };
      this.terminal = vscode.window.createTerminal({ name: vscode.l10n.t('Chat server'), pty, iconPath: new vscode.ThemeIcon('server-process') });
    }
    this.terminal.show(true);
  }

  private write(line: string): void {
    this.feed.write(line);
  }

  private async runTask(name: string): Promise<void> {
    const task = (await vscode.tasks.fetchTasks()).find((t) => t.name === name);
    if (!task) {
      throw new Error(vscode.l10n.t('No task named "{0}" in this workspace; check tasks.json.', name));
    }
    await vscode.tasks.executeTask(task);
  }

  /** Stops the server when the editor closes, unless `server.stopOnExit` is false. */
  async shutdown(): Promise<void> {
    if (this.settings.stopOnExit && this.supervisor.pid !== undefined) {
      await this.operations.stop({ kind: 'user' });
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
    this.terminal?.dispose();
    this.lines.dispose();
    this.operations.dispose();
    if (this.settings.stopOnExit) {
      this.supervisor.dispose();
    }
    this.audit.dispose();
  }
}

/**
 * A rule's `command` action: the command line through the shell in the workspace folder
 * (only ever reached in a trusted workspace — the action runner refuses otherwise),
 * at most 5 minutes, the last 4 KB of its output kept for the audit log.
 */
function runCommandLine(line: string, cwd: string | undefined): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(line, { shell: true, cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000 });
    let output = '';
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4096));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ exitCode: null, output: err.message }));
    child.on('close', (code) => resolve({ exitCode: code, output }));
  });
}

function autoKey(kind: ActionKind): string {
  return `chatroomMonitor.allowAutomatic.${kind}`;
}

function readServerSettings(s: Settings): { settings: ServerSettings; problems: string[] } {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return parseServerSettings(
    {
      command: s['server.command'],
      args: s['server.args'],
      cwd: s['server.cwd'],
      env: s['server.env'],
      task: s['server.task'],
      stopOnExit: s['server.stopOnExit'],
      minUptime: s['server.minUptime'],
      maxRestarts: s['server.maxRestarts'],
    },
    folder,
  );
}

/** The command line of a process or shell task, as a launch spec; a sentence when it has none. */
async function taskLaunchSpec(name: string): Promise<LaunchSpec | string> {
  const task = (await vscode.tasks.fetchTasks()).find((t) => t.name === name);
  if (!task) {
    return vscode.l10n.t('No task named "{0}" (chatroomMonitor.server.task); check tasks.json.', name);
  }
  const exec = task.execution;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const str = (v: string | vscode.ShellQuotedString) => (typeof v === 'string' ? v : v.value);
  if (exec instanceof vscode.ProcessExecution) {
    return { command: exec.process, args: exec.args, ...(exec.options?.cwd ?? folder ? { cwd: exec.options?.cwd ?? folder } : {}), ...(exec.options?.env ? { env: exec.options.env } : {}) };
  }
  if (exec instanceof vscode.ShellExecution) {
    const line = exec.commandLine ?? [exec.command ? str(exec.command) : '', ...(exec.args ?? []).map(str)].join(' ');
    return { command: line, args: [], shell: true, ...(exec.options?.cwd ?? folder ? { cwd: exec.options?.cwd ?? folder } : {}), ...(exec.options?.env ? { env: exec.options.env } : {}) };
  }
  return vscode.l10n.t('The task "{0}" is not a shell or process task, so the monitor cannot run it itself; use chatroomMonitor.server.command instead.', name);
}

async function setRuleEnabled(ruleId: string, enabled: boolean): Promise<void> {
  // Writing a setting (reading goes through the one SettingsReader).
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const rules = [...((c.inspect<Record<string, unknown>[]>('alerts.rules')?.workspaceValue as Record<string, unknown>[] | undefined) ?? [])];
  const i = rules.findIndex((r) => r.id === ruleId);
  if (i >= 0) {
    rules[i] = { ...rules[i], enabled };
  } else {
    rules.push({ id: ruleId, enabled });
  }
  await c.update('alerts.rules', rules, vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}

/** Why an automatic action of this kind has no Undo (the README's table, in one sentence). */
function cannotUndo(action: string): string {
  if (action === 'restart') {
    return vscode.l10n.t('A restart cannot be undone: the process that ended cannot be brought back with its memory and connections. The audit log has the evidence.');
  }
  if (action === 'runTask' || action === 'command') {
    return vscode.l10n.t('It cannot be undone: the monitor cannot know what a task or a command line changed.');
  }
  return vscode.l10n.t('A {0} cannot be undone.', action);
}
