import path from 'node:path';
import * as esbuild from 'esbuild';
import { cliBuild } from '../buildConfig.mjs';

/**
 * Bundles the CLI from the working tree into `dir`/cli.js — a folder under
 * test-results/, not dist/, which the packaging and e2e levels of other runs may be
 * reading at the same time — and returns its path.
 * @param {string} dir
 */
export async function bundleCli(dir) {
  const outfile = path.join(dir, 'cli.js');
  await esbuild.build({ ...cliBuild, outfile, minify: false });
  // esbuild keeps a service process for further builds; there are none.
  await esbuild.stop();
  return outfile;
}
