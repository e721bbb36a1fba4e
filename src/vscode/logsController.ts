import path from 'node:path';
import * as vscode from 'vscode';
import { AlertNotification } from '../core/alerts/notificationThrottle';
import { SourceOutput, TickSource } from '../core/collect/tickSource';
import { formatClockTime } from '../core/i18n/locale';
import { ErrorGroup, GroupEvent } from '../core/logs/errorGroups';
import { mapGroupFrames, ReportFrame, topWorkspaceFrame, LogsReport } from '../core/logs/logReport';
import type { LineStream } from '../core/logs/lineStream';
import type { LogWatcher } from '../core/logs/logWatcher';
import { inertLogText, inertNotificationText, visibleText } from '../core/text/inertText';
import { Commands } from '../shared/commandIds';
import { loadBundle } from './lazyModule';
import { MonitorLog } from './log';

/** The Problems panel's name for runtime errors (the diagnostic collection and each entry's source). */
export const DIAGNOSTIC_SOURCE = 'Chat-Room Monitor';
/** A group's Problems entry is cleared after it has been quiet this long. */
export const QUIET_MS = 5 * 60_000;
const REFRESH_MS = 2000;

export interface LogsSettings {
  readonly files: readonly string[];
}

/**
 * The logs side in the editor: follows the files of `chatroomMonitor.logs.files`,
 * puts runtime error groups in the Problems panel at their top application frame
 * (cleared when the group goes quiet or is dismissed), and offers a new group to
 * the notification throttle. The log watcher (parsers, source maps) is loaded only
 * when a log file is configured.
 */
export class LogsController implements vscode.Disposable {
  private watcher: LogWatcher | undefined;
  private watcherSubs: { dispose(): void }[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly dismissed = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private filesKey = '';
  private readonly subscriptions: vscode.Disposable[] = [];
  private generation = 0;
  private files: readonly string[] = [];
  /** A supervised server's stream has produced a line (the pipeline then runs without files). */
  private streamSeen = false;
  private view: LogsViewPanelType | undefined;

  constructor(
    private readonly log: MonitorLog,
    private readonly offerNotification: (n: AlertNotification) => void,
    private readonly roots: () => readonly string[],
    private readonly extensionUri: vscode.Uri,
  ) {
    this.subscriptions.push(
      this.diagnostics,
      vscode.commands.registerCommand(Commands.dismissRuntimeErrors, () => this.dismissAll()),
      vscode.commands.registerCommand(Commands.openErrorFrame, (file: string, line: number, column?: number) => openAt(file, line, column)),
      vscode.commands.registerCommand(Commands.showLogs, () => this.showView()),
    );
  }

  /** A tick source for the monitor that reads whichever watcher is current (none: no samples). */
  readonly tickSource: TickSource = {
    id: 'logs',
    collect: (ctx): Promise<SourceOutput> => (this.currentSource ? this.currentSource.collect(ctx) : Promise.resolve({ samples: [], problems: [] })),
  };
  private currentSource: TickSource | undefined;

  async applySettings(s: LogsSettings): Promise<void> {
    const key = JSON.stringify(s.files);
    if (key === this.filesKey) return;
    this.filesKey = key;
    this.files = s.files;
    const gen = ++this.generation;
    this.stopWatcher();
    // A supervised server that has written lines keeps the pipeline alive without a file.
    if (s.files.length === 0 && !this.streamSeen) return;
    await Promise.resolve();
    if (gen !== this.generation) return; // settings changed again meanwhile
    this.startWatcher();
  }

  /**
   * Reads another line stream (the supervised server's stdout/stderr) into whichever
   * watcher is current, now and after settings changes; its first line starts the
   * log pipeline when no file is configured. `onRestart` marks regressions.
   */
  attachStream(stream: LineStream): vscode.Disposable {
    const subs = [
      stream.onLine((l) => {
        this.streamSeen = true;
        (this.watcher ?? this.startWatcher()).pipeline.push(l);
      }),
      ...(stream.onRestart ? [stream.onRestart((r) => this.watcher?.pipeline.markRestart(r.timeMs))] : []),
    ];
    return { dispose: () => subs.forEach((d) => d.dispose()) };
  }

  /** Opens (or reveals) the Logs view; its code is its own bundle, loaded now. */
  showView(): void {
    if (!this.view) {
      const { LogsViewPanel } = loadLogsViewModule();
      this.view = new LogsViewPanel(this.extensionUri, { watcher: () => this.watcher, roots: this.roots, log: (m) => this.log.warn(inertLogText(m)) });
    }
    this.view.show();
  }

  private startWatcher(): LogWatcher {
    const { LogWatcher } = loadLogsModule();
    const roots = this.roots();
    const w = new LogWatcher({ clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }, files: this.files, roots, ...(roots[0] ? { cwd: roots[0] } : {}) });
    this.watcher = w;
    this.currentSource = w.tickSource();
    this.watcherSubs = [
      w.onNote((n) => (n.kind === 'error' ? this.log.warn(inertLogText(n.message)) : this.log.info(inertLogText(n.message)))),
      w.pipeline.onGroupEvent((e) => this.onGroupEvent(e)),
    ];
    w.start();
    const n = this.files.length;
    const files = inertLogText(this.files.join(', '));
    this.log.info(
      n === 0
        ? vscode.l10n.t("Reading the supervised server's output into the log pipeline.")
        : n === 1
          ? vscode.l10n.t('Following 1 log source: {0}.', files)
          : vscode.l10n.t('Following {0} log sources: {1}.', n, files),
    );
    this.refreshTimer = setInterval(() => this.refresh(), REFRESH_MS);
    this.refreshTimer.unref();
    return w;
  }

