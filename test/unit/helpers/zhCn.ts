import fs from 'node:fs';
import path from 'node:path';
import { MessageBundle, useLocale } from '../../../src/core/i18n/locale';

/** The shipped Chinese bundle (the one the extension, the CLI and the page use). */
export function zhCnBundle(): MessageBundle {
  const root = path.resolve(__dirname, '../../../..');
  return JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as MessageBundle;
}

/** Runs `body` with the display language set to Simplified Chinese, then back to English. */
export function inZhCn<T>(body: () => T): T {
  useLocale('zh-cn', zhCnBundle());
  try {
    return body();
  } finally {
    useLocale('en');
  }
}

/** {@link inZhCn} for a body that awaits (the real locator, a real socket). */
export async function inZhCnAsync<T>(body: () => Promise<T>): Promise<T> {
  useLocale('zh-cn', zhCnBundle());
  try {
    return await body();
  } finally {
    useLocale('en');
  }
}
