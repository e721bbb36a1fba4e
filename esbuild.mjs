// Builds the extension (Node, CommonJS, `vscode` external), the dashboard webview
// (browser IIFE) and the headless CLI, and copies the webview's vendor assets.
// `--dev` keeps source maps and skips minifying; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { cliBuild, copyVendorAssets, extensionBuild, logsBuild, portableBuild, tracesBuild, tracesViewBuild, tracesPageBuild, logsPageBuild, logsViewBuild, profilerBuild, prometheusBuild, webviewBuild } from './scripts/buildConfig.mjs';

const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;
const builds = [extensionBuild, portableBuild, logsBuild, tracesBuild, logsViewBuild, profilerBuild, prometheusBuild, cliBuild, webviewBuild, logsPageBuild, tracesViewBuild, tracesPageBuild]
  .filter((b) => fs.existsSync(b.entryPoints[0]))
  .map((b) => (dev ? { ...b, minify: false, sourcemap: 'inline' } : b));

copyVendorAssets();
if (watch) {
  for (const b of builds) {
    await (await esbuild.context(b)).watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) {
    fs.chmodSync('dist/cli.js', 0o755);
  }
}
