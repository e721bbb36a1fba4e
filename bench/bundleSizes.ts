/** Sizes of the shipped bundles (built by esbuild.mjs before the run), minified and gzipped. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BenchContext, BenchRow, skippedRow } from './lib/row';

const BUNDLES = [
  { id: 'bundle.extension', file: 'dist/extension.js', budgetKB: 600 },
  { id: 'bundle.webview', file: 'dist/webview.js', budgetKB: 150 },
  // The Logs view, loaded only when it is opened: host side and page.
  { id: 'bundle.logsView', file: 'dist/logsView.js', budgetKB: 40 },
  { id: 'bundle.logsPage', file: 'dist/logsPage.js', budgetKB: 40 },
  // The OTLP receiver (protobufjs, the OTLP definitions), loaded when it starts; the Traces view, when opened.
  { id: 'bundle.traces', file: 'dist/traces.js', budgetKB: 200 },
  { id: 'bundle.tracesView', file: 'dist/tracesView.js', budgetKB: 40 },
  { id: 'bundle.tracesPage', file: 'dist/tracesPage.js', budgetKB: 40 },
] as const;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  return BUNDLES.map(({ id, file, budgetKB }) => {
    const full = path.join(ctx.repoRoot, file);
    const figure = `bundle size ${file}`;
    if (!existsSync(full)) {
      return skippedRow(id, figure, `≤ ${budgetKB} KB`, `${file} does not exist: run \`node esbuild.mjs\` (npm run bench does it first).`);
    }
    const bytes = readFileSync(full);
    const kb = bytes.length / 1024;
    const gzipKB = gzipSync(bytes).length / 1024;
    return {
      id,
      figure,
      ours: { value: kb, unit: 'KB', what: `minified (${gzipKB.toFixed(0)} KB gzip)` },
      budget: { text: `≤ ${budgetKB} KB`, holds: kb <= budgetKB },
      raw: { bytes: bytes.length, gzipBytes: Math.round(gzipKB * 1024) },
    };
  });
}
