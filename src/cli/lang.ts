/**
 * The CLI's display language, chosen once before any command runs: `--lang zh-cn`
 * (anywhere before a `--`), else LC_ALL / LC_MESSAGES / LANG. The Chinese table is
 * bundled into dist/cli.js, so the CLI needs no file beside it.
 */
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';
import { DisplayLocale, localeFromEnvironment, MessageBundle, normalizeLocale, useLocale } from '../core/i18n/locale';

const BUNDLES: Partial<Record<DisplayLocale, MessageBundle>> = { 'zh-cn': zhCn as MessageBundle };

/** Takes `--lang X` / `--lang=X` out of argv; returns the rest and the value (when given). */
export function takeLangFlag(argv: readonly string[]): { argv: string[]; lang?: string } {
  const out: string[] = [];
  let lang: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--lang' && i + 1 < argv.length) {
      lang = argv[++i];
    } else if (a.startsWith('--lang=')) {
      lang = a.slice('--lang='.length);
    } else {
      out.push(a);
    }
  }
  return lang === undefined ? { argv: out } : { argv: out, lang };
}

/** Sets the process's display language from the flag or the environment; returns argv without the flag. */
export function applyCliLanguage(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): { argv: string[]; locale: DisplayLocale } {
  const { argv: rest, lang } = takeLangFlag(argv);
  const locale = lang !== undefined ? normalizeLocale(lang) : localeFromEnvironment(env);
  useLocale(locale, BUNDLES[locale]);
  return { argv: rest, locale };
}
