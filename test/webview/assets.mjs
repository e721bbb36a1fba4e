// Builds what the dashboard page loads: dist/webview.js (same esbuild options as
// esbuild.mjs) and media/vendor/ (uPlot's stylesheet and the codicon font, copied
// from node_modules). Also compiles the page shell (dashboardHtml.ts) so the tests
// serve exactly the panel's HTML and CSP. Used by run.mjs and bench/dashboard.mjs.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Files the webview needs from node_modules, as [source, destination] under the repo root. */
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

/** Bundles the page script; returns its size in bytes. */
export async function buildWebviewBundle() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
  });
  return fs.statSync(path.join(root, 'dist/webview.js')).size;
}

/** Loads src/vscode/dashboard/dashboardHtml.ts (compiled to a temp file). */
export async function loadDashboardHtml() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dash-html-')), 'dashboardHtml.cjs');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/vscode/dashboard/dashboardHtml.ts'],
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
