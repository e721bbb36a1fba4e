/**
 * The extension's display language and translations for a page, from the JSON data block
 * the page's HTML carries (dashboardHtml.ts); English without one. Every page calls this
 * before it builds anything, so its l10n.t calls read the right bundle.
 */
import { normalizeLocale, useLocale } from '../core/i18n/locale';

export function adoptDisplayLanguage(): void {
  try {
    const data = JSON.parse(document.getElementById('l10n-messages')?.textContent ?? '{}') as { locale?: string; messages?: Record<string, string> };
    const locale = normalizeLocale(data.locale);
    useLocale(locale, locale === 'en' ? undefined : (data.messages ?? {}));
  } catch {
    useLocale('en');
  }
}
