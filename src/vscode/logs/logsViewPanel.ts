/**
 * The Logs view: a webview panel beside the editor with the live tail (level filter,
 * text search, virtualised: the page asks for the rows it shows), the error groups
 * with counts and sparklines, and stack frames that open the source line.
 *
 * Built as its own bundle (dist/logsView.js, loaded on Show Logs only), so none of it
 * weighs on the extension's activation or its main bundle.
 */
import * as vscode from 'vscode';
import type { LogWatcher } from '../../core/logs/logWatcher';
import { ALL_LEVELS_FILTER, LogsViewModel } from '../../core/logs/logsView';
import { checkLogsPageMessage, LogsHostToPage, LogsPageToHost } from '../../shared/logsProtocol';
import { Commands } from '../../shared/commandIds';
import { PagePanel, PageView } from '../pagePanel';

export const LOGS_VIEW_TYPE = 'chatroomMonitor.logs';
const PAGE_SCRIPT = 'dist/logsPage.js';
const PAGE_STYLES = ['media/logs.css'];
/** How often the page is told about new lines and groups (when there are any). */
const REFRESH_MS = 500;

export interface LogsViewHost {
  /** The current log watcher (none: no log file set and no supervised output yet). */
  watcher(): LogWatcher | undefined;
  /** Workspace folders; frame labels are relative to the first. */
  roots(): readonly string[];
  /** Where bad messages and failures are written (the output channel, inert). */
  log(message: string): void;
}

export class LogsViewPanel extends PageView<LogsHostToPage, LogsPageToHost> {
  protected readonly page: PagePanel<LogsHostToPage, LogsPageToHost>;
  private model: LogsViewModel | undefined;
  private modelWatcher: LogWatcher | undefined;
  private lastStateJson = '';

  constructor(
    extensionUri: vscode.Uri,
    private readonly host: LogsViewHost,
  ) {
    super();
    this.page = new PagePanel(
      extensionUri,
      { viewType: LOGS_VIEW_TYPE, title: vscode.l10n.t('Chat-Room Monitor — Logs'), script: PAGE_SCRIPT, styles: PAGE_STYLES, refreshMs: REFRESH_MS, name: vscode.l10n.t('Logs view') },
      {
        check: checkLogsPageMessage,
        handle: (m) => this.handle(m),
        tick: () => this.tick(),
        closed: () => {
          this.model = undefined;
          this.modelWatcher = undefined;
        },
        log: (m) => host.log(m),
      },
    );
  }

  /** The model over the current watcher (a settings change makes a new watcher: the filter carries over). */
  private currentModel(): LogsViewModel | undefined {
    const w = this.host.watcher();
    if (w !== this.modelWatcher) {
      const filter = this.model?.currentFilter;
      this.modelWatcher = w;
      this.model = w ? new LogsViewModel(w.pipeline, w.mapper, this.host.roots()[0]) : undefined;
      if (filter) this.model?.setFilter(filter);
      this.lastStateJson = '';
    }
    return this.model;
  }

  private handle(msg: LogsPageToHost): void {
    switch (msg.type) {
      case 'ready':
        this.page.ready = true;
        this.lastStateJson = '';
        this.tick();
        return;
      case 'filter':
        this.currentModel()?.setFilter(msg.filter);
        this.lastStateJson = '';
        this.tick();
        return;
      case 'rows': {
        const m = this.currentModel();
        this.page.post({ type: 'rows', from: msg.from, total: m?.total() ?? 0, rows: m?.rows(msg.from, msg.count) ?? [], requestId: msg.requestId });
        return;
      }
      case 'openFrame': {
        const target = this.currentModel()?.frameTarget(msg.groupId, msg.index);
        if (!target) {
          void vscode.window.showInformationMessage(vscode.l10n.t('That frame is not a file in this workspace, so there is nothing to open.'));
          return;
        }
        void vscode.commands.executeCommand(Commands.openErrorFrame, target.file, target.line, target.column);
        return;
      }
    }
  }

  private tick(): void {
    if (!this.page.ready) return;
    const m = this.currentModel();
    const w = this.modelWatcher;
    w?.pipeline.flush();
    const notes = w
      ? w.fileNotes
      : [vscode.l10n.t('No log source yet: set {0} (paths or globs), or start the server from the monitor ({1}) and its output is read here.', 'chatroomMonitor.logs.files', vscode.l10n.t('Start Server'))];
    const state = m
      ? m.state(Date.now(), notes)
      : { type: 'state' as const, total: 0, kept: 0, levels: { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 }, groups: [], filter: ALL_LEVELS_FILTER, notes };
    // Unchanged counts are not resent; sparklines move with the clock, so once per 10 s bucket anyway.
    const json = JSON.stringify({ ...state, bucket: Math.floor(Date.now() / 10_000), groups: state.groups.map((g) => [g.id, g.count, g.lastSeenMs, g.regression]) });
    if (json === this.lastStateJson) return;
    this.lastStateJson = json;
    this.page.post(state);
  }
}
