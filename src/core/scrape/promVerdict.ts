/**
 * "What would Prometheus do with this body?" — accept, or reject with the first
 * line it stops at and its own error text.
 *
 * Prometheus is strict where the monitor is lenient: one bad line fails the whole
 * scrape (nothing of it is stored, `up` is 0). The monitor keeps reading what it can
 * (parser.ts), and this module tells the developer what Prometheus would make of the
 * same bytes, before they deploy.
 *
 * Followed (read, not copied), Prometheus v2.42.0 — the version Debian 12 ships and
 * the conformance level was recorded with (test/conformance, scripts/record-prometheus.mjs):
 *  - model/textparse/promlex.l + promparse.go (text format 0.0.4): tokens may be
 *    separated by blanks; a timestamp is `[0-9]+` (no sign, no fraction);
 *    `# HELP`/`# TYPE` need a blank after the keyword, the TYPE word is exact
 *    (`untyped` included); any other `#` line is a comment; label sets allow a
 *    trailing comma and even no comma; label values may hold any escape (only
 *    `\\ \" \n` are unescaped); values go through Go's strconv.ParseFloat with
 *    `p`, `P` and `_` refused; a NUL at the start of a token ends the body.
 *  - model/textparse/openmetricslex.l + openmetricsparse.go (OpenMetrics 1.0):
 *    exactly one space between tokens, no blank lines, no plain comments, the body
 *    ends with `# EOF`; no trailing comma; `# UNIT` must be a `_unit` suffix of the
 *    name; exemplars only on names ending `_total` or `_bucket`; timestamps are
 *    float seconds made integer ms by Go's int64(ts*1000) truncation.
 *  - scrape/scrape.go (scrapeLoop.append): the scrape fails on the first parse error
 *    or on an append error other than out-of-order/duplicate/out-of-bounds; the TSDB
 *    head refuses a label name that is not unique (so `__name__` inside braces
 *    fails the scrape), and a metric "name" that starts with blanks (the 0.0.4
 *    parser keeps leading blanks in the series text) is not a valid metric name.
 *  - Both parsers refuse invalid UTF-8 in label values and HELP text only.
 */
import * as l10n from '@vscode/l10n';
import { isUtf8 } from 'node:buffer';
import { type ExpositionFormat, parseFloatToken } from './parser';
import { CH_BACKSLASH, CH_COMMA, CH_EQUALS, CH_HASH, CH_LBRACE, CH_LF, CH_QUOTE, CH_RBRACE, CH_SPACE, isBlank, InvalidUtf8Cursor } from './exposition';

export interface PrometheusVerdict {
  /** True when Prometheus would store this scrape. */
  readonly accept: boolean;
  /** 1-based line Prometheus stops at (a rejection only). */
  readonly line?: number;
  /** Prometheus' own error text (a rejection only). */
  readonly reason?: string;
  /**
   * False when the monitor did not see the whole body (it was cut at the body size
   * limit), so an accepting verdict covers only what was read.
   */
  readonly complete: boolean;
}

/**
 * The lines of a body that a previous body had too, byte for byte, and that the verdict
 * found fine there (parser.ts' ExpositionMemo): a line's verdict depends on its bytes
 * only, when it is not the body's last and no label value runs over its newline.
 */
export interface VerdictLines {
  /** Runs of such lines: the first one's start, the last one's end (its newline follows), how many lines. */
  readonly skipCount: number;
  readonly skipStart: Int32Array;
  readonly skipEnd: Int32Array;
  readonly skipLines: Int32Array;
  /** The line starting at `start` (a newline after it, no value running over it) is fine. */
  checkedOk(start: number): void;
}

export interface VerdictOptions {
  /** Sorted string indexes of U+FFFD characters that replaced invalid UTF-8 bytes. */
  readonly invalidUtf8At?: readonly number[];
  /** The monitor read only the start of the body. */
  readonly partial?: boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** {M}: [a-zA-Z_:] */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}
