/*
 * DashboardPanel against a recording stand-in for the few `vscode` calls it makes
 * (the real API only exists inside an extension host; the integration suite runs
 * the real thing). What is checked here is ownership: one panel, every
 * registration disposed, the HTML and CSP it sets.
 */
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { Emitter } from '../../../src/core/events';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, DashboardVscodeApi } from '../../../src/vscode/dashboard/dashboardPanel';
import { DashboardSource } from '../../../src/vscode/dashboard/dashboardSource';
import { StoreChartFeed } from '../../../src/vscode/dashboard/storeDashboardSource';

interface FakeUri {
  readonly path: string;
  toString(): string;
}

const uri = (path: string): FakeUri => ({ path, toString: () => `https://webview.test${path}` });

class FakePanel {
  readonly disposeEmitter = new Emitter<void>();
  readonly viewState = new Emitter<{ webviewPanel: { visible: boolean } }>();
  readonly messages = new Emitter<unknown>();
  readonly posted: unknown[] = [];
  reveals = 0;
  disposed = false;
  readonly webview = {
    options: {} as vscode.WebviewOptions,
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: FakeUri) => u,
    postMessage: (m: unknown) => {
      this.posted.push(m);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: this.messages.event,
  };
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = this.viewState.event;
  constructor(readonly viewType: string) {}
  reveal(): void {
    this.reveals++;
  }
  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.disposeEmitter.fire();
    }
  }
}

function fakeApi() {
  const panels: FakePanel[] = [];
  let serializer: { deserializeWebviewPanel(p: unknown, s: unknown): Thenable<void> } | undefined;
  let serializerDisposed = false;
  const api = {
    window: {
      createWebviewPanel: (viewType: string, _title: string, showOptions: { viewColumn: number }, options: vscode.WebviewOptions) => {
        assert.equal(showOptions.viewColumn, -2);
        const p = new FakePanel(viewType);
        p.webview.options = options;
        panels.push(p);
        return p;
      },
      registerWebviewPanelSerializer: (viewType: string, s: typeof serializer) => {
        assert.equal(viewType, DASHBOARD_VIEW_TYPE);
        serializer = s;
        return { dispose: () => (serializerDisposed = true) };
      },
    },
    Uri: { joinPath: (base: FakeUri, ...parts: string[]) => uri([base.path, ...parts].join('/')) },
    ViewColumn: { Beside: -2 },
  };
  return {
    api: api as unknown as DashboardVscodeApi,
    panels,
    restore: (p: FakePanel) => serializer!.deserializeWebviewPanel(p, undefined),
    serializerDisposed: () => serializerDisposed,
  };
}

function source(): DashboardSource & { changed: Emitter<void> } {
  const store = new SeriesStore(10);
  const feed = new StoreChartFeed(store, { intervalMs: 1000 });
  const changed = new Emitter<void>();
  return {
    changed,
    onDidChange: changed.event,
    intervalMs: 1000,
    maxPoints: 10,
    latestTimeMs: () => store.latestTimeMs,
    header: () => ({ name: 'chat', status: 'unknown', state: 'unconfigured' }),
    catalogue: () => feed.catalogue(),
    window: (k, f) => feed.window(k, f),
    pointsSince: (k, a) => feed.pointsSince(k, a),
    alerts: () => [],
    issues: () => [],
    markers: () => [],
    exemplars: () => [],
    snooze: () => undefined,
    showReport: () => undefined,
    compareRuns: () => undefined,
    showTraces: () => undefined,
  };
}

const extensionUri = uri('/ext') as unknown as vscode.Uri;

describe('DashboardPanel', () => {
  it('opens one panel beside the editor and reveals it on the next open', () => {
    const f = fakeApi();
    const dash = new DashboardPanel(f.api, extensionUri, source(), () => undefined);
    dash.open();
    dash.open();
    assert.equal(f.panels.length, 1);
    assert.equal(f.panels[0]!.reveals, 1);
    assert.ok(dash.isOpen);
    dash.dispose();
  });

  it('limits local resources to dist/ and media/ and sets a nonce CSP page', () => {
    const f = fakeApi();
    const dash = new DashboardPanel(f.api, extensionUri, source(), () => undefined);
    dash.open();
    const p = f.panels[0]!;
    const roots = (p.webview.options.localResourceRoots ?? []).map((u) => (u as unknown as FakeUri).path);
    assert.deepEqual(roots, ['/ext/dist', '/ext/media']);
    assert.equal(p.webview.options.enableScripts, true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(p.webview.html)![1]!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)![1]!;
    assert.equal(Buffer.from(nonce, 'base64').length, 16);
    assert.match(csp, /^default-src 'none'; img-src https:\/\/webview.test data:; style-src https:\/\/webview.test; font-src https:\/\/webview.test; script-src 'nonce-/);
    assert.ok(p.webview.html.includes(`<script nonce="${nonce}" src="https://webview.test/ext/dist/webview.js">`));
    assert.ok(!/style=/.test(p.webview.html), 'no inline styles');
    dash.dispose();
  });

  it('restores a panel after a reload through the serializer, and keeps only one', async () => {
    const f = fakeApi();
    const src = source();
    const dash = new DashboardPanel(f.api, extensionUri, src, () => undefined);
    const restored = new FakePanel(DASHBOARD_VIEW_TYPE);
    await f.restore(restored);
    assert.ok(dash.isOpen);
    assert.match(restored.webview.html, /webview\.js/);
    restored.messages.fire({ type: 'ready' });
    assert.equal((restored.posted[0] as { type: string }).type, 'init');
    const second = new FakePanel(DASHBOARD_VIEW_TYPE);
    await f.restore(second);
    assert.ok(second.disposed);
    assert.ok(!restored.disposed);
    dash.dispose();
  });

  it('lets go of the session when the user closes the panel', () => {
    const f = fakeApi();
    const src = source();
    const dash = new DashboardPanel(f.api, extensionUri, src, () => undefined);
    dash.open();
    assert.equal(src.changed.listenerCount, 1);
    f.panels[0]!.dispose();
    assert.equal(src.changed.listenerCount, 0);
    assert.equal(f.panels[0]!.messages.listenerCount, 0);
    assert.ok(!dash.isOpen);
    dash.open();
    assert.equal(f.panels.length, 2);
    dash.dispose();
  });

  it('disposes the panel, its listeners and the serializer on dispose', () => {
    const f = fakeApi();
    const src = source();
    const dash = new DashboardPanel(f.api, extensionUri, src, () => undefined);
    dash.open();
    const p = f.panels[0]!;
    dash.dispose();
    assert.ok(p.disposed);
    assert.ok(f.serializerDisposed());
    assert.equal(src.changed.listenerCount, 0);
    assert.equal(p.messages.listenerCount, 0);
    assert.equal(p.viewState.listenerCount, 0);
    assert.equal(p.disposeEmitter.listenerCount, 0);
    dash.open();
    assert.equal(f.panels.length, 1, 'a disposed controller opens nothing');
  });

  it('stops sending while hidden', () => {
    const f = fakeApi();
    const src = source();
    const dash = new DashboardPanel(f.api, extensionUri, src, () => undefined);
    dash.open();
    const p = f.panels[0]!;
    p.messages.fire({ type: 'ready' });
    assert.ok(dash.session!.isReady);
    p.viewState.fire({ webviewPanel: { visible: false } });
    assert.ok(!dash.session!.isReady);
    dash.dispose();
  });
});
