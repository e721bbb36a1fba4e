/**
 * Loads the portable libraries on first use: dist/portable.js beside the running bundle
 * (extension or CLI), or the module itself when running from compiled sources (tests).
 * Both paths are computed, so no bundle inlines the libraries.
 */
import fs from 'node:fs';
import path from 'node:path';

export type PortableLibs = typeof import('./portableLibs');

let loaded: PortableLibs | undefined;

export function loadPortableLibs(): PortableLibs {
  if (loaded === undefined) {
    const bundled = path.join(__dirname, 'portable.js');
    const target = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'portableLibs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(target) as PortableLibs;
  }
  return loaded;
}