/** {L}: [a-zA-Z_] */
function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** Go's %q of a string, close enough for messages (printable Unicode kept). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
    } else if (c === 7) {
      out += '\\a';
    } else if (c === 8) {
      out += '\\b';
    } else if (c === 12) {
      out += '\\f';
    } else if (c === 10) {
      out += '\\n';
    } else if (c === 13) {
      out += '\\r';
    } else if (c === 9) {
      out += '\\t';
    } else if (c === 11) {
      out += '\\v';
    } else if (c < 0x20 || c === 0x7f) {
      out += '\\x' + c.toString(16).padStart(2, '0');
    } else if (c !== 0x20 && /[\p{C}\p{Z}]/u.test(ch)) {
      // Not graphic to Go's strconv.IsPrint: \u00a0, \ufeff, \U0001xxxx.
      out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/**
 * Go's strconv.ParseFloat as Prometheus calls it (refusing `p`, `P`, `_`): the
 * number, or Prometheus' error text.
 */
export function goParseFloat(tok: string): number | string {
  // The parser's own reader accepts a subset of what Go does (never p, P or _): fast path.
  const fast = parseFloatToken(tok);
  if (fast !== undefined) {
    return fast;
  }
  if (/[pP_]/.test(tok)) {
    return 'unsupported character in float';
  }
  // NaN and the infinities in every spelling Go takes were read by the fast path above.
  // Go's decimal syntax: sign, digits with an optional dot, an optional exponent.
  // (Hex floats need a `p` exponent, refused above.)
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tok)) {
    return `strconv.ParseFloat: parsing ${goQuote(tok)}: invalid syntax`;
  }
  const n = Number(tok);
  if (!Number.isFinite(n)) {
    return `strconv.ParseFloat: parsing ${goQuote(tok)}: value out of range`;
  }
  return n;
}

/**
 * True when text[a, b) is a plain decimal Go reads without error and without
 * overflow: [+-]?digits[.digits]([eE][+-]?d{1,2})? and shorter than 300 characters.
 * Checked in place (no slice, no Number()) because nearly every value looks so.
 */
function isPlainDecimal(text: Uint8Array, a: number, b: number): boolean {
  if (b - a >= 300) {
    return false;
  }
  let i = a;
  let c = text[i]!;
  if (c === 43 || c === 45) {
    c = text[++i]!;
  }
  let digits = 0;
  while (i < b && isDigit(c)) {
    digits++;
    c = text[++i]!;
  }
  if (i < b && c === 46) {
    c = text[++i]!;
    while (i < b && isDigit(c)) {
      digits++;
      c = text[++i]!;
    }
  }
  if (digits === 0) {
    return false;
  }
  if (i < b && (c === 101 || c === 69)) {
    c = text[++i]!;
    if (c === 43 || c === 45) {
      c = text[++i]!;
    }
    const e = i;
    while (i < b && isDigit(c)) {
      c = text[++i]!;
    }
    if (i - e < 1 || i - e > 2) {
      return false;
    }
  }
  return i === b;
}

/** Go's ParseFloat of text[a, b): the number is not needed, only whether and why it fails. */
function floatError(text: Uint8Array, a: number, b: number): string | undefined {
  if (isPlainDecimal(text, a, b)) {
    return undefined;
  }
  const r = goParseFloat(str(text, a, b));
  return typeof r === 'string' ? r : undefined;
}

/** The text of bytes [a, b) (UTF-8; what a message quotes or a word compares). */
function str(bytes: Uint8Array, a: number, b: number): string {
  // A Buffer decodes in place; a plain Uint8Array needs a Buffer view first (an object per call).
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8', a, b) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', a, b);
}

/** True when bytes [a, b) spell one of the (ASCII) words: a TYPE line's type, compared without a string. */
function isOneOf(bytes: Uint8Array, a: number, b: number, words: readonly string[]): boolean {
  for (const w of words) {
    if (w.length === b - a && startsAt(bytes, w, a)) return true;
  }
  return false;
}

/** True when bytes [ws, we) are a suffix of bytes [ns, ne) with '_' before it (UNIT's rule: the name ends in `_<unit>`). */
function isUnitSuffix(bytes: Uint8Array, ns: number, ne: number, ws: number, we: number): boolean {
  const n = we - ws;
  if (ne - ns <= n + 1 || bytes[ne - n - 1] !== 95) return false;
  for (let k = 0; k < n; k++) {
    if (bytes[ne - n + k] !== bytes[ws + k]) return false;
  }
  return true;
}

/** True when the ASCII text s is at bytes[i…]. */
function startsAt(bytes: Uint8Array, s: string, i: number): boolean {
  if (i < 0 || i + s.length > bytes.length) return false;
  for (let k = 0; k < s.length; k++) {
    if (bytes[i + k] !== s.charCodeAt(k)) return false;
  }
  return true;
}

/** The character that starts at byte i, as a JS string's code unit there would read (its first UTF-16 unit). */
function charAt(bytes: Uint8Array, i: number): string {
  const c = bytes[i]!;
  if (c < 0x80) return String.fromCharCode(c);
  const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  return str(bytes, i, Math.min(bytes.length, i + len))[0] ?? '';
}

const INT64_MAX = '9223372036854775807';

/** True when a string of digits is larger than int64 can hold. */
function overflowsInt64(digits: string): boolean {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) {
    i++;
  }
  const d = digits.slice(i);
  return d.length > 19 || (d.length === 19 && d > INT64_MAX);
}

const PROM_TYPE_LIST: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const OM_TYPE_LIST: readonly string[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];

