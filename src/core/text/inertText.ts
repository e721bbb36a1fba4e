/**
 * Inert text: anything the watched side controls (metric and label names, label
 * values, HELP text, the process name and command line, error messages quoting a
 * server, log lines, span names) is shown, never interpreted. One function per kind
 * of surface, because each VS Code surface interprets different syntax:
 *
 * | surface | what VS Code interprets | function |
 * |---|---|---|
 * | notification message | `[label](command:…/https:…/file:…)` links (linkedText) | {@link inertNotificationText} |
 * | status bar item text | `$(icon)` | {@link inertStatusBarText} |
 * | QuickPick label/description/detail | `$(icon)` | {@link inertQuickPickText} |
 * | MarkdownString (tooltip), report | Markdown, HTML, autolinks (marked in hovers, markdown-it with linkify in the preview), `$(icon)` anywhere in the rendered HTML when theme icons are on | {@link inertMarkdownText}, {@link inertMarkdownCode} |
 * | log channel, webview `textContent` | nothing, but a line break forges a log line | {@link inertLogText}, {@link visibleText} |
 * | alert rule templates | `{{…}}` (only in the rule's own template, once) | {@link inertTemplateValue} |
 *
 * Every function first makes the text visible ({@link visibleText}): bidi controls,
 * zero-width and other invisible characters, C0/C1 controls and invalid surrogate
 * halves become `⟨U+202E⟩`, line breaks become `⏎` (all surfaces are single-line), and
 * a long value is cut with an ellipsis and its full length stated. What a person reads
 * is then exactly the original characters, with the hidden ones named.
 *
 * Syntax is broken without changing what is read: a WORD JOINER (U+2060, invisible,
 * no line break) goes between `$` and `(` and between `]` and `(`; Markdown gets
 * backslash escapes (which the renderers remove) or a code span. The results are
 * final: feed surface text to no other function (it would name the inserted joiners).
 */
import * as l10n from '@vscode/l10n';

/** Default length caps, in characters of the result. */
export const INERT_LIMITS = {
  /** One alert title, message or value in a notification. */
  notification: 400,
  /** The process name in the status bar item: CPU and memory must stay visible. */
  statusBar: 32,
  quickPick: 200,
  markdown: 500,
  code: 300,
  log: 2000,
  /** A label value substituted into an alert rule's title or message. */
  templateValue: 120,
} as const;

/** WORD JOINER: invisible, no line break opportunity; splits `$(`, `](`. */
const WJ = '\u2060';
const NEWLINE_MARK = '⏎';

/** Characters that are invisible, reorder text or control a terminal; shown as `⟨U+XXXX⟩`. */
function isHidden(cp: number): boolean {
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad || // soft hyphen
    cp === 0x34f || // combining grapheme joiner
    cp === 0x61c || // Arabic letter mark (bidi)
    cp === 0x115f ||
    cp === 0x1160 || // Hangul fillers
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) || // Mongolian selectors and vowel separator
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates
    cp === 0x2800 || // braille blank
    cp === 0x3164 ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfff0 && cp <= 0xfffb) || // interlinear annotation, object replacement
    cp === 0xfffe ||
    cp === 0xffff ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe0fff) // tags, variation selectors supplement
  );
}

function named(cp: number): string {
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * The text as a person should read it, on one line: hidden characters named
 * (`⟨U+202E⟩`), each line break shown as `⏎`, invalid surrogate halves named. At most
 * `maxChars` long: a longer result is cut with `…` and, when `stateLength`, the
 * original length in characters, e.g. `abc… (5000 characters)`. Idempotent for the
 * same cap. Anything not a string is shown through `String()`.
 */
export function visibleText(input: unknown, maxChars: number = Number.POSITIVE_INFINITY, stateLength = true): string {
  const s = typeof input === 'string' ? input : String(input ?? '');
  let out = '';
  let cut = -1; // length of `out` before the first piece that went past the cap
  let total = 0; // characters (code points) of the input
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let piece: string;
    total++;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      piece = isHidden(cp) ? named(cp) : s.slice(i, i + 2);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      piece = named(c); // a lone surrogate half: not text
    } else if (c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029) {
      if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) {
        i++;
        total++;
      }
      piece = NEWLINE_MARK;
    } else {
      piece = isHidden(c) ? named(c) : s[i]!;
    }
    if (cut < 0) {
      if (out.length + piece.length > maxChars) {
        cut = out.length;
      } else {
        out += piece;
      }
    }
  }
  if (cut < 0) {
    return out;
  }
  const suffix = stateLength ? l10n.t({ message: '… ({0} characters)', args: [total], comment: 'ends a long value cut short: "abc… (5000 characters)", the number being its whole length' }) : '…';
  const keep = Math.max(0, maxChars - suffix.length);
  let head = out.slice(0, keep);
  // Never end on half a surrogate pair or half a `⟨U+…⟩` name.
  if (/[\ud800-\udbff]$/.test(head)) {
    head = head.slice(0, -1);
  }
  const open = head.lastIndexOf('⟨');
  if (open >= 0 && head.indexOf('⟩', open) < 0) {
    head = head.slice(0, open);
  }
  return head + (keep > 0 || !stateLength ? suffix : '…');
}

