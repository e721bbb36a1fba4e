// A tiny static server on 127.0.0.1 for the dashboard fixture page: the panel's
// own HTML and CSP (from dashboardHtml.ts, with a fresh nonce per load), plus a
// nonce'd test stub that plays VS Code's part. Serves only the bundle, media/ and
// the fixture folder.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './assets.mjs';

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };
const ALLOWED = ['dist/webview.js', 'dist/logsPage.js', 'dist/tracesPage.js', 'media/', 'test/webview/fixture/'];

const DASHBOARD = { script: 'dist/webview.js', styles: ['media/vendor/uPlot.min.css', 'media/vendor/codicon.css', 'media/page.css', 'media/dashboard.css'] };
/** Each page: its bundle and its stylesheets, as its panel loads them. */
const PAGES = {
  '/': DASHBOARD,
  '/dashboard.html': DASHBOARD,
  '/logs.html': { script: 'dist/logsPage.js', styles: ['media/vendor/codicon.css', 'media/page.css', 'media/logs.css'] },
  '/traces.html': { script: 'dist/tracesPage.js', styles: ['media/vendor/codicon.css', 'media/page.css', 'media/traces.css'] },
};

const zhMessages = () => JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8'));

/**
 * Starts the server; resolves to { url, close }. `html` is the module compiled
 * from src/vscode/dashboard/dashboardHtml.ts.
 */
export function startFixtureServer(html) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${server.address().port}`;
    // The Logs and Traces view pages are served the same way, with the same shell and CSP.
    const view = PAGES[url.pathname];
    if (view) {
      const nonce = html.makeNonce();
      const script = view.script;
      let page = html.dashboardHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/${script}`,
        styleUris: [...view.styles, 'test/webview/fixture/theme.css'].map((p) => `${origin}/${p}`),
        // `?lang=zh-cn`: the page in Chinese, with the shipped bundle, as the extension sends it.
        ...(url.searchParams.get('lang') === 'zh-cn' ? { locale: 'zh-cn', messages: zhMessages() } : {}),
      });
      // The stub must run before the bundle, with the page's nonce, as VS Code's own preload does.
      const bundleTag = `<script nonce="${nonce}" src="${origin}/${script}">`;
      page = page.replace(bundleTag, `<script nonce="${nonce}" src="${origin}/test/webview/fixture/stub.js"></script>\n    ${bundleTag}`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      // A webview never asks for one; answer so the browser logs no 404.
      res.writeHead(204).end();
      return;
    }
    const rel = path.posix.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (rel.includes('..') || !ALLOWED.some((a) => rel === a || (a.endsWith('/') && rel.startsWith(a)))) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(root, rel);
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

// The workbench levels' flags; the headless shell when installed (scripts/lib/browser.mjs).
export { CHROMIUM_ARGS, pageChromiumPath } from '../../scripts/lib/browser.mjs';