/** A line's result: ok, Prometheus' error text, or the end of what Prometheus reads. */
const OK = 0;
const STOP = 1;
type LineResult = typeof OK | typeof STOP | string;

const NO_BYTES = Buffer.alloc(0);
/** The latest checker (see VerdictChecker.retire), reachable from here. */
const kept: { latest: VerdictChecker | undefined } = { latest: undefined };

class VerdictChecker {
  private readonly len: number;
  private readonly invalid: InvalidUtf8Cursor;
  /** Label names of the line being checked, as start/end pairs (duplicate check without slicing). */
  private readonly names: number[] = [];
  private nameCount = 0;

  constructor(
    private text: Buffer,
    private readonly openMetrics: boolean,
    /** Byte offsets where invalid UTF-8 sequences start. */
    invalidByteAt: readonly number[],
    /** Lines known fine from the previous body, skipped; the lines found fine are told to it. */
    private readonly lines?: VerdictLines,
  ) {
    this.len = text.length;
    this.invalid = new InvalidUtf8Cursor(invalidByteAt);
  }

  /**
   * Stays reachable, without the body, until the next check. V8 keeps an object layout
   * (map) only while some object has it; one scrape's checker died before the next, so
   * its layout was collected and the verdict's optimised code, which checks for it, was
   * thrown away ("weak objects") and compiled again, every few seconds at 1 Hz.
   */
  retire(): void {
    this.text = NO_BYTES;
    kept.latest = this;
  }

  run(): { line: number; reason: string } | undefined {
    const text = this.text;
    const len = this.len;
    let pos = 0;
    let lineNo = 0;
    if (len >= 3 && text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) {
      // Prometheus does not skip a byte-order mark: its bytes start the first line.
      return { line: 1, reason: this.openMetrics ? '"INVALID" "\\xef" is not a valid start token' : '"INVALID" is not a valid start token' };
    }
    const lines = this.lines;
    let skip = 0;
    while (pos < len) {
      if (lines !== undefined) {
        // A run of lines whose bytes a previous body had, each found fine where a line starts.
        while (skip < lines.skipCount && lines.skipStart[skip]! < pos) skip++;
        if (skip < lines.skipCount && lines.skipStart[skip] === pos) {
          lineNo += lines.skipLines[skip]!;
          pos = lines.skipEnd[skip]! + 1;
          skip++;
          continue;
        }
      }
      lineNo++;
      let lineEnd = text.indexOf(CH_LF, pos);
      if (lineEnd === -1) {
        lineEnd = len;
      }
      if (this.openMetrics) {
        const r = this.omLine(pos, lineEnd);
        if (r === STOP) {
          // `# EOF`, then at most one newline and the end.
          const after = startsAt(text, 'EOF', pos + 2) ? pos + 5 : lineEnd;
          if (after === len || (after === len - 1 && text[after]! === CH_LF)) {
            return undefined;
          }
          return { line: lineNo, reason: 'unexpected data after # EOF' };
        }
        if (r !== OK) {
          return { line: lineNo, reason: r };
        }
        if (lines !== undefined && lineEnd < len) {
          lines.checkedOk(pos);
        }
      } else {
        const r = this.promLine(pos, lineEnd);
        if (r === STOP) {
          return undefined;
        }
        if (r !== OK) {
          return { line: lineNo, reason: r };
        }
        if (lines !== undefined && this.extraLines === 0 && this.lineEnd === lineEnd && lineEnd < len) {
          lines.checkedOk(pos);
        }
        // A label value may hold a raw newline in 0.0.4: the line went on.
        lineEnd = this.lineEnd;
        lineNo += this.extraLines;
      }
      pos = lineEnd + 1;
    }
    if (this.openMetrics) {
      return { line: Math.max(1, lineNo), reason: 'data does not end with # EOF' };
    }
    return undefined;
  }

  // ---- Prometheus text format 0.0.4 -----------------------------------------------

  private lineEnd = 0;
  private extraLines = 0;
  /** The next backslash at or after some earlier position (-1 unknown), so indexOf runs once per backslash. */
  private nextBackslash = -1;

  /** Position of the first backslash at or after i (the text's length when none). */
  private backslashAfter(i: number): number {
    if (this.nextBackslash < i) {
      const b = this.text.indexOf(CH_BACKSLASH, i);
      this.nextBackslash = b === -1 ? this.len : b;
    }
    return this.nextBackslash;
  }

  private skip(i: number, end: number): number {
    const text = this.text;
    while (i < end && isBlank(text[i]!)) {
      i++;
    }
    return i;
  }

