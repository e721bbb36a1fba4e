import assert from 'node:assert/strict';
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

/**
 * A Chinese sentence with no English words left but the ones it quotes: setting ids,
 * "quoted values", /regexes/, addresses, `pid N (name)`, the few words Chinese writes as
 * English (TCP, JSON, Prometheus …) and whatever `allowed` removes first.
 */
export function assertChinese(sentence: string, allowed: RegExp[] = []): void {
  assert.match(sentence, /[\u4e00-\u9fff]/, sentence);
  const quoted = allowed.reduce((text, a) => text.replace(a, ''), sentence);
  const rest = quoted.replace(/chatroomMonitor\.[\w.]+/g, '').replace(/"[^"]*"|“[^”]*”|\/[^/\s]+\/|https?:\/\/\S+|\bpid \d+ \([^)]*\)/g, '');
  const english = rest.match(/\b[a-z]{3,}\b/gi) ?? [];
  assert.deepEqual(english.filter((w) => !/^(?:TCP|PID|MiB|URL|JSON|HTTP|Prometheus|job|instance|glob|true|false|localhost)$/i.test(w)), [], sentence);
}
