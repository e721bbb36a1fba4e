// Builds and packages the extension into a .vsix, the way users install it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { extensionDir, repoRoot } from './paths.mjs';

const run = promisify(execFile);

/**
 * Runs `npm run package` in the extension folder (esbuild, then vsce) and returns
 * the .vsix path. A folder without a "package" script (a stand-in extension) is
 * packaged with the repo's vsce directly.
 * @returns {Promise<string>}
 */
export async function packageExtension() {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const vsix = path.join(extensionDir, `${manifest.name}.vsix`);
  fs.rmSync(vsix, { force: true });
  try {
    if (manifest.scripts?.package) {
      await run('npm', ['run', '--silent', 'package'], { cwd: extensionDir, maxBuffer: 16 << 20 });
    } else {
      const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
      await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: extensionDir, maxBuffer: 16 << 20 });
    }
  } catch (err) {
    throw new Error(`Packaging the extension in ${extensionDir} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
  if (!fs.existsSync(vsix)) {
    throw new Error(`Packaging finished but ${vsix} was not written; check the "package" script in package.json.`);
  }
  return vsix;
}

/** The extension's manifest (commands are read from it, never hard-coded). */
export function readManifest() {
  return JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
}