  /** The 0.0.4 lexer's name for what starts at i inside a label set. */
  private promLabelToken(i: number, end: number): string {
    if (i >= end) {
      return 'INVALID';
    }
    const c = this.text[i]!;
    return c === CH_RBRACE ? 'BCLOSE' : c === CH_COMMA ? 'COMMA' : c === CH_EQUALS ? 'EQUAL' : isLabelStart(c) ? 'LNAME' : 'INVALID';
  }

  private promLine(pos: number, lineEnd: number): LineResult {
    const text = this.text;
    this.lineEnd = lineEnd;
    this.extraLines = 0;
    let i = this.skip(pos, lineEnd);
    if (i === lineEnd) {
      return OK;
    }
    const c = text[i]!;
    if (c === 0) {
      return STOP; // promlex.l: `\0` is the end of the input
    }
    if (c === CH_HASH) {
      return this.promMeta(i, lineEnd);
    }
    if (!isNameStart(c)) {
      return '"INVALID" is not a valid start token';
    }
    const nameStart = i;
    while (i < lineEnd && (isNameStart(text[i]!) || isDigit(text[i]!))) {
      i++;
    }
    const nameEnd = i;
    this.nameCount = 0;
    i = this.skip(i, lineEnd);
    let end = lineEnd;
    if (i < end && text[i]! === CH_LBRACE) {
      i = this.skip(i + 1, end);
      let t = this.promLabelToken(i, end);
      for (;;) {
        if (t === 'BCLOSE') {
          i++;
          break;
        }
        if (t !== 'LNAME') {
          return `expected label name, got "${t}"`;
        }
        const ls = i;
        while (i < end && (isLabelStart(text[i]!) || isDigit(text[i]!))) {
          i++;
        }
        this.addName(ls, i);
        i = this.skip(i, end);
        t = this.promLabelToken(i, end);
        if (t !== 'EQUAL') {
          return `expected equal, got "${t}"`;
        }
        i = this.skip(i + 1, end);
        if (i >= end || text[i]! !== CH_QUOTE) {
          return 'expected label value, got "INVALID"';
        }
        // \"(\\.|[^\\"])*\" — a raw newline is allowed, so the value may run on.
        const vs = i;
        i++;
        // Fast path: the closing quote is on this line and no backslash comes before it.
        const q = text.indexOf(CH_QUOTE, i);
        if (q !== -1 && q < end && this.backslashAfter(i) > q) {
          i = q;
        }
        for (;;) {
          if (i >= this.len) {
            return 'expected label value, got "INVALID"';
          }
          const v = text[i]!;
          if (v === CH_QUOTE) {
            break;
          }
          if (v === CH_LF) {
            this.extraLines++;
          }
          if (v === CH_BACKSLASH) {
            if (i + 1 >= this.len || text[i + 1]! === CH_LF) {
              return 'expected label value, got "INVALID"';
            }
            i++;
          }
          i++;
        }
        if (i >= end) {
          end = text.indexOf(CH_LF, i);
          if (end === -1) {
            end = this.len;
          }
          this.lineEnd = end;
        }
        if (this.invalid.within(vs, i)) {
          return 'invalid UTF-8 label value';
        }
        i = this.skip(i + 1, end);
        t = this.promLabelToken(i, end);
        if (t === 'COMMA') {
          i = this.skip(i + 1, end);
          t = this.promLabelToken(i, end);
        }
      }
      i = this.skip(i, end);
      if (i < end && text[i]! === CH_LBRACE) {
        return 'expected value after metric, got "BOPEN"';
      }
    }
    if (i >= end) {
      return 'expected value after metric, got "INVALID"';
    }
    // [^{ \t\n]+
    const vs = i;
    while (i < end) {
      const v = text[i]!;
      if (v === CH_LBRACE || isBlank(v)) {
        break;
      }
      i++;
    }
    const valueError = floatError(text, vs, i);
    if (valueError !== undefined) {
      return valueError;
    }
    i = this.skip(i, end);
    if (i < end) {
      if (!isDigit(text[i]!)) {
        return 'expected timestamp or new record, got "INVALID"';
      }
      const ts = i;
      while (i < end && isDigit(text[i]!)) {
        i++;
      }
      if (i - ts >= 19 && overflowsInt64(str(text, ts, i))) {
        return `strconv.ParseInt: parsing ${goQuote(str(text, ts, i))}: value out of range`;
      }
      i = this.skip(i, end);
      if (i < end) {
        return `expected next entry after timestamp, got "${isDigit(text[i]!) ? 'TIMESTAMP' : 'INVALID'}"`;
      }
    }
    // Only now, as scrape.go does after a sample parsed: the series' own checks.
    if (nameStart !== pos) {
      return `invalid metric name or label names: {__name__=${goQuote(str(text, pos, nameEnd))}}`;
    }
    return this.duplicateLabel();
  }

