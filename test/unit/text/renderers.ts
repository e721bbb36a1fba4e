/**
 * The renderers VS Code 1.100 uses for the surfaces, reproduced in Node so unit tests
 * see what a person would see: marked 14.0.0 plus the theme-icon pass for
 * MarkdownStrings (hover, status bar tooltip), markdown-it 12.3.2 (the version the
 * preview bundles: linkify runs on text after escapes are removed) with linkify (fuzzy links
 * off) for the Markdown preview, the linkedText parser for notifications, and the
 * icon parser of status bar items and QuickPicks. Copied from the workbench's own
 * sources (base/browser/markdownRenderer.ts, base/common/linkedText.ts, iconLabels.ts).
 */
import MarkdownIt from 'markdown-it';
import { marked } from 'marked';

const ICON = '\\$\\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\\)';
/** renderLabelWithIcons: `$(x)` is an icon unless escaped as `\$(x)`. */
const LABEL_WITH_ICONS = new RegExp(`(\\\\)?${ICON}`, 'g');

/** Number of `$(icon)`s a status bar item or QuickPick would draw as icons. */
export function iconCount(text: string): number {
  return [...text.matchAll(LABEL_WITH_ICONS)].filter((m) => !m[1]).length;
}

/** What a status bar item or QuickPick shows as text (escaped icons lose their backslash). */
export function iconLabelText(text: string): string {
  return text.replace(LABEL_WITH_ICONS, (m, esc: string | undefined) => (esc ? m.slice(1) : '\u0000ICON\u0000'));
}

/** base/common/linkedText.ts: the links a notification message renders. */
const LINKED_TEXT = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
export function notificationLinkCount(text: string): number {
  return [...text.matchAll(LINKED_TEXT)].length;
}

/** A MarkdownString as VS Code renders it (before sanitizing): marked, then icons over the HTML. */
export function hoverHtml(markdown: string, supportThemeIcons = true): string {
  let value = markdown;
  if (supportThemeIcons) {
    value = value.replace(new RegExp(`\\\\${ICON}`, 'g'), (m) => `\\${m}`); // markdownEscapeEscapedIcons
  }
  let html = marked.parse(value, { async: false, gfm: true }) as string;
  if (supportThemeIcons) {
    html = html.replace(LABEL_WITH_ICONS, (m, esc: string | undefined) => (esc ? m.slice(1) : `<span class="codicon"></span>`));
  }
  return html;
}

const preview = new MarkdownIt({ html: true, linkify: true });
preview.linkify.set({ fuzzyLink: false });
/** The built-in Markdown preview (markdown-it, raw HTML allowed, linkify on, fuzzy links off). */
export function previewHtml(markdown: string): string {
  return preview.render(markdown);
}

/** Tags in rendered HTML other than the ones plain text and code produce. */
export function foreignTags(html: string, allowed: readonly string[] = ['p', 'code']): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()).filter((t) => !allowed.includes(t));
}

/** `<a …>` elements and icon spans in rendered HTML. */
export function liveElements(html: string): string[] {
  return [...html.matchAll(/<(a|img|script|span class="codicon")\b[^>]*>/g)].map((m) => m[0]);
}

/** The text a person reads in rendered HTML: tags dropped, entities decoded, line breaks as spaces. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\n$/, '');
}

/** What is read, ignoring the word joiners the inert functions insert to break syntax. */
export function read(text: string): string {
  return text.replace(/\u2060/g, '');
}
