/**
 * What the monitor's parser and the Prometheus-verdict pass both read the exposition
 * text with: its character codes, the blank test, and the cursor over the bytes that
 * were invalid UTF-8 (one definition, so the two passes agree on what they see).
 */
export const CH_TAB = 9;
export const CH_LF = 10;
export const CH_CR = 13;
export const CH_SPACE = 32;
export const CH_QUOTE = 34;
export const CH_HASH = 35;
export const CH_COMMA = 44;
export const CH_EQUALS = 61;
export const CH_BACKSLASH = 92;
export const CH_LBRACE = 123;
export const CH_RBRACE = 125;

export function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB;
}

/** Sorted indexes of U+FFFD characters that replaced invalid UTF-8, read front to back. */
export class InvalidUtf8Cursor {
  private next = 0;

  constructor(private readonly at: readonly number[]) {}

  /** True when an invalid UTF-8 byte was replaced within [a, b). Calls come in increasing a. */
  within(a: number, b: number): boolean {
    const inv = this.at;
    if (inv.length === 0) {
      return false;
    }
    while (this.next < inv.length && inv[this.next]! < a) {
      this.next++;
    }
    return this.next < inv.length && inv[this.next]! < b;
  }
}