  private addName(start: number, end: number): void {
    const k = this.nameCount++ * 2;
    this.names[k] = start;
    this.names[k + 1] = end;
  }

  private sameName(a: number, b: number): boolean {
    const n = this.names;
    const len = n[a * 2 + 1]! - n[a * 2]!;
    if (len !== n[b * 2 + 1]! - n[b * 2]!) {
      return false;
    }
    const text = this.text;
    for (let k = 0, x = n[a * 2]!, y = n[b * 2]!; k < len; k++) {
      if (text[x + k]! !== text[y + k]!) {
        return false;
      }
    }
    return true;
  }

  /** The TSDB head refuses a series with a label name twice (`__name__` counts). */
  private duplicateLabel(): LineResult {
    const count = this.nameCount;
    const n = this.names;
    const text = this.text;
    let dup: string | undefined;
    for (let a = 0; a < count; a++) {
      const name = n[a * 2 + 1]! - n[a * 2]! === 8 && startsAt(text, '__name__', n[a * 2]!);
      if (name) {
        dup = '__name__';
      }
      for (let b = a + 1; b < count; b++) {
        if (this.sameName(a, b)) {
          const d = str(text, n[a * 2]!, n[a * 2 + 1]!);
          // HasDuplicateLabelNames walks the sorted set: the smallest name repeated.
          dup = dup === undefined || d < dup ? d : dup;
        }
      }
    }
    return dup === undefined ? OK : `label name ${goQuote(dup)} is not unique: invalid sample`;
  }

  private promMeta(i: number, end: number): LineResult {
    const text = this.text;
    // `#[ \t]+` then HELP/TYPE and blanks; anything else is a comment.
    if (i + 1 >= end || !isBlank(text[i + 1]!)) {
      return OK;
    }
    i = this.skip(i + 1, end);
    const kw = startsAt(text, 'HELP', i) ? 'HELP' : startsAt(text, 'TYPE', i) ? 'TYPE' : undefined;
    if (kw === undefined || i + 4 >= end || !isBlank(text[i + 4]!)) {
      return OK;
    }
    i = this.skip(i + 4, end);
    const ns = i;
    while (i < end && (isNameStart(text[i]!) || (i > ns && isDigit(text[i]!)))) {
      i++;
    }
    if (i === ns) {
      return `expected metric name after ${kw}, got "INVALID"`;
    }
    // {C}* after the name; all blanks lex as whitespace, else its first character is dropped.
    const restStart = this.skip(i, end) === end ? end : Math.min(i + 1, end);
    if (kw === 'TYPE') {
      return isOneOf(text, restStart, end, PROM_TYPE_LIST) ? OK : `invalid metric type ${goQuote(str(text, restStart, end))}`;
    }
    return this.invalid.within(restStart, end) ? 'help text is not a valid utf8 string' : OK;
  }

  // ---- OpenMetrics 1.0 --------------------------------------------------------------

  /** The OpenMetrics lexer's name for what starts at i inside a label set. */
  private omLabelToken(i: number): string {
    if (i >= this.len) {
      return 'EOF';
    }
    const c = this.text[i]!;
    return c === CH_RBRACE ? 'BCLOSE' : c === CH_COMMA ? 'COMMA' : c === CH_EQUALS ? 'EQUAL' : isLabelStart(c) ? 'LNAME' : 'INVALID';
  }

  /** Go's %q of the byte the lexer stopped at ("\n" at a line end). */
  private curQuoted(i: number): string {
    return i >= this.len ? '"\\n"' : goQuote(charAt(this.text, i));
  }

