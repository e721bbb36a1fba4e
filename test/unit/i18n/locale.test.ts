import assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import { displayLocale, localeFromEnvironment, normalizeLocale, useLocale } from '../../../src/core/i18n/locale';

describe('display locale', () => {
  afterEach(() => useLocale('en'));

  it('reads VS Code ids, BCP 47 tags and POSIX locales', () => {
    for (const tag of ['zh-cn', 'zh-CN', 'zh_CN.UTF-8', 'zh', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) {
      assert.equal(normalizeLocale(tag), 'zh-cn', tag);
    }
    for (const tag of ['en', 'en-US', 'C.UTF-8', 'POSIX', '', undefined, 'zh-tw', 'zh-Hant', 'fr']) {
      assert.equal(normalizeLocale(tag), 'en', String(tag));
    }
  });

  it('takes LC_ALL over LC_MESSAGES over LANG, skipping empty ones', () => {
    assert.equal(localeFromEnvironment({ LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.equal(localeFromEnvironment({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(localeFromEnvironment({ LC_ALL: '', LC_MESSAGES: 'zh_CN', LANG: 'en_US' }), 'zh-cn');
    assert.equal(localeFromEnvironment({}), 'en');
  });

  it('translates through the bundle it was given, and back to English', () => {
    useLocale('zh-cn', { 'Hello {0}': '你好 {0}' });
    assert.equal(displayLocale(), 'zh-cn');
    assert.equal(l10n.t('Hello {0}', 'x'), '你好 x');
    useLocale('en');
    assert.equal(l10n.t('Hello {0}', 'x'), 'Hello x');
  });
});