  /** The watcher (tests, the dashboard, other streams such as a supervised server's output). */
  get current(): LogWatcher | undefined {
    return this.watcher;
  }

  report(nowMs: number): LogsReport | undefined {
    return this.watcher?.report(nowMs, this.roots()[0]);
  }

  /** Recomputes the Problems entries now (also every 2 s). */
  refresh(): void {
    const w = this.watcher;
    if (!w) {
      this.diagnostics.clear();
      return;
    }
    w.pipeline.flush();
    const now = Date.now();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const g of w.pipeline.groups.list()) {
      if (now - g.lastSeenMs >= QUIET_MS) continue;
      const dismissedAt = this.dismissed.get(g.id);
      if (dismissedAt !== undefined && g.lastSeenMs <= dismissedAt) continue;
      const top = this.topFrame(w, g);
      if (!top) continue;
      const abs = path.resolve(this.roots()[0] ?? '', top.file);
      const line = Math.max(0, top.line - 1);
      const col = Math.max(0, (top.column ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), diagnosticMessage(g), vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = g.id;
      const list = byFile.get(abs) ?? [];
      list.push(d);
      byFile.set(abs, list);
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  /** Hides every current group's Problems entry until it occurs again. */
  dismissAll(): void {
    const w = this.watcher;
    if (!w) return;
    for (const g of w.pipeline.groups.list()) this.dismissed.set(g.id, g.lastSeenMs);
    this.refresh();
  }

  private topFrame(w: LogWatcher, g: ErrorGroup): ReportFrame | undefined {
    return topWorkspaceFrame(mapGroupFrames(g, w.mapper, this.roots()[0]));
  }

  private onGroupEvent(e: GroupEvent): void {
    const w = this.watcher;
    if (!w) return;
    const g = e.group;
    const top = this.topFrame(w, g);
    const where = top ? vscode.l10n.t(' at {0}', `${top.file}:${top.line}`) : '';
    const what = e.kind === 'new' ? vscode.l10n.t('New error in the server logs') : vscode.l10n.t('An error is back after the restart');
    const text = `${what}: ${g.type}: ${g.message}${where}`;
    this.log.warn(inertLogText(text));
    this.offerNotification({ alertId: `log-group:${g.id}`, level: 'warning', kind: 'firing', title: inertNotificationText(`${what}${where}`, 200), message: inertNotificationText(`${g.type}: ${g.message}`, 200) });
    this.refresh();
  }

  private stopWatcher(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    this.watcherSubs.forEach((s) => s.dispose());
    this.watcherSubs = [];
    this.watcher?.dispose();
    this.watcher = undefined;
    this.currentSource = undefined;
    this.diagnostics.clear();
  }

  dispose(): void {
    this.generation++;
    this.view?.dispose();
    this.stopWatcher();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

type LogsModule = typeof import('../core/logs/logWatcher');
type LogsViewModule = typeof import('./logs/logsViewPanel');
type LogsViewPanelType = import('./logs/logsViewPanel').LogsViewPanel;

/** The log watcher (parsers, source maps): dist/logs.js, loaded only when a log source exists. */
function loadLogsModule(): LogsModule {
  return loadBundle<LogsModule>('logs.js', '../core/logs/logWatcher');
}

/** The Logs view's host code: dist/logsView.js, loaded on Show Logs. */
function loadLogsViewModule(): LogsViewModule {
  return loadBundle<LogsViewModule>('logsView.js', 'logs/logsViewPanel');
}

function diagnosticMessage(g: ErrorGroup): string {
  // The Problems panel shows plain text: controls made visible, length capped.
  return visibleText(vscode.l10n.t('{0}: {1} — {2}× in the server logs, last at {3}', g.type, g.message, g.count, formatClockTime(g.lastSeenMs)), 500);
}

async function openAt(file: string, line: number, column?: number): Promise<void> {
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: false });
}