  private omLine(pos: number, lineEnd: number): LineResult {
    const text = this.text;
    const c = text[pos]!;
    if (pos === lineEnd) {
      return `"INVALID" "\\n" is not a valid start token`;
    }
    if (c === CH_HASH) {
      return this.omMeta(pos, lineEnd);
    }
    if (!isNameStart(c)) {
      return `"INVALID" ${this.curQuoted(pos)} is not a valid start token`;
    }
    let i = pos;
    while (i < lineEnd && (isNameStart(text[i]!) || isDigit(text[i]!))) {
      i++;
    }
    const nameStart = pos;
    const nameEnd = i;
    this.nameCount = 0;
    let sawLabels = false;
    if (i < lineEnd && text[i]! === CH_LBRACE) {
      const r = this.omLabels(i + 1, true);
      if (typeof r === 'string') {
        return r;
      }
      i = r;
      sawLabels = true;
    }
    // {S}[^ \n]+
    const v = this.omToken(i);
    if (v < 0) {
      const t = i >= this.len ? 'EOF' : sawLabels && text[i]! === CH_LBRACE ? 'BOPEN' : 'INVALID';
      return `expected value after metric, got "${t}"`;
    }
    const valueError = floatError(text, i + 1, v);
    if (valueError !== undefined) {
      return valueError;
    }
    i = v;
    if (i >= this.len) {
      return 'data does not end with # EOF';
    }
    if (text[i]! !== CH_LF) {
      if (startsAt(text, ' # {', i)) {
        const r = this.omExemplar(nameStart, nameEnd, i + 4);
        if (r !== OK) {
          return r;
        }
      } else {
        const t = this.omToken(i);
        if (t < 0) {
          return 'expected timestamp or # symbol, got "INVALID"';
        }
        const ts = goParseFloat(str(text, i + 1, t));
        if (typeof ts === 'string') {
          return ts;
        }
        if (!Number.isFinite(ts)) {
          return 'invalid timestamp';
        }
        // int64(ts*1000): out of int64's range Go (amd64) gives its minimum, a time the
        // TSDB refuses with this error (recorded; see the module comment).
        if (Math.abs(Math.trunc(ts * 1000)) >= 2 ** 63) {
          return 'too old sample';
        }
        i = t;
        if (i >= this.len) {
          return 'expected next entry after timestamp, got "EOF"';
        }
        if (startsAt(text, ' # {', i)) {
          const r = this.omExemplar(nameStart, nameEnd, i + 4);
          if (r !== OK) {
            return r;
          }
        } else if (text[i]! !== CH_LF) {
          return `expected next entry after timestamp, got "${this.omTokenName(i)}"`;
        }
      }
    }
    return this.duplicateLabel();
  }

  /**
   * What the lexer makes of ` …` after a timestamp: another TIMESTAMP, except that
   * ` # ` starts the exemplar rule and, when `{` does not follow, golex gives up
   * (INVALID) rather than falling back to the shorter match (recorded).
   */
  private omTokenName(i: number): string {
    return this.omToken(i) > 0 && !startsAt(this.text, ' # ', i) ? 'TIMESTAMP' : 'INVALID';
  }

  /** End of a `{S}[^ \n]+` token starting at i, or -1. */
  private omToken(i: number): number {
    const text = this.text;
    if (i >= this.len || text[i]! !== CH_SPACE) {
      return -1;
    }
    let j = i + 1;
    while (j < this.len) {
      const c = text[j]!;
      if (c === CH_SPACE || c === CH_LF) {
        break;
      }
      j++;
    }
    return j === i + 1 ? -1 : j;
  }

  /** openmetricsparse.go parseLVals from just after `{`: the position after `}`, or the error. */
  private omLabels(i: number, keepNames: boolean): number | string {
    const text = this.text;
    let first = true;
    for (;;) {
      let t = this.omLabelToken(i);
      if (t === 'BCLOSE') {
        return i + 1;
      }
      if (t === 'COMMA') {
        if (first) {
          return 'expected label name or left brace, got "COMMA"';
        }
        i++;
        t = this.omLabelToken(i);
        if (t !== 'LNAME') {
          return `expected label name, got "${t}"`;
        }
      } else if (t === 'LNAME') {
        if (!first) {
          return 'expected comma, got "LNAME"';
        }
      } else {
        return first ? `expected label name or left brace, got "${t}"` : `expected comma or left brace, got "${t}"`;
      }
      first = false;
      const ls = i;
      while (i < this.len && (isLabelStart(text[i]!) || isDigit(text[i]!))) {
        i++;
      }
      if (keepNames) {
        this.addName(ls, i);
      }
      t = this.omLabelToken(i);
      if (t !== 'EQUAL') {
        return `expected equal, got "${t}"`;
      }
      i++;
      // \"(\\.|[^\\"\n])*\"
      if (i >= this.len || text[i]! !== CH_QUOTE) {
        return `expected label value, got "${i >= this.len ? 'EOF' : 'INVALID'}"`;
      }
      const vs = i;
      i++;
      for (;;) {
        const v = i < this.len ? text[i]! : CH_LF;
        if (v === CH_LF) {
          return 'expected label value, got "INVALID"';
        }
        if (v === CH_QUOTE) {
          break;
        }
        if (v === CH_BACKSLASH) {
          if (i + 1 >= this.len || text[i + 1]! === CH_LF) {
            return 'expected label value, got "INVALID"';
          }
          i++;
        }
        i++;
      }
      i++;
      if (this.invalid.within(vs, i)) {
        return 'invalid UTF-8 label value';
      }
    }
  }

