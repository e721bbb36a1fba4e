/**
 * Text that came from the watched server (metric names, label values, command
 * lines, alert messages built from them) goes into a Markdown document that VS Code
 * renders as HTML. These helpers make sure such text is shown, never interpreted:
 * no raw HTML, no links, no emphasis, no broken tables.
 */

/**
 * Characters that start inline Markdown syntax anywhere in a line; escaped with a
 * backslash. Parentheses and `!` need no escape once `[` and `]` are escaped (no
 * link or image can form), which keeps pasted text readable.
 */
const MARKDOWN_INLINE = /[\\`*_[\]|~#]/g;
/** A line start that would make a list item, a quote or a heading underline. */
const BLOCK_START = /^(\s*)([-+=]|\d+[.)])/;

/**
 * Plain text safe in running Markdown and in table cells: newlines become spaces
 * (a newline could start a heading or end a table), `<`, `>` and `&` become HTML
 * entities (no tag, no autolink survives), inline Markdown punctuation is
 * backslash-escaped (no link, image, emphasis, code or cell break), and a line
 * start that would open a list is escaped.
 */
export function escapeMarkdownText(text: string): string {
  return String(text)
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_INLINE, (c) => '\\' + c)
    .replace(BLOCK_START, (_m, space: string, mark: string) => `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`);
}

/**
 * Inline code for untrusted text: the fence is one backtick longer than the
 * longest backtick run inside, padded with spaces when the text starts or ends
 * with a backtick (CommonMark §6.1), so the text cannot close the span early.
 * Inside a code span nothing is HTML or a link. In a table cell a `|` would still
 * end the cell (GFM splits cells before code spans), so `inTable` escapes it.
 */
export function codeSpan(text: string, inTable = false): string {
  let s = String(text).replace(/[\r\n\u2028\u2029]+/g, ' ');
  if (inTable) {
    s = s.replace(/\|/g, '\\|');
  }
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) {
    longest = Math.max(longest, m[0].length);
  }
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '') ? ' ' : '';
  if (s.length === 0) {
    return '` `';
  }
  return `${fence}${pad}${s}${pad}${fence}`;
}
