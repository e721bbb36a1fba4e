// A real Simplified Chinese language pack for the e2e code-server, so a window can have
// the zh-cn display language (VS Code resolves a display language — and so the
// extension host's `vscode.env.language` — only when a language pack for it is
// installed; the marketplace that normally serves one cannot be reached here).
//
// Source: VS Code's own Chinese translations as published in the npm package
// @codingame/monaco-vscode-language-pack-zh-hans. Version 4.3.2 is the newest whose
// core translations are keyed by module and message key ("vs/…": { key: text }), the
// format of a VS Code language pack's main.i18n.json, so they land on the right strings
// of code-server's VS Code 1.100 (about 70% of its 14,500 messages; the rest stay English,
// as in any language pack a little older than the editor). Later versions number the
// messages by their own bundle's order, which does not match code-server's.
//
// Only the tarball is fetched (`npm pack`, checked against the pinned integrity), not
// installed: its dependency is an alias named "vscode", which would shadow @types/vscode
// in node_modules. The extension folder is built once into .cache and packaged as a .vsix.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from './paths.mjs';

const run = promisify(execFile);

const PACKAGE = '@codingame/monaco-vscode-language-pack-zh-hans';
const VERSION = '4.3.2';
const INTEGRITY = 'sha512-0gojoJ1H1Y9Sue0A+pRhERtqvL3DJlPzMoYuHRCFk78af5MThsMNVqWJMmNTQBGMTtN5vnzy30alc3HT/W1rHA==';

/** The display language the pack contributes (VS Code's id for Simplified Chinese). */
export const LANGUAGE_PACK_LOCALE = 'zh-cn';

/**
 * The language pack as a .vsix under .cache (built on first use, reused after), ready for
 * `code-server --install-extension`.
 * @returns {Promise<string>}
 */
export async function ensureZhCnLanguagePack() {
  const cache = path.resolve(process.env.CRM_CACHE ?? path.join(repoRoot, '.cache'));
  const dir = path.join(cache, `language-pack-zh-hans-${VERSION}`);
  const vsix = path.join(dir, 'language-pack-zh-hans.vsix');
  if (fs.existsSync(vsix)) {
    return vsix;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-language-pack-'));
  try {
    const { stdout } = await run('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', work, '--json', '--silent'], { maxBuffer: 16 << 20 });
    const tgz = path.join(work, JSON.parse(stdout)[0].filename);
    const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tgz)).digest('base64')}`;
    if (integrity !== INTEGRITY) {
      throw new Error(`${PACKAGE}@${VERSION} has integrity ${integrity}, not the pinned ${INTEGRITY}`);
    }
    await run('tar', ['xzf', tgz, '-C', work]);
    const ext = path.join(work, 'extension');
    await buildExtensionFolder(path.join(work, 'package'), ext);
    const out = path.join(work, 'language-pack-zh-hans.vsix');
    const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
    await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--allow-star-activation', '-o', out], { cwd: ext, maxBuffer: 16 << 20 });
    fs.mkdirSync(dir, { recursive: true });
    // Renamed into place last: a half-built pack is never taken for a finished one.
    fs.copyFileSync(out, `${vsix}.tmp`);
    fs.renameSync(`${vsix}.tmp`, vsix);
    return vsix;
  } catch (err) {
    throw new Error(`Could not build the zh-cn language pack from ${PACKAGE}@${VERSION}: ${err.stderr || err.message}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A VS Code language-pack extension from the npm package's files: translations/main.i18n.json
 * for the workbench (id "vscode") and one file per built-in extension, listed in
 * contributes.localizations.
 * @param {string} pkg   the unpacked npm package
 * @param {string} ext   the extension folder to write
 */
async function buildExtensionFolder(pkg, ext) {
  const from = path.join(pkg, 'translations');
  fs.mkdirSync(path.join(ext, 'translations', 'extensions'), { recursive: true });
  // main.i18n.json.js is an ES module exporting the { "vs/…": { key: text } } table.
  const contents = (await import(pathToFileURL(path.join(from, 'main.i18n.json.js')).href)).default;
  fs.writeFileSync(path.join(ext, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents }));
  const translations = [{ id: 'vscode', path: './translations/main.i18n.json' }];
  for (const f of fs.readdirSync(path.join(from, 'extensions')).sort()) {
    const id = f.replace(/\.i18n\.json$/, '');
    fs.copyFileSync(path.join(from, 'extensions', f), path.join(ext, 'translations', 'extensions', f));
    translations.push({ id, path: `./translations/extensions/${f}` });
  }
  const manifest = {
    name: 'language-pack-zh-hans',
    displayName: 'Chinese (Simplified) Language Pack (test)',
    description: `VS Code's Chinese (Simplified) translations from ${PACKAGE}@${VERSION}, for the e2e tests' zh-cn display language.`,
    publisher: 'chatroom-monitor-tests',
    version: VERSION,
    license: 'MIT',
    engines: { vscode: '^1.86.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [{ languageId: LANGUAGE_PACK_LOCALE, languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)', translations }],
    },
  };
  fs.writeFileSync(path.join(ext, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(ext, 'README.md'), `# ${manifest.displayName}\n\n${manifest.description}\n`);
}
