/**
 * The dashboard page's HTML shell and its Content Security Policy. No `vscode`
 * here, so the Chromium tests serve exactly this page, with exactly this policy.
 */
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { currentBundle, displayLocale, DisplayLocale, intlLocale, MessageBundle } from '../../core/i18n/locale';

export interface DashboardHtmlOptions {
  /** `webview.cspSource`: the only origin styles, fonts and images may come from. */
  readonly cspSource: string;
  /** From {@link makeNonce}; a fresh one per page load. */
  readonly nonce: string;
  /** The bundled page script (dist/webview.js) as a webview URI. */
  readonly scriptUri: string;
  /** Stylesheets in order (uPlot's, codicons, page.css, dashboard.css) as webview URIs. */
  readonly styleUris: readonly string[];
  /** The page's display language and its translations (default: the extension's own). */
  readonly locale?: DisplayLocale;
  readonly messages?: MessageBundle;
}

/**
 * The translations as a JSON data block the page reads before it builds anything
 * (`type="application/json"` is never run; `<` is escaped so no text can end the element).
 */
function messagesBlock(locale: DisplayLocale, messages: MessageBundle, nonce: string): string {
  const json = JSON.stringify({ locale, messages: locale === 'en' ? {} : messages }).replace(/</g, '\\u003c');
  return `<script type="application/json" id="l10n-messages" nonce="${escapeAttribute(nonce)}">${json}</script>`;
}

/** The style sheets every page starts with: the codicons and what the pages share (theme variables, body, headings). */
export const PAGE_BASE_STYLES: readonly string[] = ['media/vendor/codicon.css', 'media/page.css'];

/** 128 random bits: a script nonce nobody can guess, new for every page. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy: nothing by default; scripts only with the nonce (no inline script,
 * no eval); styles, fonts and images only from the extension's own files. No
 * `unsafe-inline` for styles: the page sets sizes through the CSSOM
 * (`el.style.width = …`), which style-src does not govern, never through
 * `style="…"` attributes or `<style>` elements, which it blocks.
 */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** Escapes a value for a double-quoted HTML attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The page shell. The body is an empty mount point: the script builds everything,
 * and all server-provided text goes in through `textContent`.
 */
export function dashboardHtml(o: DashboardHtmlOptions): string {
  const csp = escapeAttribute(dashboardCsp(o.cspSource, o.nonce));
  const styles = o.styleUris.map((u) => `    <link rel="stylesheet" href="${escapeAttribute(u)}">`).join('\n');
  const locale = o.locale ?? displayLocale();
  return `<!DOCTYPE html>
<html lang="${intlLocale(locale)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeAttribute(l10n.t('Chat-Room Monitor'))}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="loading">${escapeAttribute(l10n.t('Waiting for the monitor…'))}</p></main>
    ${messagesBlock(locale, o.messages ?? currentBundle(), o.nonce)}
    <script nonce="${escapeAttribute(o.nonce)}" src="${escapeAttribute(o.scriptUri)}"></script>
  </body>
</html>
`;
}
