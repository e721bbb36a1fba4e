// Builds what the dashboard page loads: dist/webview.js (same esbuild options as
// esbuild.mjs) and media/vendor/ (uPlot's stylesheet and the codicon font, copied
// from node_modules). Also compiles the page shell (dashboardHtml.ts) so the tests
// serve exactly the panel's HTML and CSP. Used by run.mjs and bench/dashboard.mjs.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { copyVendorAssets, logsPageBuild, root, tracesPageBuild, webviewBuild } from '../../scripts/buildConfig.mjs';

export { root, copyVendorAssets };

/** Bundles the page script with the extension build's options; returns its size in bytes. */
export async function buildWebviewBundle() {
  await Promise.all([esbuild.build(webviewBuild), esbuild.build(logsPageBuild), esbuild.build(tracesPageBuild)]);
  return fs.statSync(path.join(root, 'dist/webview.js')).size;
}

/** Loads src/vscode/dashboard/dashboardHtml.ts (compiled to a temp file). */
export function loadDashboardHtml() {
  return loadTsModule('src/vscode/dashboard/dashboardHtml.ts');
}

/** Loads a TypeScript module of src (compiled to a temp file), e.g. the core's formatValue for expected texts. */
export async function loadTsModule(entry) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dash-html-')), 'module.cjs');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  const mod = createRequire(import.meta.url)(out);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return mod;
}

export async function buildAll() {
  copyVendorAssets();
  const bundleBytes = await buildWebviewBundle();
  const html = await loadDashboardHtml();
  return { bundleBytes, html };
}
