/**
 * The dashboard webview panel: one at most, opened beside the editor, restored
 * after a window reload by a serializer. Thin: the page logic is in src/webview,
 * the host logic in DashboardSession.
 */
import * as l10n from '@vscode/l10n';
import type * as vscode from 'vscode';
import { DisposableStore } from '../../core/events';
import { dashboardHtml, makeNonce, PAGE_BASE_STYLES } from './dashboardHtml';
import { DashboardSession } from './dashboardSession';
import { DashboardSource } from './dashboardSource';

/** The webview type; package.json needs `onWebviewPanel:chatroomMonitor.dashboard` so a reload restores it. */
export const DASHBOARD_VIEW_TYPE = 'chatroomMonitor.dashboard';

/** Stylesheets of the page, relative to the extension root, in cascade order. */
export const DASHBOARD_STYLES: readonly string[] = ['media/vendor/uPlot.min.css', ...PAGE_BASE_STYLES, 'media/dashboard.css'];

export const DASHBOARD_SCRIPT = 'dist/webview.js';

/**
 * The part of the `vscode` API the panel uses, passed in by the extension
 * (`new DashboardPanel(vscode, …)`), so the panel's ownership of its
 * registrations can be tested in plain Node.
 */
export interface DashboardVscodeApi {
  readonly window: Pick<typeof vscode.window, 'createWebviewPanel' | 'registerWebviewPanelSerializer'>;
  readonly Uri: Pick<typeof vscode.Uri, 'joinPath'>;
  readonly ViewColumn: Pick<typeof vscode.ViewColumn, 'Beside'>;
}

interface OpenPanel {
  readonly panel: vscode.WebviewPanel;
  readonly session: DashboardSession;
  readonly disposables: DisposableStore;
}

/**
 * Owns the serializer registration and the (single) open panel; disposing it
 * closes the panel and unregisters everything. Push it to `context.subscriptions`.
 */
export class DashboardPanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private current: OpenPanel | undefined;
  private disposed = false;

  constructor(
    private readonly api: DashboardVscodeApi,
    private readonly extensionUri: vscode.Uri,
    private readonly source: DashboardSource,
    /** Sentences about bad messages and failures (the output channel). */
    private readonly log: (message: string) => void,
  ) {
    this.disposables.add(
      api.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: (panel: vscode.WebviewPanel) => {
          this.adopt(panel);
          return Promise.resolve();
        },
      }),
    );
  }

  /** True while a dashboard panel is open. */
  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The open panel's host session (for tests and diagnostics). */
  get session(): DashboardSession | undefined {
    return this.current?.session;
  }

  /** Opens the dashboard beside the editor, or reveals it if it is already open. */
  open(): void {
    if (this.disposed) {
      return;
    }
    if (this.current) {
      this.current.panel.reveal(this.api.ViewColumn.Beside);
      return;
    }
    const panel = this.api.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      l10n.t('Chat-Room Monitor'),
      { viewColumn: this.api.ViewColumn.Beside, preserveFocus: false },
      this.webviewOptions(),
    );
    this.adopt(panel);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const open = this.current;
    this.current = undefined;
    if (open) {
      open.disposables.dispose();
      open.panel.dispose();
    }
    this.disposables.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Only the bundle and media/: the page can load nothing else of the extension.
      localResourceRoots: [this.api.Uri.joinPath(this.extensionUri, 'dist'), this.api.Uri.joinPath(this.extensionUri, 'media')],
      // The page rebuilds itself from `init` when shown again; keeping a hidden
      // webview alive would cost its memory for nothing.
      retainContextWhenHidden: false,
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    if (this.disposed || this.current) {
      // Only one dashboard: a second restored panel (two windows merged) is closed.
      panel.dispose();
      if (this.current) {
        this.current.panel.reveal(this.api.ViewColumn.Beside);
      }
      return;
    }
    const disposables = new DisposableStore();
    panel.webview.options = this.webviewOptions();
    // Subscribe before setting the HTML so the page's `ready` cannot be missed.
    const session = disposables.add(new DashboardSession(panel.webview, this.source, this.log));
    disposables.add(panel.onDidChangeViewState((e) => session.setVisible(e.webviewPanel.visible)));
    disposables.add(
      panel.onDidDispose(() => {
        disposables.dispose();
        if (this.current?.panel === panel) {
          this.current = undefined;
        }
      }),
    );
    this.current = { panel, session, disposables };
    panel.webview.html = this.html(panel.webview);
  }

  private html(webview: vscode.Webview): string {
    const uri = (path: string): string =>
      webview.asWebviewUri(this.api.Uri.joinPath(this.extensionUri, ...path.split('/'))).toString();
    return dashboardHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: uri(DASHBOARD_SCRIPT),
      styleUris: DASHBOARD_STYLES.map(uri),
    });
  }
}
