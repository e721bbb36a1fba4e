import { setSharedBundle, shared } from './sharedL10n';

/**
 * The display language of everything the core writes for people (the status bar's
 * text and tooltip, alert sentences, the report, the CLI), chosen once per process:
 * the extension from `vscode.env.language` (with VS Code's own loaded bundle), the CLI
 * from `--lang` or LANG/LC_ALL, the dashboard page from the extension's init message.
 *
 * Strings are marked with `l10n.t('English {0}', arg)` from `@vscode/l10n` — the same
 * format as the extension's `vscode.l10n.t`, so `@vscode/l10n-dev` extracts both into
 * l10n/bundle.l10n.json and one translation file (l10n/bundle.l10n.zh-cn.json) serves
 * the extension, the core, the CLI and the webview. The English text in the code is
 * the source; a unit test fails when a bundle lacks a string the code uses or keeps
 * one it no longer uses.
 */

export type DisplayLocale = 'en' | 'zh-cn';

/** A translation bundle: English message → translated message (l10n bundle format). */
export type MessageBundle = Readonly<Record<string, string>>;

/**
 * VS Code language ids, BCP 47 tags and POSIX locales (`zh_CN.UTF-8`) to the
 * languages we ship: Simplified Chinese for zh, zh-cn, zh-hans, zh-sg; English otherwise
 * (Traditional Chinese readers are better served by English than by the wrong script).
 */
export function normalizeLocale(tag: string | undefined | null): DisplayLocale {
  const t = (tag ?? '').trim().toLowerCase().replace(/_/g, '-').replace(/[.@].*$/, '');
  if (t === 'zh' || t === 'zh-cn' || t === 'zh-sg' || t.startsWith('zh-hans')) {
    return 'zh-cn';
  }
  return 'en';
}

/** POSIX precedence: LC_ALL, then LC_MESSAGES, then LANG (the first one set wins). */
export function localeFromEnvironment(env: Readonly<Record<string, string | undefined>>): DisplayLocale {
  const tag = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return normalizeLocale(tag);
}

/**
 * Switch the process's display language. `bundle` is the translation table for
 * `locale` (none for English). The extension passes `vscode.l10n.bundle`, so the core
 * follows exactly the language VS Code loaded for it.
 */
export function useLocale(locale: DisplayLocale, bundle?: MessageBundle): void {
  setSharedBundle(locale, locale === 'en' ? {} : { ...(bundle ?? {}) });
}

/** Kept on `globalThis` (see sharedL10n.ts), so every bundle of the extension host agrees. */
export function displayLocale(): DisplayLocale {
  return shared().locale === 'zh-cn' ? 'zh-cn' : 'en';
}

/** The translation table in use (empty in English): the extension hands it to its webviews. */
export function currentBundle(): MessageBundle {
  return shared().bundle;
}

/** The BCP 47 tag for `Intl` formatting of numbers and dates. */
export function intlLocale(locale: DisplayLocale = displayLocale()): string {
  return locale === 'zh-cn' ? 'zh-CN' : 'en-US';
}

/** A wall-clock time with seconds, as people of the display language write it. */
export function formatClockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(intlLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** A date and time to the minute, in the display language (local time zone). */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(intlLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
}
