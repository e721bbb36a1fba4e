// Writes the settings contribution of package.json and the README's settings table
// from the one declaration table (src/core/settings/settings.ts). Run through
// `npm run settings:sync` (which compiles first); the unit test "settings drift"
// fails until this has been run after a declaration changed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const m = require(path.join(root, 'out/src/core/settings/manifest.js'));

const pkgPath = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
pkg.contributes.configuration.properties = m.settingsContribution();
pkg.capabilities.untrustedWorkspaces.restrictedConfigurations = m.restrictedSettings();
fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');

// package.nls.json: the settings' English texts (keys `config.…`) beside the hand-kept
// ones (commands, descriptions); package.nls.zh-cn.json is translated by hand.
const nlsPath = path.join(root, 'package.nls.json');
const nls = fs.existsSync(nlsPath) ? JSON.parse(fs.readFileSync(nlsPath, 'utf8')) : {};
const kept = Object.fromEntries(Object.entries(nls).filter(([k]) => !k.startsWith(m.SETTINGS_NLS_PREFIX)));
fs.writeFileSync(nlsPath, JSON.stringify({ ...kept, ...m.settingsNls() }, null, 2) + '\n');

const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const start = readme.indexOf(m.README_TABLE_START);
const end = readme.indexOf(m.README_TABLE_END);
if (start < 0 || end < start) {
  console.error(`README.md has no settings markers (${m.README_TABLE_START} … ${m.README_TABLE_END}).`);
  process.exit(1);
}
fs.writeFileSync(readmePath, readme.slice(0, start + m.README_TABLE_START.length) + '\n' + m.settingsReadmeTable() + '\n' + readme.slice(end));
console.log('package.json, package.nls.json and README.md settings written from src/core/settings/settings.ts');