  /** openmetricsparse.go parseComment, from just after ` # {`. */
  private omExemplar(nameStart: number, nameEnd: number, i: number): LineResult {
    const name = str(this.text, nameStart, nameEnd);
    if (!name.endsWith('_total') && !name.endsWith('_bucket')) {
      return `metric name ${name} does not support exemplars`;
    }
    const r = this.omLabels(i, false);
    if (typeof r === 'string') {
      return r;
    }
    i = r;
    const v = this.omToken(i);
    if (v < 0) {
      return `expected value after exemplar labels, got "${i >= this.len ? 'EOF' : 'INVALID'}"`;
    }
    const valueError = floatError(this.text, i + 1, v);
    if (valueError !== undefined) {
      return valueError;
    }
    i = v;
    if (i >= this.len) {
      return 'data does not end with # EOF';
    }
    if (this.text[i]! === CH_LF) {
      return OK;
    }
    const t = this.omToken(i);
    if (t < 0) {
      return 'expected timestamp or comment, got "INVALID"';
    }
    const ts = goParseFloat(str(this.text, i + 1, t));
    if (typeof ts === 'string') {
      return ts;
    }
    if (!Number.isFinite(ts)) {
      return 'invalid exemplar timestamp';
    }
    if (t >= this.len || this.text[t]! !== CH_LF) {
      return `expected next entry after exemplar timestamp, got "${t >= this.len ? 'EOF' : this.omTokenName(t)}"`;
    }
    return OK;
  }

  private omMeta(pos: number, lineEnd: number): LineResult {
    const text = this.text;
    if (pos + 1 >= this.len || text[pos + 1]! !== CH_SPACE) {
      return `"INVALID" ${this.curQuoted(pos + 1)} is not a valid start token`;
    }
    let i = pos + 2;
    if (startsAt(text, 'EOF', i)) {
      return STOP;
    }
    const kw = startsAt(text, 'HELP ', i) ? 'HELP' : startsAt(text, 'TYPE ', i) ? 'TYPE' : startsAt(text, 'UNIT ', i) ? 'UNIT' : undefined;
    if (kw === undefined) {
      // The lexer stops after the longest prefix of a keyword it could read.
      let longest = 0;
      for (const k of ['HELP ', 'TYPE ', 'UNIT ']) {
        let n = 0;
        while (n < k.length && text[i + n]! === k.charCodeAt(n)) {
          n++;
        }
        longest = Math.max(longest, n);
      }
      return `"INVALID" ${this.curQuoted(i + longest)} is not a valid start token`;
    }
    i += 5;
    const ns = i;
    while (i < lineEnd && (isNameStart(text[i]!) || (i > ns && isDigit(text[i]!)))) {
      i++;
    }
    if (i === ns) {
      return `expected metric name after ${kw}, got "INVALID"`;
    }
    // {S}{C}*\n: one space, anything, and a newline (not the end of the body).
    if (i >= lineEnd || text[i]! !== CH_SPACE || lineEnd >= this.len) {
      return `expected text in ${kw}`;
    }
    // Compared as bytes: the name is ASCII, so a unit with other bytes matches neither way.
    if (kw === 'TYPE') {
      return isOneOf(text, i + 1, lineEnd, OM_TYPE_LIST) ? OK : `invalid metric type ${goQuote(str(text, i + 1, lineEnd))}`;
    }
    if (kw === 'UNIT') {
      return lineEnd === i + 1 || isUnitSuffix(text, ns, i, i + 1, lineEnd) ? OK : `unit not a suffix of metric ${goQuote(str(text, ns, i))}`;
    }
    return this.invalid.within(i + 1, lineEnd) ? 'help text is not a valid utf8 string' : OK;
  }
}

/**
 * The verdict as one sentence, or undefined when Prometheus would accept the body.
 * Holds server text (names, values in the reason): make it inert where it is shown.
 */
export function verdictSentence(v: PrometheusVerdict | undefined): string | undefined {
  if (!v || v.accept) {
    return undefined;
  }
  // The reason is Prometheus' own text, as it writes it (English); the frame is ours.
  return l10n.t('Prometheus would reject this scrape: line {0}: {1}', String(v.line), String(v.reason));
}

/** The verdicts of a run of scrapes, for the report (JSON field `prometheusVerdict`). */
export interface VerdictSummary {
  /** Scrapes whose body was read and judged. */
  readonly scrapes: number;
  /** Of those, the ones Prometheus would have rejected. */
  readonly rejected: number;
  /** The latest scrape's verdict. */
  readonly latest: PrometheusVerdict;
  /** The latest rejection, with its time: what to fix. */
  readonly lastRejection?: PrometheusVerdict & { readonly timeMs: number };
}

/** Counts verdicts as scrapes come in; bounded (a few numbers and two verdicts). */
export class VerdictTally {
  private scrapes = 0;
  private rejected = 0;
  private latest: PrometheusVerdict | undefined;
  private lastRejection: (PrometheusVerdict & { timeMs: number }) | undefined;

  record(timeMs: number, v: PrometheusVerdict): void {
    this.scrapes++;
    this.latest = v;
    if (!v.accept) {
      this.rejected++;
      this.lastRejection = { ...v, timeMs };
    }
  }

