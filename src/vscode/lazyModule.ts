import fs from 'node:fs';
import path from 'node:path';

/**
 * Loads a capability that is its own bundle beside dist/extension.js (dist/logs.js,
 * dist/traces.js, …) on first use; from compiled sources (tests) it is the module
 * itself, `compiled` relative to this folder. Both paths are computed at run time, so
 * esbuild does not inline the module into the extension bundle.
 */
export function loadBundle<T>(bundle: string, compiled: string): T {
  const bundled = path.join(__dirname, bundle);
  const target = fs.existsSync(bundled) ? bundled : path.join(__dirname, ...compiled.split('/'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as T;
}