/** `$(name)` is a codicon in the status bar, QuickPicks and Markdown with theme icons. */
function breakIcons(s: string): string {
  return s.replace(/\$(?=\()/g, '$' + WJ);
}

/** `[label](target)` is a live link in a notification message. */
function breakLinks(s: string): string {
  return s.replace(/\](?=\()/g, ']' + WJ);
}

/**
 * Text for `showInformationMessage`/`showWarningMessage`/`showErrorMessage`: visible,
 * one line, no `[…](…)` link and no `$(…)`. Safe to apply to a whole message built from
 * several pieces (it breaks a link that spans two of them).
 */
export function inertNotificationText(input: unknown, maxChars: number = INERT_LIMITS.notification): string {
  return breakLinks(breakIcons(visibleText(input, maxChars)));
}

/** Text for a status bar item: visible, one line, short (just `…` when cut), no `$(…)`. */
export function inertStatusBarText(input: unknown, maxChars: number = INERT_LIMITS.statusBar): string {
  return breakIcons(visibleText(input, maxChars, false));
}

/** A QuickPick item's label, description or detail: visible, one line, no `$(…)`. */
export function inertQuickPickText(input: unknown, maxChars: number = INERT_LIMITS.quickPick): string {
  return breakIcons(visibleText(input, maxChars));
}

/** A log line: visible and on one line, so a value cannot forge a second log line. */
export function inertLogText(input: unknown, maxChars: number = INERT_LIMITS.log): string {
  return visibleText(input, maxChars);
}

/**
 * A value substituted into an alert rule's `{{labels.x}}`: visible, one line, short.
 * The result is plain text; each surface makes the rendered title inert for itself.
 */
export function inertTemplateValue(input: unknown, maxChars: number = INERT_LIMITS.templateValue): string {
  return visibleText(input, maxChars);
}

/**
 * Punctuation that starts Markdown or HTML syntax, backslash-escaped (CommonMark
 * removes the backslash from any escaped ASCII punctuation, so nothing stray shows).
 * Autolinks are broken separately (see {@link breakAutolinks}).
 */
const MARKDOWN_SYNTAX = /[\\`*_[\]<>&|~#!]/g;

/**
 * URL and e-mail autolinks. A backslash escape is not enough: VS Code's preview
 * (markdown-it 12 with `markdown.preview.linkify`) runs linkify over the text *after*
 * escapes are removed, so `https:\/\/x` is a link there. A WORD JOINER between the two
 * slashes of every `//` (no `scheme://`, no protocol-relative `//host`) and before
 * every `@` (no e-mail, no `mailto:`) breaks linkify-it and marked's GFM autolinks
 * alike while the text reads the same. `www.` keeps its escape (fuzzy links are off in
 * the preview; marked honours the escape).
 */
function breakAutolinks(s: string): string {
  return s.replace(/\/(?=\/)/g, '/' + WJ).replace(/@/g, WJ + '@');
}

/** A start of line that would make a list item, a quote or a setext underline. */
const BLOCK_START = /^(\s*)([-+=]|\d+[.)])/;

/**
 * Running Markdown text (a tooltip line, a report sentence, a table cell): shows
 * exactly the visible text, as text. No HTML, no link or image, no autolink
 * (`https://`, `www.`, e-mail), no emphasis, no code, no cell break, no `$(…)` icon.
 * Reads well in the Markdown source too: only syntax characters are escaped.
 */
export function inertMarkdownText(input: unknown, maxChars: number = INERT_LIMITS.markdown): string {
  return breakAutolinks(breakIcons(visibleText(input, maxChars)))
    .replace(MARKDOWN_SYNTAX, (c) => '\\' + c)
    .replace(/(www)\./gi, '$1\\.')
    .replace(BLOCK_START, (_m, space: string, mark: string) => `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`);
}

/**
 * Inline code for a value (a command line, a series, a label value): the characters
 * exactly, backslashes included, in a code span whose fence is longer than any
 * backtick run inside (CommonMark §6.1), padded when the text starts or ends with a
 * backtick. Inside a code span nothing is HTML, a link or an autolink; `$(` is broken
 * because VS Code renders icons in the HTML after Markdown. In a table cell GFM splits
 * on `|` before code spans, so `inTable` escapes it (the renderer removes the escape),
 * and a backslash of the value right before a pipe is kept apart from that escape.
 */
export function inertMarkdownCode(input: unknown, maxChars: number = INERT_LIMITS.code, inTable = false): string {
  let s = breakIcons(visibleText(input, maxChars));
  if (inTable) {
    // A backslash of the value right before a pipe would pair with the escape (GFM
    // counts backslashes: `\\|` splits the cell in marked and on GitHub); a joiner keeps it the value's own.
    s = s.replace(/\\(?=\|)/g, '\\' + WJ).replace(/\|/g, '\\|');
  }
  if (s.length === 0) {
    return '` `';
  }
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) {
    longest = Math.max(longest, m[0].length);
  }
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}