  /** Undefined when no body was read yet. Only scrapes at or after fromMs count when given. */
  summary(): VerdictSummary | undefined {
    if (!this.latest) {
      return undefined;
    }
    const base = { scrapes: this.scrapes, rejected: this.rejected, latest: this.latest };
    return this.lastRejection ? { ...base, lastRejection: this.lastRejection } : base;
  }
}

/**
 * What Prometheus v2.42 would do with this body, read as `format`. The text is the
 * body decoded (`invalidUtf8At`: where decodeUtf8 put U+FFFD for invalid bytes); the
 * check itself runs over its UTF-8 bytes, as the scraper's does (verdictOfBytes).
 */
export function prometheusVerdict(text: string, format: ExpositionFormat, opts: VerdictOptions = {}): PrometheusVerdict {
  const bytes = Buffer.from(text, 'utf8');
  const at = opts.invalidUtf8At;
  return verdictOfBytes(bytes, format, opts.partial === true, at && at.length > 0 ? byteOffsetsOf(text, at) : []);
}

/**
 * What Prometheus v2.42 would do with these body bytes, read as `format`, checked in
 * place: no string of the body is made (a 100,000-series body is 3.7 MB).
 */
export function prometheusVerdictOfBytes(bytes: Buffer, format: ExpositionFormat, opts: { readonly partial?: boolean; readonly lines?: VerdictLines } = {}): PrometheusVerdict {
  if (isUtf8(bytes)) {
    return verdictOfBytes(bytes, format, opts.partial === true, [], opts.lines);
  }
  return verdictOfBytes(bytes, format, opts.partial === true, invalidUtf8Runs(bytes, false).byteAt, undefined);
}

function verdictOfBytes(bytes: Buffer, format: ExpositionFormat, partial: boolean, invalidByteAt: readonly number[], lines?: VerdictLines): PrometheusVerdict {
  const complete = !partial;
  const checker = new VerdictChecker(bytes, format === 'openmetrics', invalidByteAt, lines);
  const r = checker.run();
  checker.retire();
  if (r === undefined) {
    return { accept: true, complete };
  }
  return { accept: false, line: r.line, reason: r.reason, complete };
}

/** The UTF-8 byte offsets of the given (sorted) string indexes of text. */
function byteOffsetsOf(text: string, indexes: readonly number[]): number[] {
  const out: number[] = [];
  let byte = 0;
  let k = 0;
  for (let i = 0; i < text.length && k < indexes.length; i++) {
    while (k < indexes.length && indexes[k] === i) {
      out.push(byte);
      k++;
    }
    const c = text.charCodeAt(i);
    if (c < 0x80) byte += 1;
    else if (c < 0x800) byte += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      byte += 4;
      i++;
    } else byte += 3;
  }
  return out;
}

/**
 * A JS string of the bytes and, when some were not valid UTF-8, the indexes of the
 * U+FFFD characters that replaced them (Buffer's decoder replaces each maximal
 * invalid subpart with one U+FFFD, as the WHATWG decoder does).
 */
export function decodeUtf8(bytes: Buffer): { text: string; invalidUtf8At?: number[] } {
  const text = bytes.toString('utf8');
  // Fast path: valid UTF-8 (the buffer module's own check, native).
  if (isUtf8(bytes)) {
    return { text };
  }
  return { text, invalidUtf8At: invalidUtf8Runs(bytes, true).charAt };
}

/**
 * Where each maximal invalid subpart starts: as a byte offset, and (`withCharIndexes`)
 * as the index of the U+FFFD that replaces it in the decoded string — which costs
 * decoding the runs between them, so the verdict over bytes asks for offsets only.
 */
export function invalidUtf8Runs(bytes: Uint8Array, withCharIndexes: boolean): { byteAt: number[]; charAt: number[] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byteAt: number[] = [];
  const at: number[] = [];
  let out = 0;
  let i = 0;
  let runStart = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      need = -1;
    }
    let j = i + 1;
    let ok = need > 0;
    for (let k = 0; ok && k < need; k++, j++) {
      const cb = j < n ? bytes[j]! : -1;
      if (cb < (k === 0 ? lo : 0x80) || cb > (k === 0 ? hi : 0xbf)) {
        ok = false;
      }
    }
    if (ok) {
      i = j;
      continue;
    }
    // The maximal subpart ends where the sequence went wrong (at least one byte).
    byteAt.push(i);
    if (withCharIndexes) {
      out += buf.toString('utf8', runStart, i).length;
      at.push(out);
    }
    out += 1;
    i = Math.max(i + 1, j - 1);
    runStart = i;
  }
  return { byteAt, charAt: at };
}
