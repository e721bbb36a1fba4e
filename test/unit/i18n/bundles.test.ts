import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import { SETTINGS_NLS_PREFIX, settingsNls } from '../../../src/core/settings/manifest';

/**
 * Every string the code marks for translation (`vscode.l10n.t` in the extension,
 * `l10n.t` from `@vscode/l10n` in the core, the CLI and the webview) is in the English
 * bundle and the Chinese one, and neither keeps a string the code no longer uses; the
 * same for the manifest's `%key%`s and package.nls*.json. Fix: `npm run l10n:export`,
 * then translate what this test lists into l10n/bundle.l10n.zh-cn.json.
 */

const root = path.resolve(__dirname, '../../../..');
const readJson = (rel: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const LOCALES = ['zh-cn'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A Han character or CJK punctuation: a Chinese translation has at least one. */
const HAN = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
/** Translations Chinese writes exactly as English does (abbreviations, a bare ratio). */
const SAME_IN_CHINESE = new Set(['CPU', 'GC', 'RSS', '{0} / {1}', '{0}{1}']);

/** `{0}`, `{name}`: a translation must keep every placeholder of its English message. */
const placeholders = (s: string): string[] => [...s.matchAll(/\{[^{}]+\}/g)].map((m) => m[0]).sort();

function diff(expected: Iterable<string>, actual: Iterable<string>): { missing: string[]; extra: string[] } {
  const a = new Set(actual);
  const e = new Set(expected);
  return { missing: [...e].filter((k) => !a.has(k)), extra: [...a].filter((k) => !e.has(k)) };
}

function manifestKeys(node: unknown, out = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    const m = /^%([^%\s]+)%$/.exec(node);
    if (m) {
      out.add(m[1]!);
    }
  } else if (Array.isArray(node)) {
    node.forEach((v) => manifestKeys(v, out));
  } else if (node && typeof node === 'object') {
    Object.values(node).forEach((v) => manifestKeys(v, out));
  }
  return out;
}

describe('translation bundles match the code', function () {
  this.timeout(60_000);
  let used: Record<string, string>;

  before(async () => {
    const files = sourceFiles(path.join(root, 'src')).map((f) => ({ extension: path.extname(f), contents: fs.readFileSync(f, 'utf8') }));
    used = (await getL10nJson(files)) as Record<string, string>;
  });

  it('the code marks strings for translation in every part (extension, core, CLI, webview)', () => {
    assert.ok(Object.keys(used).length > 50, `only ${Object.keys(used).length} strings marked`);
  });

  it('l10n/bundle.l10n.json is exactly the strings the code uses (npm run l10n:export)', () => {
    const d = diff(Object.keys(used), Object.keys(readJson('l10n/bundle.l10n.json')));
    assert.deepEqual(d, { missing: [], extra: [] }, 'run `npm run l10n:export`');
  });

  for (const locale of LOCALES) {
    it(`l10n/bundle.l10n.${locale}.json translates every string the code uses, and no other`, () => {
      const bundle = readJson(`l10n/bundle.l10n.${locale}.json`);
      const d = diff(Object.keys(used), Object.keys(bundle));
      assert.deepEqual(d.missing, [], `strings used in the code but missing from bundle.l10n.${locale}.json`);
      assert.deepEqual(d.extra, [], `strings in bundle.l10n.${locale}.json that the code no longer uses`);
    });

    it(`bundle.l10n.${locale}.json keeps every placeholder and translates (not copies) the text`, () => {
      const bundle = readJson(`l10n/bundle.l10n.${locale}.json`);
      const bad = Object.entries(bundle).filter(([en, tr]) => typeof tr !== 'string' || tr.trim() === '' || placeholders(en).join() !== placeholders(tr).join());
      assert.deepEqual(bad, []);
    });

    it(`bundle.l10n.${locale}.json and package.nls.${locale}.json leave no English behind: every translation has Chinese in it, but for the few that are the same in Chinese`, () => {
      const bundle = readJson(`l10n/bundle.l10n.${locale}.json`) as Record<string, string>;
      const english = Object.entries(bundle).filter(([, tr]) => !HAN.test(tr) && !SAME_IN_CHINESE.has(tr));
      assert.deepEqual(english, [], 'translate these (or, when Chinese writes them the same, add them to SAME_IN_CHINESE)');
      const manifest = readJson(`package.nls.${locale}.json`) as Record<string, string>;
      assert.deepEqual(Object.entries(manifest).filter(([, tr]) => !HAN.test(tr)), [], `English left in package.nls.${locale}.json`);
    });

    it(`package.nls.${locale}.json has exactly the keys of package.nls.json, with placeholders kept`, () => {
      const en = readJson('package.nls.json') as Record<string, string>;
      const tr = readJson(`package.nls.${locale}.json`) as Record<string, string>;
      assert.deepEqual(diff(Object.keys(en), Object.keys(tr)), { missing: [], extra: [] });
      const bad = Object.keys(en).filter((k) => typeof tr[k] !== 'string' || !tr[k] || placeholders(en[k]!).join() !== placeholders(tr[k]).join());
      assert.deepEqual(bad, []);
    });
  }

  it('package.json names every text by a %key% of package.nls.json, and package.nls.json has no unused key', () => {
    const pkg = readJson('package.json') as { contributes: { commands: { title: string; category?: string }[] }; displayName: string; description: string };
    const plain = pkg.contributes.commands.flatMap((c) => [c.title, c.category ?? '%%']).filter((t) => !/^%[^%]+%$/.test(t));
    assert.deepEqual(plain, [], 'command titles and categories are %keys% (add the English text to package.nls.json)');
    assert.match(pkg.displayName, /^%.+%$/);
    assert.match(pkg.description, /^%.+%$/);
    const d = diff(manifestKeys(pkg), Object.keys(readJson('package.nls.json')));
    assert.deepEqual(d, { missing: [], extra: [] });
  });

  it("the settings' English texts in package.nls.json are the declared ones (npm run settings:sync)", () => {
    const nls = readJson('package.nls.json');
    const declared = settingsNls();
    const inFile = Object.fromEntries(Object.entries(nls).filter(([k]) => k.startsWith(SETTINGS_NLS_PREFIX)));
    assert.deepEqual(inFile, declared, 'run `npm run settings:sync`');
  });
});
