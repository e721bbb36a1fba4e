// The bundles and the files copied next to them, in one place: esbuild.mjs builds
// from here, and the webview tests and bench build the page with the same options.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every bundle's `@vscode/l10n` is src/core/i18n/sharedL10n.ts, which keeps the translation
 * table on globalThis: the extension host loads several of our bundles, and the lazily
 * loaded ones must translate with the table the extension set at activation.
 */
const SHARED_L10N = path.join(root, 'src/core/i18n/sharedL10n.ts');
export const sharedL10nPlugin = {
  name: 'shared-l10n',
  setup(build) {
    build.onResolve({ filter: /^@vscode\/l10n$/ }, (args) => (args.importer === SHARED_L10N ? undefined : { path: SHARED_L10N }));
  },
};

const common = { plugins: [sharedL10nPlugin], bundle: true, minify: true, sourcemap: false, logLevel: 'warning', legalComments: 'none', absWorkingDir: root };

export const extensionBuild = { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
/** systeminformation and pidusage, loaded only where there is no /proc (macOS, Windows). */
export const portableBuild = { ...common, entryPoints: ['src/core/process/portableLibs.ts'], outfile: 'dist/portable.js', platform: 'node', format: 'cjs', target: 'node20' };
/** The profiler, loaded by the extension on first use (activation never loads it). */
export const profilerBuild = { ...common, entryPoints: ['src/core/profile/profilerBundle.ts'], outfile: 'dist/profiler.js', platform: 'node', format: 'cjs', target: 'node20' };
export const cliBuild = { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } };
// The log watcher (parsers, source maps) beside the extension, loaded only when a log file is configured.
export const logsBuild = { ...common, entryPoints: ['src/core/logs/logWatcher.ts'], outfile: 'dist/logs.js', platform: 'node', format: 'cjs', target: 'node20' };
// The OTLP receiver, span store and trace analysis (protobufjs, the OTLP definitions), loaded when the receiver starts.
export const tracesBuild = { ...common, entryPoints: ['src/core/traces/traceWatcher.ts'], outfile: 'dist/traces.js', platform: 'node', format: 'cjs', target: 'node20' };
// The Logs view: its host side (vscode external) and its page, both loaded only when the view is opened.
export const logsViewBuild = { ...common, entryPoints: ['src/vscode/logs/logsViewPanel.ts'], outfile: 'dist/logsView.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
export const logsPageBuild = { ...common, entryPoints: ['src/webview/logs/main.ts'], outfile: 'dist/logsPage.js', platform: 'browser', format: 'iife', target: 'es2022' };
// The Prometheus source (query API client, back-fill) beside the extension, loaded only when chatroomMonitor.prometheus.url is set.
export const prometheusBuild = { ...common, entryPoints: ['src/core/prometheus/promDeps.ts'], outfile: 'dist/prometheus.js', platform: 'node', format: 'cjs', target: 'node20' };
// The Traces view: host side and page, both loaded only when the view is opened.
export const tracesViewBuild = { ...common, entryPoints: ['src/vscode/traces/tracesViewPanel.ts'], outfile: 'dist/tracesView.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
export const tracesPageBuild = { ...common, entryPoints: ['src/webview/traces/main.ts'], outfile: 'dist/tracesPage.js', platform: 'browser', format: 'iife', target: 'es2022' };
export const webviewBuild = { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' };

/** Files the webview needs from node_modules (uPlot's stylesheet, the codicon font), as [source, destination]. */
export const VENDOR_ASSETS = [
  ['node_modules/uplot/dist/uPlot.min.css', 'media/vendor/uPlot.min.css'],
  ['node_modules/@vscode/codicons/dist/codicon.css', 'media/vendor/codicon.css'],
  ['node_modules/@vscode/codicons/dist/codicon.ttf', 'media/vendor/codicon.ttf'],
];

export function copyVendorAssets() {
  for (const [from, to] of VENDOR_ASSETS) {
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(root, to));
  }
}
