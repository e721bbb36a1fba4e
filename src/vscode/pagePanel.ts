/**
 * A webview panel beside the editor that runs one page bundle of its own — the Logs
 * and Traces views. It owns what those views share: the strict-CSP page, a refresh
 * timer while the panel is open, whether the page has said it is ready (a hidden page
 * is thrown away, `retainContextWhenHidden` off, and says `ready` again when shown),
 * and a failure in a handler written to the log as a sentence instead of thrown into
 * VS Code. Each view keeps only its own messages and state.
 */
import * as vscode from 'vscode';
import { dashboardHtml, makeNonce, PAGE_BASE_STYLES } from './dashboard/dashboardHtml';

export interface PagePanelSpec {
  readonly viewType: string;
  readonly title: string;
  /** The page's bundle, relative to the extension, like `dist/logsPage.js`. */
  readonly script: string;
  /** The view's own style sheets, after the shared PAGE_BASE_STYLES. */
  readonly styles: readonly string[];
  /** How often `tick` runs while the panel is open. */
  readonly refreshMs: number;
  /** The view's name in log sentences ("The Logs view could not update: …"). */
  readonly name: string;
}

export interface PagePanelParts<FromPage> {
  /** The page's message checked: the message, or why it is not one (logged, then dropped). */
  check(raw: unknown): FromPage | string;
  /** A checked message from the page. */
  handle(msg: FromPage): void;
  /** Every refreshMs while open; `ready` says whether the page listens. */
  tick(): void;
  /** After the panel closed (by the user or dispose): forget per-panel state. */
  closed?(): void;
  /** Where failures are written (the output channel, inert). */
  log(message: string): void;
}

export class PagePanel<ToPage, FromPage> implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** True from the page's `ready` until it is hidden or a post fails. */
  ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly spec: PagePanelSpec,
    private readonly parts: PagePanelParts<FromPage>,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside);
      return;
    }
    const panel = vscode.window.createWebviewPanel(this.spec.viewType, this.spec.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.guard(() => this.receive(m))),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.closed()),
    );
    const uri = (p: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p.split('/'))).toString();
    panel.webview.html = dashboardHtml({ cspSource: panel.webview.cspSource, nonce: makeNonce(), scriptUri: uri(this.spec.script), styleUris: [...PAGE_BASE_STYLES, ...this.spec.styles].map(uri) });
    this.timer = setInterval(() => this.guard(() => this.parts.tick()), this.spec.refreshMs);
  }

  /** Sends a message to the page; a page that cannot take it is no longer ready. */
  post(msg: ToPage): void {
    void this.panel?.webview.postMessage(msg).then(undefined, () => {
      this.ready = false;
    });
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }

  private closed(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.subs.splice(0).forEach((s) => s.dispose());
    this.panel = undefined;
    this.ready = false;
    this.parts.closed?.();
  }

  private receive(raw: unknown): void {
    const msg = this.parts.check(raw);
    if (typeof msg === 'string') {
      this.parts.log(`${this.spec.name}: ${msg}.`);
      return;
    }
    this.parts.handle(msg);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.parts.log(vscode.l10n.t('The {0} could not update: {1}.', this.spec.name, err instanceof Error ? err.message : String(err)));
    }
  }
}

/** A view that is one PagePanel: whether it is open, showing it and closing it are the panel's. */
export abstract class PageView<ToPage, FromPage> implements vscode.Disposable {
  protected abstract readonly page: PagePanel<ToPage, FromPage>;

  get isOpen(): boolean {
    return this.page.isOpen;
  }

  show(): void {
    this.page.show();
  }

  dispose(): void {
    this.page.dispose();
  }
}
