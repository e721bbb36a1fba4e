/**
 * A hand-written parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0.
 *
 * Why hand-written: the scraper runs inside the extension host once per tick, so the
 * hot path (sample lines) scans char codes over the whole body without splitting it
 * into lines or running a regex per line. Why lenient where the specs are strict
 * (blanks, missing `# EOF`, OpenMetrics-only types in a 0.0.4 body): a developer's
 * own server is often slightly off-spec, and losing every number because of one odd
 * line helps nobody. Every bad line is skipped with one sentence that names it.
 */
import * as l10n from '@vscode/l10n';
import { isUtf8 } from 'node:buffer';
import { Labels, NO_LABELS } from '../model';
import { decodeUtf8, PrometheusVerdict, prometheusVerdict, prometheusVerdictOfBytes } from './promVerdict';
import { CH_BACKSLASH, CH_COMMA, CH_CR, CH_EQUALS, CH_HASH, CH_LBRACE, CH_QUOTE, CH_RBRACE, isBlank, InvalidUtf8Cursor } from './exposition';
import { type SeriesCache, seriesTextHash } from './seriesCache';
import { grownInt32, LineRecord, LineTable, NOTHING_RECORD, RECORD_META, RECORD_SAMPLE } from './lineTable';

export type { PrometheusVerdict } from './promVerdict';

/** Metric types of both formats (the last four are OpenMetrics only). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  | 'unknown'
  | 'info'
  | 'stateset'
  | 'gaugehistogram';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface ParsedSample {
  /** The sample's own name (`foo_bucket`, `foo_total`), not the family's. */
  readonly name: string;
  readonly labels: Labels;
  /** May be NaN or ±Infinity: the exposition allows them, consumers decide. */
  readonly value: number;
  /** The line's timestamp in ms since the epoch (0.0.4 writes ms, OpenMetrics seconds). */
  readonly timestampMs?: number;
  /** The timestamp exactly as written, so nothing is lost converting units. */
  readonly timestampRaw?: string;
  /** OpenMetrics: the exemplar after ` # ` on a `_bucket` or `_total` sample, when it reads cleanly. */
  readonly exemplar?: ParsedExemplar;
}

/**
 * An OpenMetrics exemplar: one observation behind a bucket or a counter, with the
 * labels that identify it (`trace_id` usually). Label values are the watched side's
 * text: inert wherever they are shown.
 */
export interface ParsedExemplar {
  readonly labels: Labels;
  readonly value: number;
  /** Float seconds in the body, made ms; absent when the exemplar has no timestamp. */
  readonly timestampMs?: number;
}

/** An OpenMetrics `_created` sample: when the counter/histogram/summary started counting. */
export interface CreatedTimestamp {
  readonly labels: Labels;
  readonly createdSeconds: number;
  /** The sample's own name (`foo_created`), as Prometheus stores it. */
  readonly name: string;
  /** The line's timestamp, when it had one. */
  readonly timestampMs?: number;
}

export interface MetricFamily {
  /** The name from `# TYPE`/`# HELP`, or the sample name for a family without metadata. */
  readonly name: string;
  readonly type: MetricType;
  /** Unescaped help text; '' when none was given. */
  readonly help: string;
  /** From `# UNIT` (OpenMetrics); '' when none was given. */
  readonly unit: string;
  /** Empty when the parse put its samples in `columns` (ParseOptions.columns). */
  readonly samples: readonly ParsedSample[];
  /** `_created` samples, kept as timestamps rather than as a series of their own. */
  readonly created: readonly CreatedTimestamp[];
  /** The samples as columns, when the caller asked for them (ParseOptions.columns). */
  readonly columns?: SampleRows;
}

/** A family's samples read by index, whether kept as ParsedSample objects or as columns. */
export interface SampleRows {
  readonly length: number;
  name(i: number): string;
  labels(i: number): Labels;
  value(i: number): number;
  exemplar(i: number): ParsedExemplar | undefined;
}

/**
 * A family's samples as columns, for a caller that wants no object per sample: the
 * scraper at 10,000 series made 10,000 ParsedSample objects a scrape (each with a
 * boxed value), garbage one tick later, and the garbage decides how far V8 lets the
 * heap grow (issue 11's memory bound). The arrays are refilled scrape after scrape
 * (SampleColumnPool). Timestamps are not kept: the deriver uses none.
 */
export class SampleColumns implements SampleRows {
  length = 0;
  private readonly names: string[] = [];
  private readonly labelSets: Labels[] = [];
  private values = new Float64Array(16);
  private readonly exemplars: (ParsedExemplar | undefined)[] = [];

  name(i: number): string {
    return this.names[i]!;
  }

  labels(i: number): Labels {
    return this.labelSets[i]!;
  }

  value(i: number): number {
    return this.values[i]!;
  }

  exemplar(i: number): ParsedExemplar | undefined {
    return this.exemplars[i];
  }

  push(name: string, labels: Labels, value: number, exemplar: ParsedExemplar | undefined): void {
    const n = this.length;
    if (n === this.values.length) {
      const grown = new Float64Array(n * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.names[n] = name;
    this.labelSets[n] = labels;
    this.values[n] = value;
    this.exemplars[n] = exemplar;
    this.length = n + 1;
  }
}

/** The columns a parse fills, one per family with samples, handed out again on the next body. */
export class SampleColumnPool {
  private readonly all: SampleColumns[] = [];
  private used = 0;

  /** Every columns object is free again (the previous body's families are no longer read). */
  begin(): void {
    // A body with far fewer families than an earlier one lets the spare ones go.
    if (this.all.length > 2 * this.used + 64) {
      this.all.length = this.used;
    }
    this.used = 0;
  }

  take(): SampleColumns {
    let c = this.all[this.used];
    if (c === undefined) {
      c = new SampleColumns();
      this.all.push(c);
    }
    this.used++;
    c.length = 0;
    return c;
  }
}

export interface Truncation {
  /** The limit that was reached. */
  readonly maxSeries: number;
  /** Sample lines after the limit that were not parsed. */
  readonly droppedSamples: number;
}

export interface ParsedExposition {
  readonly format: ExpositionFormat;
  /** Families in the order they first appear. */
  readonly families: readonly MetricFamily[];
  /** One sentence per bad line, starting with `line N:`; bounded by `maxProblems`. */
  readonly problems: readonly string[];
  /** Samples kept (the series count of this body, `_created` excluded). */
  readonly sampleCount: number;
  /** Set when the body had more samples than `maxSeries`. */
  readonly truncated?: Truncation;
  readonly sawEof: boolean;
  /**
   * What Prometheus would do with these bytes: accept, or reject the whole scrape at
   * a line, with its own error text. The families above are the lenient reading.
   */
  readonly verdict: PrometheusVerdict;
}

export interface ParseOptions {
  /** Samples kept at most (default 10,000): a label explosion must not exhaust memory. */
  maxSeries?: number;
  /** From the Content-Type when known; otherwise guessed from a trailing `# EOF`. */
  format?: ExpositionFormat;
  /** The caller cut the body short on purpose: a missing `# EOF` is not a problem then. */
  partial?: boolean;
  /** Problem sentences kept at most (default 50); the rest are counted in one last sentence. */
  maxProblems?: number;
  /** Shared across scrapes so names and label values are copied once, not once per body. */
  interner?: StringInterner;
  /**
   * Shared across scrapes: a series already read (same text) is not parsed again, and
   * keeps its labels object, so consumers can cache per label set (seriesCache.ts).
   */
  seriesCache?: SeriesCache;
  /**
   * Sorted indexes into the text of U+FFFD characters that replaced invalid UTF-8
   * bytes (see decodeUtf8): Prometheus refuses those in label values and HELP text.
   */
  invalidUtf8At?: readonly number[];
  /**
   * Samples go into columns from this pool (MetricFamily.columns) instead of one
   * ParsedSample object each; `samples` stays empty. Shared across scrapes: the
   * previous parse's columns are refilled, so read them before the next parse.
   */
  columns?: SampleColumnPool;
  /**
   * The previous body of the same endpoint (parseExpositionBytes only): its unchanged
   * lines are not decoded or parsed again. Shared across scrapes of one endpoint.
   */
  memo?: ExpositionMemo;
}

/** What parseExpositionBytes found past the sample lines it decoded (they were counted, not parsed). */
interface CountedRest {
  readonly droppedSamples: number;
  readonly sawEof: boolean;
}

export const DEFAULT_MAX_SERIES = 10_000;

/**
 * Why copy: V8 makes `body.slice(a, b)` (13 chars or more) a view that keeps the
 * whole body alive. A label value kept by the store would pin a 10 MB body per scrape
 * that introduced a series. A copy holds only its own characters.
 */
export function copyString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * One private copy of each name, label name and long label value. Kept by the scraper
 * across scrapes, so a steady server costs one map lookup per string, no copies.
 */
export class StringInterner {
  private readonly map = new Map<string, string>();

  constructor(
    /** Past this many strings the table starts over (a label explosion must not grow it forever). */
    readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.map.size;
  }

  intern(s: string): string {
    const v = this.map.get(s);
    if (v !== undefined) {
      return v;
    }
    if (this.map.size >= this.maxEntries) {
      this.map.clear();
    }
    const c = copyString(s);
    this.map.set(c, c);
    return c;
  }
}

const DEFAULT_MAX_PROBLEMS = 50;

const TYPES: ReadonlySet<string> = new Set<MetricType>([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'info',
  'stateset',
  'gaugehistogram',
]);

/** Sample-name suffixes a family of each type owns (besides its own name). */
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  info: ['_info'],
  gauge: [],
  untyped: [],
  unknown: [],
  stateset: [],
};

const TYPES_WITH_CREATED: ReadonlySet<MetricType> = new Set<MetricType>(['counter', 'histogram', 'summary']);

interface MutableFamily {
  name: string;
  type: MetricType;
  help: string;
  unit: string;
  samples: ParsedSample[];
  /** Set on the family's first sample when the parse fills columns. */
  columns: SampleColumns | undefined;
  created: CreatedTimestamp[];
  typeSeen: boolean;
  helpSeen: boolean;
  /** A 0.0.4 `foo_created` gauge family folded into the family it dates (prometheus_client writes those). */
  createdOf?: MutableFamily;
}


/** [a-zA-Z_:] first, [a-zA-Z0-9_:] after. */
function isNameChar(c: number, first: boolean): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (!first && c >= 48 && c <= 57)
  );
}

/** [a-zA-Z_] first, [a-zA-Z0-9_] after (no colon in label names). */
function isLabelNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (!first && c >= 48 && c <= 57);
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

function tokenEnd(text: string, i: number, end: number): number {
  while (i < end && !isBlank(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

/**
 * A float as Go's strconv.ParseFloat reads it (which is what Prometheus uses):
 * decimal notation, `Inf`/`Infinity`/`NaN` in any case with an optional sign on Inf.
 * Returns undefined for anything else (JS `Number()` alone would accept `0x10`, `0b1`).
 */
export function parseFloatToken(tok: string): number | undefined {
  const len = tok.length;
  if (len === 0) {
    return undefined;
  }
  // Never a character past the end: V8 throws optimised code away on a read out of bounds.
  const c0 = tok.charCodeAt(0);
  // Digits, sign or dot: the common case, handed to the engine's own number parser.
  // Number() alone would also read `1e400` as Infinity (Go: out of range, refused)
  // and ignore surrounding whitespace such as `\v` (Go: invalid syntax), so the last
  // character must be a digit or a dot and the result finite.
  const cl = tok.charCodeAt(len - 1);
  if (((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46) && ((cl >= 48 && cl <= 57) || cl === 46)) {
    const n = Number(tok);
    if (n === n) {
      const c1 = len > 1 ? tok.charCodeAt(1) | 32 : 0;
      if ((c0 === 48 && (c1 === 120 || c1 === 98 || c1 === 111)) || n === Infinity || n === -Infinity) {
        return undefined; // 0x.., 0b.., 0o.., out of float64's range
      }
      return n;
    }
  }
  switch (tok.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

const EXACT_POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * The value of `text[start, end)` when it is a plain decimal — an optional `-`, digits,
 * at most one `.` with at least one digit around it — whose digits make an integer
 * below 2^53 and that has at most 22 digits after the point; NaN for anything else
 * (the caller then slices the token for parseFloatToken). Reads the characters in
 * place, so the usual value costs no string (10,000 a scrape at the series limit).
 *
 * Exact: the digits as an integer M and 10^k are both doubles exactly, so M / 10^k is
 * one correctly rounded division — the nearest double to the decimal, which is what
 * Number() and Go's strconv.ParseFloat give (Clinger's fast path).
 */
export function plainDecimalAt(text: string, start: number, end: number): number {
  let i = start;
  const negative = i < end && text.charCodeAt(i) === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0) {
      point = digits;
    } else {
      return NaN;
    }
  }
  const decimals = point < 0 ? 0 : digits - point;
  if (digits === 0 || m > 9007199254740991 || decimals > 22) return NaN;
  const v = decimals === 0 ? m : m / EXACT_POWERS_OF_TEN[decimals]!;
  return negative ? -v : v;
}

/** Help text unescaping: `\\` and `\n` in both formats, `\"` in OpenMetrics too. */
function unescapeHelp(s: string, openMetrics: boolean): string {
  if (s.indexOf('\\') === -1) {
    return s;
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_BACKSLASH && i + 1 < s.length) {
      const n = s.charCodeAt(i + 1);
      if (n === CH_BACKSLASH) {
        out += '\\';
        i++;
        continue;
      }
      if (n === 110) {
        out += '\n';
        i++;
        continue;
      }
      if (n === CH_QUOTE && openMetrics) {
        out += '"';
        i++;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

function guessFormat(text: string): ExpositionFormat {
  // OpenMetrics bodies must end with `# EOF`; 0.0.4 bodies never contain it.
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c === 10 || c === CH_CR || isBlank(c)) {
      end--;
    } else {
      break;
    }
  }
  return end >= 5 && text.startsWith('# EOF', end - 5) ? 'openmetrics' : 'prometheus';
}

/** A problem of one line, in the display language: "line 3: label a appears twice". */
function lineProblem(lineNo: number | string, message: string): string {
  return l10n.t({ message: 'line {0}: {1}', args: [lineNo, message], comment: 'a bad line of a metrics body: "line 3: label a appears twice"' });
}

/** Whether one of `ParsedExposition.problems` is about a line (rather than the whole body), in any display language. */
export function isLineProblem(problem: string): boolean {
  return problem.startsWith(lineProblem('\u0000', '').split('\u0000')[0]!);
}

function quoteForMessage(s: string): string {
  const short = s.length > 40 ? s.slice(0, 40) + '…' : s;
  return JSON.stringify(short);
}

/** Where line mode looks in the previous body for a line, around where it expects it. */
const MEMO_WINDOW = [0, 1, -1, 2, 3, -2];

const LINE_GO_ON = 0;
const LINE_STOP = 1;
const LINE_WHOLE_TEXT = 2;

/**
 * Whether `a[aFrom, aFrom + n)` and `b[bFrom, bFrom + n)` hold the same bytes, read from
 * the end: a changed line differs in its value, at its end. A loop rather than
 * Buffer#compare, whose argument checks (~2,000 characters of Node's code) were inlined
 * into runLines for TurboFan to compile in every first minute (issue 20); lines are short.
 */
function sameBytes(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, n: number): boolean {
  for (let i = n - 1; i >= 0; i--) {
    if (a[aFrom + i] !== b[bFrom + i]) return false;
  }
  return true;
}

/** labelledSeriesEnd: the line is a name and no label set (`name value`). */
const NO_LABEL_SET = -2;

/** After this many bodies in a row far smaller than the kept copy's buffer, the buffer shrinks. */
const OVERSIZED_BODIES = 8;

/** After a body that needed the whole-text parse, the next ones get it straight away. */
const WHOLE_TEXT_BODIES = 16;

/**
 * The previous body of one endpoint and what each of its lines parsed to, so the next
 * body's unchanged lines cost a byte comparison, not a decode, a parse and a verdict
 * check (the scrape's cost follows what changed). A server keeps its families and
 * lines in the same order from one scrape to the next; only values change, and their
 * width, so lines are matched by content around where they are expected, never by
 * offset. Kept by the scraper (one per target); the result of a parse with it is
 * exactly the result of one without it.
 */
export class ExpositionMemo {
  /** The previous body's bytes, up to the end of its last parsed line (a private copy). */
  bytes: Buffer = Buffer.alloc(0);
  format: ExpositionFormat | undefined;
  /** The previous body's lines. */
  prev = new LineTable();
  /** The lines of the body being read; swapped with `prev` by commit(). */
  private next = new LineTable();
  /** Bodies left that go straight to the whole-text parse. */
  wholeText = 0;
  /** Bodies in a row that needed far less than `bytes` holds. */
  private oversized = 0;
  /** Lines of the last body read in line mode that applied a previous line's result (for tests and the bench). */
  reusedLines = 0;

  // Runs of unchanged lines the verdict skips: their first line's start, the last one's end, and how many.
  skipCount = 0;
  skipStart = new Int32Array(64);
  skipEnd = new Int32Array(64);
  skipLines = new Int32Array(64);
  /** Line starts the verdict checked and found fine in this body. */
  private okCount = 0;
  private okAt = new Int32Array(64);

  /** Forgets the previous body. */
  reset(): void {
    this.prev.clear(true);
    this.format = undefined;
    this.skipCount = 0;
    this.okCount = 0;
  }

  beginNext(): void {
    this.reusedLines = 0;
    this.next.clear(false);
    this.skipCount = 0;
    this.okCount = 0;
  }

  pushLine(start: number, end: number, record: LineRecord | undefined, ok: number, newlineAfter: boolean): void {
    if (this.next.count === this.skipStart.length) {
      // As many runs as lines at most: grown with the lines, on the first body, so no
      // branch is first taken when a later body happens to have more runs.
      this.skipStart = grownInt32(this.skipStart);
      this.skipEnd = grownInt32(this.skipEnd);
      this.skipLines = grownInt32(this.skipLines);
    }
    this.next.addLine(start, end, record, ok);
    if (ok === 1 && newlineAfter) {
      const k = this.skipCount;
      if (k > 0 && this.skipEnd[k - 1]! + 1 === start) {
        this.skipEnd[k - 1] = end;
        this.skipLines[k - 1] = this.skipLines[k - 1]! + 1;
      } else {
        this.skipStart[k] = start;
        this.skipEnd[k] = end;
        this.skipLines[k] = 1;
        this.skipCount = k + 1;
      }
    }
  }

  /** The verdict found the line that starts at `start` fine (followed by a newline, on its own). */
  checkedOk(start: number): void {
    if (this.okCount === this.okAt.length) this.okAt = grownInt32(this.okAt);
    this.okAt[this.okCount++] = start;
  }

  /** The body read becomes the previous one: its bytes `[0, limit)` copied, its table swapped in. */
  commit(bytes: Buffer, limit: number): void {
    // What the verdict checked fine now, on the lines it did not skip. The loop is the
    // table's: commit runs once a body, so V8 compiles only that loop, not the copy's
    // argument checks around it (issue 20).
    const read = this.next;
    const n = read.count;
    read.markOk(this.okAt, this.okCount);
    // Room for the body read, and no more than twice it for long: one huge body (up to
    // the 10 MB read limit) must not stay allocated behind every small one after it.
    const room = this.bytes.length;
    this.oversized = room > 2 * limit + 65536 ? this.oversized + 1 : 0;
    if (room < limit || this.oversized >= OVERSIZED_BODIES) {
      this.bytes = Buffer.allocUnsafeSlow(room < limit ? Math.max(limit, 2 * room) : 2 * limit);
      this.oversized = 0;
    }
    bytes.copy(this.bytes, 0, 0, limit);
    this.next = this.prev;
    this.prev = read;
    // The spare table's records past the next body's lines are dropped at the next commit.
    this.next.dropRecordsFrom(n);
  }
}

/** The latest parser (see ExpositionParser.retire), reachable from here. */
const kept: { latest: ExpositionParser | undefined } = { latest: undefined };
const RETIRED_INTERNER = new StringInterner(1);

/**
 * The state of one parse. A class rather than closures so V8 sees one stable shape;
 * methods return a position or -1, and leave their result in a field, so the hot path
 * allocates nothing but the strings and objects it keeps.
 */
class ExpositionParser {
  private readonly families: MutableFamily[] = [];
  private readonly byName = new Map<string, MutableFamily>();
  private current: MutableFamily | undefined;
  private readonly problems: string[] = [];
  private problemsOmitted = 0;
  private sampleCount = 0;
  private hasAliases = false;
  private lineNo = 0;
  private sawEof = false;
  private truncated: Truncation | undefined;
  private readonly openMetrics: boolean;
  /** Label names of the line being parsed (duplicate check without hasOwnProperty). */
  private lineLabelNames: string[] = [];
  private lineLabelCount = 0;
  /** The previous line's label names: most lines repeat them, so reuse the strings. */
  private prevLabelNames: string[] = [];
  private prevLabelCount = 0;
  /** The previous sample's name and family (a histogram repeats `_bucket` lines). */
  private lastSampleName = '';
  private lastSampleFamily: MutableFamily | undefined;
  /** Result slots for parseLabels. */
  private labelsOut: Labels = NO_LABELS;
  /** Why parseLabels returned -1, worded only when the problem is kept. */
  private labelError: () => string = () => '';
  /** Where the current sample line ends (later than its first newline when a value spans lines). */
  private lineEnd = 0;
  /** Where invalid UTF-8 bytes were replaced, read front to back. */
  private readonly invalid: InvalidUtf8Cursor;

  constructor(
    /** The body's text; in line mode (runLines) the text of the line being parsed. */
    private text: string,
    private readonly format: ExpositionFormat,
    private readonly maxSeries: number,
    private readonly maxProblems: number,
    private readonly partial: boolean,
    private interner: StringInterner,
    invalidUtf8At: readonly number[] | undefined,
    /** Set before finish() when the parse ran first (runLines: the verdict reads what it found unchanged). */
    public verdict: PrometheusVerdict,
    private seriesCache: SeriesCache | undefined,
    /** Set when the text is the start of a body whose remaining sample lines were counted by the caller. */
    private readonly rest: CountedRest | undefined,
    private columns: SampleColumnPool | undefined,
  ) {
    columns?.begin();
    this.openMetrics = format === 'openmetrics';
    this.invalid = new InvalidUtf8Cursor(invalidUtf8At ?? []);
  }

  /**
   * Parses the whole text. With `remember` (a body whose text has one character per
   * byte), also keeps what each line parsed to for the next body (runLines); a label
   * value over a newline leaves `remembered` false.
   */
  run(remember?: ExpositionMemo): ParsedExposition {
    const text = this.text;
    const len = text.length;
    // A byte-order mark is not part of the first line (TextDecoder drops it too);
    // Prometheus does not skip it, which the verdict says.
    let pos = len > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (pos < len) {
      let lineEnd = text.indexOf('\n', pos);
      if (lineEnd === -1) {
        lineEnd = len;
      }
      this.lineNo++;
      let end = lineEnd;
      if (end > pos && text.charCodeAt(end - 1) === CH_CR) {
        end--; // tolerate CRLF bodies written on Windows
      }
      const problemsBefore = this.problems.length + this.problemsOmitted;
      this.capture = remember !== undefined;
      this.captured = NOTHING_RECORD; // a blank line or a comment, unless the line says more
      const start = skipBlanks(text, pos, end);
      if (start < end) {
        const c = text.charCodeAt(start);
        if (c === CH_HASH) {
          this.metaLine(start, end);
          if (this.sawEof) {
            this.afterEof(lineEnd + 1);
            break;
          }
        } else if (c === 0 && !this.openMetrics) {
          break; // promlex.l reads a NUL where a line starts as the end of the body
        } else if (this.sampleCount >= this.maxSeries) {
          this.truncate(pos);
          break;
        } else {
          this.lineEnd = lineEnd;
          this.sampleLine(start, end);
          // A 0.0.4 label value may hold a raw newline: the sample ran on.
          if (this.lineEnd !== lineEnd) {
            this.remembered = false;
            lineEnd = this.lineEnd;
          }
        }
      }
      if (remember !== undefined) {
        this.capture = false;
        const kept = this.problems.length + this.problemsOmitted === problemsBefore ? this.captured : undefined;
        remember.pushLine(pos, lineEnd, kept, 0, lineEnd < len);
      }
      pos = lineEnd + 1;
    }
    this.capture = false;
    return this.finish();
  }

  /** False when run(remember) met a line it could not keep. */
  remembered = true;

  /**
   * Stays reachable, holding nothing of its body, until the next parse. V8 keeps an object layout
   * (map) only while some object has it; one scrape's parser died before the next, so
   * its layout was collected and the parse's optimised code, which checks for it, was
   * thrown away ("weak objects") and compiled again, every few seconds at 1 Hz.
   */
  private retire(): void {
    this.text = '';
    this.families.length = 0;
    this.byName.clear();
    this.current = undefined;
    this.lastSampleFamily = undefined;
    this.captured = undefined;
    this.labelsOut = NO_LABELS;
    // What the caller made for this parse alone (a fresh interner, a pool) goes too.
    this.interner = RETIRED_INTERNER;
    this.seriesCache = undefined;
    this.columns = undefined;
    kept.latest = this;
  }

  /** What follows the lines: the counted rest, the missing `# EOF`, the result. */
  finish(): ParsedExposition {
    if (this.rest !== undefined && this.truncated === undefined && !this.sawEof) {
      this.sawEof = this.rest.sawEof;
      if (this.rest.droppedSamples > 0) {
        this.truncated = { maxSeries: this.maxSeries, droppedSamples: this.rest.droppedSamples };
      }
    }
    if (this.openMetrics && !this.sawEof && !this.partial && this.truncated === undefined) {
      this.bodyProblem(l10n.t("The OpenMetrics body ended without '# EOF' after line {0} — it may have been cut short.", this.lineNo));
    }
    const out = this.result();
    this.retire();
    return out;
  }

  // ---- line mode: a body read against the previous one (ExpositionMemo) ----------

  /** Set while a line is parsed for the memo: what it parsed to, if anything (addSample, metadata). */
  private capture = false;
  private captured: LineRecord | undefined;
  /** Line mode met a line that reads on past its end (a 0.0.4 label value over a newline). */
  private needsWholeText = false;
  /** The text is one line of the body (runLines). */
  private lineMode = false;

  /**
   * The parse of `bytes[0, limit)` line by line against the previous body (`memo`): a
   * line whose bytes equal a line of the previous body applies what that line parsed
   * to, without decoding or reading it again; only the other lines are decoded, each on
   * its own, and parsed. Returns false when the body needs the whole-text parse (a
   * 0.0.4 label value that runs over a newline, or the series limit reached among the
   * lines): the caller then runs run() on a new parser, so the result is always what
   * the whole-text parse gives.
   */
  runLines(bytes: Buffer, limit: number, memo: ExpositionMemo): boolean {
    const len = bytes.length;
    const prev = memo.bytes;
    const table = memo.prev;
    const pStarts = table.starts;
    const pEnds = table.ends;
    const pRecords = table.records;
    const pOk = table.ok;
    const pCount = table.count;
    memo.beginNext();
    this.lineMode = true;
    let j = 0;
    let pos = 0;
    while (pos < limit) {
      // The previous body's line at the same place, or a few lines around it (a series
      // added or gone shifts the rest): the same bytes, followed by a newline as well.
      let match = -1;
      let lineEnd = -1;
      for (let d = 0; d < MEMO_WINDOW.length; d++) {
        const k = j + MEMO_WINDOW[d]!;
        if (k < 0 || k >= pCount) continue;
        const ps = pStarts[k]!;
        const pe = pEnds[k]!;
        const e = pos + (pe - ps);
        if ((e < limit ? bytes[e] === 10 : e === len) && sameBytes(prev, ps, bytes, pos, pe - ps)) {
          match = k;
          lineEnd = e;
          break;
        }
      }
      let record: LineRecord | undefined;
      let ok = 0;
      if (match >= 0) {
        j = match + 1;
        record = pRecords[match];
        ok = pOk[match]!;
        if (record !== undefined) memo.reusedLines++;
      } else {
        lineEnd = bytes.indexOf(10, pos);
        if (lineEnd === -1 || lineEnd > limit) lineEnd = limit;
        j++;
      }
      this.lineNo++;
      let stop = false;
      if (record !== undefined) {
        if (record.kind === RECORD_SAMPLE) {
          if (this.sampleCount >= this.maxSeries) return false;
          this.addSample(record.name, record.labels, record.value, record.timestampMs, record.timestampRaw, record.exemplar);
        } else if (record.kind === RECORD_META) {
          this.metadata(record.keyword, record.name, record.rest);
        }
      } else {
        const r = this.freshLine(bytes, pos, lineEnd, limit);
        if (r === LINE_WHOLE_TEXT) return false;
        stop = r === LINE_STOP;
        record = this.captured;
        this.captured = undefined;
        // A family's metadata: where it stood in the previous body, to read on from there.
        // (Asked of every line read afresh: a branch first taken minutes in would make V8
        // compile runLines again.)
        const at = table.metaLineOf(record);
        if (at >= 0) j = at + 1;
      }
      memo.pushLine(pos, lineEnd, record, ok, lineEnd < len);
      if (stop) break;
      pos = lineEnd + 1;
    }
    return true;
  }

  /** One line of line mode, decoded on its own and parsed as run() parses it. */
  private freshLine(bytes: Buffer, pos: number, lineEnd: number, limit: number): number {
    const text = bytes.toString('utf8', pos, lineEnd);
    this.text = text;
    let end = text.length;
    if (end > 0 && text.charCodeAt(end - 1) === CH_CR) {
      end--;
    }
    const start = skipBlanks(text, 0, end);
    const problemsBefore = this.problems.length + this.problemsOmitted;
    this.capture = true;
    this.captured = undefined;
    let r = LINE_GO_ON;
    if (start >= end) {
      this.captured = NOTHING_RECORD;
    } else {
      const c = text.charCodeAt(start);
      if (c === CH_HASH) {
        this.metaLine(start, end);
        if (this.sawEof) {
          this.afterEofBytes(bytes, lineEnd + 1, limit);
          r = LINE_STOP;
        } else {
          this.captured ??= NOTHING_RECORD; // a comment
        }
      } else if (c === 0 && !this.openMetrics) {
        r = LINE_STOP;
      } else if (this.sampleCount >= this.maxSeries) {
        r = LINE_WHOLE_TEXT;
      } else {
        this.lineEnd = text.length;
        this.sampleLine(start, end);
      }
    }
    this.capture = false;
    if (this.needsWholeText) return LINE_WHOLE_TEXT;
    if (r !== LINE_GO_ON || this.problems.length + this.problemsOmitted !== problemsBefore) {
      this.captured = undefined; // read again next time: its problem names its line
    }
    return r;
  }

  /** afterEof over the bytes: only blank lines may follow `# EOF`. */
  private afterEofBytes(bytes: Buffer, from: number, limit: number): void {
    for (let i = from; i < limit; i++) {
      const c = bytes[i]!;
      if (!(isBlank(c) || c === 10 || c === CH_CR)) {
        this.problem(this.lineNo + 1, () => l10n.t("text after '# EOF' was ignored — '# EOF' must be the last line"));
        return;
      }
    }
  }

  private result(): ParsedExposition {
    const families = this.hasAliases ? this.families.filter((f) => f.createdOf === undefined) : this.families;
    const problems = this.problems;
    if (this.problemsOmitted > 0) {
      problems.push(l10n.t('…and {0} more bad lines, skipped like the ones above.', this.problemsOmitted));
    }
    const out: ParsedExposition = {
      format: this.format,
      families: families.map((f) =>
        f.columns === undefined
          ? { name: f.name, type: f.type, help: f.help, unit: f.unit, samples: f.samples, created: f.created }
          : { name: f.name, type: f.type, help: f.help, unit: f.unit, samples: f.samples, created: f.created, columns: f.columns },
      ),
      problems,
      sampleCount: this.sampleCount,
      sawEof: this.sawEof,
      verdict: this.verdict,
    };
    return this.truncated ? { ...out, truncated: this.truncated } : out;
  }

  /**
   * A bad line, said with its number. The sentence is worded only while under
   * maxProblems: a body of bad lines costs no translation for the lines not reported.
   */
  private problem(lineNo: number, say: () => string): void {
    if (this.problems.length >= this.maxProblems) {
      this.problemsOmitted++;
      return;
    }
    this.problems.push(lineProblem(lineNo, say()));
  }

  /** A sentence about the body (or one of its lines), up to maxProblems of them. */
  private bodyProblem(sentence: string): void {
    if (this.problems.length >= this.maxProblems) {
      this.problemsOmitted++;
      return;
    }
    this.problems.push(sentence);
  }

  /** Counts the sample lines left after the limit without parsing them, so the warning can say how many. */
  private truncate(from: number): void {
    const text = this.text;
    const len = text.length;
    let dropped = 0;
    let pos = from;
    while (pos < len) {
      let lineEnd = text.indexOf('\n', pos);
      if (lineEnd === -1) {
        lineEnd = len;
      }
      const start = skipBlanks(text, pos, lineEnd);
      if (start < lineEnd && text.charCodeAt(start) !== CH_CR) {
        if (text.charCodeAt(start) !== CH_HASH) {
          dropped++;
        } else if (text.startsWith('# EOF', start)) {
          this.sawEof = true;
          break;
        }
      }
      pos = lineEnd + 1;
    }
    this.truncated = { maxSeries: this.maxSeries, droppedSamples: dropped };
  }

  private afterEof(from: number): void {
    const text = this.text;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!(isBlank(c) || c === 10 || c === CH_CR)) {
        this.problem(this.lineNo + 1, () => l10n.t("text after '# EOF' was ignored — '# EOF' must be the last line"));
        return;
      }
    }
  }

  // ---- comments and metadata ---------------------------------------------------

  private metaLine(start: number, end: number): void {
    const text = this.text;
    // `#` followed by anything but one blank is a plain comment in both formats.
    if (start + 1 >= end || !isBlank(text.charCodeAt(start + 1))) {
      return;
    }
    // A line read before (same text, all valid UTF-8) reads the same: one hash, one lookup.
    const memo = this.seriesCache;
    let lineHash = 0;
    if (memo !== undefined && !this.invalid.within(start, end)) {
      lineHash = seriesTextHash(text, start, end);
      const m = memo.metaAt(text, start, end, lineHash);
      if (m !== undefined) {
        this.metadata(m.keyword, m.name, m.rest);
        return;
      }
    }
    const kw = skipBlanks(text, start + 1, end);
    const kwEnd = tokenEnd(text, kw, end);
    const keyword = text.slice(kw, kwEnd);
    if (!this.openMetrics && keyword !== 'HELP' && keyword !== 'TYPE') {
      return; // `# EOF` and `# UNIT` are plain comments in 0.0.4 (promlex.l knows HELP and TYPE only)
    }
    if (keyword === 'EOF') {
      if (kwEnd === end || skipBlanks(text, kwEnd, end) === end) {
        this.sawEof = true;
      }
      return;
    }
    if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') {
      return; // a plain comment
    }
    const nameStart = skipBlanks(text, kwEnd, end);
    let nameEnd = nameStart;
    while (nameEnd < end && isNameChar(text.charCodeAt(nameEnd), nameEnd === nameStart)) {
      nameEnd++;
    }
    // 0.0.4 reads whatever follows the name as its text, dropping one character
    // (`# HELP a-b x` is help "b x" for a); OpenMetrics wants one space.
    if (nameEnd === nameStart || (this.openMetrics && nameEnd < end && !isBlank(text.charCodeAt(nameEnd)))) {
      this.problem(this.lineNo, () => l10n.t("# {0} must be followed by a metric name made of letters, digits, '_' and ':' (not starting with a digit)", keyword));
      return;
    }
    const name = this.interner.intern(text.slice(nameStart, nameEnd));
    // Exactly one separator blank: help text may itself start with blanks.
    const raw = nameEnd < end ? copyString(text.slice(nameEnd + 1, end)) : '';
    const rest = keyword === 'HELP' ? raw : raw.trim();
    if (keyword === 'HELP' && this.invalid.within(nameEnd, end)) {
      this.problem(this.lineNo, () => l10n.t('the help text of {0} is not valid UTF-8 — the bad bytes show as U+FFFD', name));
    } else if (memo !== undefined && lineHash !== 0) {
      memo.setMeta(text.slice(start, end), keyword, name, rest, lineHash);
    }
    this.metadata(keyword, name, rest);
  }

  private metadata(keyword: 'HELP' | 'TYPE' | 'UNIT', name: string, rest: string): void {
    if (this.capture) {
      this.captured = new LineRecord(RECORD_META, name, NO_LABELS, 0, undefined, undefined, undefined, keyword, rest);
    }
    if (keyword === 'HELP') {
      this.help(name, rest);
    } else if (keyword === 'TYPE') {
      this.type(name, rest);
    } else {
      this.unit(name, rest);
    }
  }

  private familyForMetadata(name: string): MutableFamily {
    let f = this.byName.get(name);
    if (!f) {
      f = this.newFamily(name);
    }
    this.current = f;
    return f;
  }

  /** A family seen for the first time (by metadata or by a sample), typed later if at all. */
  private newFamily(name: string): MutableFamily {
    const f: MutableFamily = {
      name,
      type: this.openMetrics ? 'unknown' : 'untyped',
      help: '',
      unit: '',
      samples: [],
      columns: undefined,
      created: [],
      typeSeen: false,
      helpSeen: false,
    };
    this.byName.set(name, f);
    this.families.push(f);
    return f;
  }

  /** A second HELP replaces the first, as in Prometheus' metadata cache (scrape.go setHelp). */
  private help(name: string, raw: string): void {
    const f = this.familyForMetadata(name);
    f.helpSeen = true;
    f.help = unescapeHelp(raw, this.openMetrics);
  }

  private type(name: string, typeToken: string): void {
    const t = typeToken.toLowerCase();
    if (!TYPES.has(t)) {
      this.problem(
        this.lineNo,
        () => l10n.t('unknown metric type {0} for {1} — use counter, gauge, histogram, summary or untyped (OpenMetrics adds unknown, info, stateset, gaugehistogram)', quoteForMessage(typeToken), name),
      );
      return;
    }
    // The last TYPE wins, also after the family's samples: Prometheus' metadata cache
    // (scrape.go setType) keeps the last one it read, whatever its place.
    const f = this.familyForMetadata(name);
    f.typeSeen = true;
    f.type = t as MetricType;
    if (t === 'gauge' && name.endsWith('_created')) {
      this.foldCreatedFamily(f);
    }
  }

  /**
   * prometheus_client writes `foo_created` as a gauge family of its own in 0.0.4;
   * OpenMetrics puts it inside `foo`. Fold the former into the latter so both formats
   * give the same families.
   */
  private foldCreatedFamily(f: MutableFamily): void {
    const base = f.name.slice(0, -'_created'.length);
    let target = this.byName.get(base);
    if (!target || !TYPES_WITH_CREATED.has(target.type)) {
      const counter = this.byName.get(base + '_total');
      target = counter && counter.type === 'counter' ? counter : undefined;
    }
    if (target) {
      f.createdOf = target;
      this.hasAliases = true;
    }
  }

  private unit(name: string, unit: string): void {
    const f = this.familyForMetadata(name);
    f.unit = unit;
  }

  // ---- samples -------------------------------------------------------------------

  private sampleLine(start: number, end: number): void {
    const text = this.text;
    // A series read by an earlier scrape: one scan to its closing brace, one lookup.
    const cache = this.seriesCache;
    let seriesEnd = -1;
    let seriesHash = 0;
    if (cache !== undefined) {
      seriesEnd = this.labelledSeriesEnd(start, end);
      if (seriesEnd === NO_LABEL_SET) {
        // `name value`: read on from the name, as newSeriesLine would. Kept out of
        // newSeriesLine so a body's changed unlabelled lines do not make V8 compile that
        // path (and the series cache's insert it inlines) for series it knows (issue 20).
        this.valueAndRest(this.sampleName(start, this.seriesNameEnd), NO_LABELS, this.seriesNameEnd, end);
        return;
      }
      if (seriesEnd > 0) {
        if (this.invalid.within(start, seriesEnd)) {
          seriesEnd = -1; // U+FFFD for a bad byte reads like a real one: parse it in full
        } else {
          seriesHash = seriesTextHash(text, start, seriesEnd);
          const labels = cache.getAt(text, start, seriesEnd, seriesHash);
          if (labels !== undefined) {
            this.valueAndRest(this.sampleName(start, this.seriesNameEnd), labels, seriesEnd, end);
            return;
          }
        }
      }
    }
    this.newSeriesLine(start, end, seriesEnd, seriesHash);
  }

  /**
   * A sample line whose series the cache does not hold (or that has no label set): its
   * name and labels read in full, kept in the cache when they read cleanly. Apart from
   * sampleLine, so the common line's code stays small to compile.
   */
  private newSeriesLine(start: number, end: number, seriesEnd: number, seriesHash: number): void {
    const text = this.text;
    const cache = this.seriesCache;
    let i = start;
    while (i < end && isNameChar(text.charCodeAt(i), i === start)) {
      i++;
    }
    if (i === start) {
      const c = text.charCodeAt(start);
      this.problem(this.lineNo, () =>
        c === CH_LBRACE
          ? l10n.t('a sample without a metric name before its labels was skipped')
          : l10n.t("expected a metric name, found {0} — names use letters, digits, '_' and ':'", quoteForMessage(text.slice(start, Math.min(end, start + 20)))),
      );
      return;
    }
    const name = this.sampleName(start, i);
    let labels: Labels = NO_LABELS;
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c !== CH_LBRACE && c !== -1 && !isBlank(c) && this.openMetrics) {
      this.problem(this.lineNo, () => l10n.t('metric name {0} is followed by {1}, which no name may contain', name, quoteForMessage(text[i] ?? '')));
      return;
    }
    // 0.0.4: promlex.l starts the value right after the name (`a-1 2` is a = -1 at 2 ms);
    // a value that is not a number is reported below.
    i = skipBlanks(text, i, end);
    if (i < end && text.charCodeAt(i) === CH_LBRACE) {
      i = this.parseLabels(i + 1, end);
      const spanned = this.lineEnd > end;
      if (spanned) {
        // A value ran over newlines (0.0.4 allows it): the sample ends on a later line.
        end = this.lineEnd;
        if (end > i && text.charCodeAt(end - 1) === CH_CR) {
          end--;
        }
      }
      if (i < 0) {
        this.problem(this.lineNo, () => l10n.t('{0}: {1}', name, this.labelError()));
        return;
      }
      labels = this.labelsOut;
      if (i === seriesEnd && !spanned) {
        cache!.set(text.slice(start, i), labels, seriesHash);
      }
    }
    this.valueAndRest(name, labels, i, end);
  }

  /** Where the series name of the line labelledSeriesEnd read last ends. */
  private seriesNameEnd = 0;

  /**
   * Where a sample line's labelled series text (`name{…}`, blanks allowed before the
   * brace) ends, just after the closing brace outside quotes; -1 when the line has no
   * label set or it does not close on this line; NO_LABEL_SET for a name that no label
   * set follows (newSeriesLine would read the value right after it: in OpenMetrics only
   * when a blank or the end follows the name). Leaves the name's end in seriesNameEnd.
   */
  private labelledSeriesEnd(start: number, end: number): number {
    const text = this.text;
    let i = start;
    while (i < end && isNameChar(text.charCodeAt(i), i === start)) {
      i++;
    }
    if (i === start) {
      return -1;
    }
    this.seriesNameEnd = i;
    const nameEnd = i;
    i = skipBlanks(text, i, end);
    if (i >= end || text.charCodeAt(i) !== CH_LBRACE) {
      return this.openMetrics && nameEnd < end && !isBlank(text.charCodeAt(nameEnd)) ? -1 : NO_LABEL_SET;
    }
    let quoted = false;
    for (i++; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quoted) {
        if (c === CH_BACKSLASH) {
          i++;
        } else if (c === CH_QUOTE) {
          quoted = false;
        }
      } else if (c === CH_QUOTE) {
        quoted = true;
      } else if (c === CH_RBRACE) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The value, the timestamp and an exemplar's `#` after a sample's series (ending at i). */
  private valueAndRest(name: string, labels: Labels, i: number, end: number): void {
    const text = this.text;
    i = skipBlanks(text, i, end);
    if (i >= end) {
      this.problem(this.lineNo, () => l10n.t('{0} has no value — write it after a space, like {0} 1', name));
      return;
    }
    const valueEnd = tokenEnd(text, i, end);
    const plain = plainDecimalAt(text, i, valueEnd);
    const value = plain === plain ? plain : parseFloatToken(text.slice(i, valueEnd));
    if (value === undefined) {
      this.problem(this.lineNo, () => l10n.t('{0} has value {1}, which is not a number (use digits, +Inf, -Inf or NaN)', name, quoteForMessage(text.slice(i, valueEnd))));
      return;
    }
    i = skipBlanks(text, valueEnd, end);
    let timestampRaw: string | undefined;
    let timestampMs: number | undefined;
    if (i < end && text.charCodeAt(i) !== CH_HASH) {
      const tsEnd = tokenEnd(text, i, end);
      timestampRaw = copyString(text.slice(i, tsEnd));
      timestampMs = this.parseTimestamp(timestampRaw);
      if (timestampMs === undefined) {
        const raw = timestampRaw;
        this.problem(this.lineNo, () =>
          this.openMetrics
            ? l10n.t('{0} has timestamp {1}, which is not a number of seconds', name, quoteForMessage(raw))
            : l10n.t('{0} has timestamp {1}, which is not a whole, non-negative number of milliseconds', name, quoteForMessage(raw)),
        );
        return;
      }
      i = skipBlanks(text, tsEnd, end);
    }
    if (i < end && text.charCodeAt(i) !== CH_HASH) {
      this.problem(this.lineNo, () => l10n.t('unexpected {0} after the value of {1}', quoteForMessage(text.slice(i, end)), name));
      return;
    }
    // What follows ` # ` is an OpenMetrics exemplar. The spec allows one on a bucket or a
    // counter's _total only; elsewhere, or unreadable, it is skipped here (the verdict
    // says that Prometheus would refuse the line) and the sample is kept.
    const exemplar = i < end && this.openMetrics && (name.endsWith('_bucket') || name.endsWith('_total')) ? this.exemplarAt(i + 1, end) : undefined;
    this.addSample(name, labels, value, timestampMs, timestampRaw, exemplar);
  }

  /** `{labels} value [timestamp]` from just after the `#`, or undefined when it does not read. */
  private exemplarAt(i: number, end: number): ParsedExemplar | undefined {
    const text = this.text;
    i = skipBlanks(text, i, end);
    if (i >= end || text.charCodeAt(i) !== CH_LBRACE) return undefined;
    // parseLabels keeps the previous line's label names to reuse them; the exemplar's
    // must not take the sample's place there, so that state is put back after.
    const names = this.lineLabelNames;
    const prevNames = this.prevLabelNames;
    const count = this.lineLabelCount;
    const prevCount = this.prevLabelCount;
    const sampleLabels = this.labelsOut;
    this.internValues = false;
    i = this.parseLabels(i + 1, end);
    this.internValues = true;
    const labels = this.labelsOut;
    this.lineLabelNames = names;
    this.prevLabelNames = prevNames;
    this.lineLabelCount = count;
    this.prevLabelCount = prevCount;
    this.labelsOut = sampleLabels;
    if (i < 0) return undefined;
    i = skipBlanks(text, i, end);
    const valueEnd = tokenEnd(text, i, end);
    const value = parseFloatToken(text.slice(i, valueEnd));
    if (value === undefined) return undefined;
    i = skipBlanks(text, valueEnd, end);
    if (i >= end) return { labels, value };
    const tsEnd = tokenEnd(text, i, end);
    const seconds = parseFloatToken(text.slice(i, tsEnd));
    if (seconds === undefined || !Number.isFinite(seconds) || skipBlanks(text, tsEnd, end) < end) return undefined;
    return { labels, value, timestampMs: Math.trunc(seconds * 1000) + 0 };
  }

  /** The name string without slicing when it repeats the family's or the previous line's. */
  private sampleName(start: number, end: number): string {
    const text = this.text;
    const len = end - start;
    const cur = this.current;
    if (cur !== undefined && cur.name.length === len && text.startsWith(cur.name, start)) {
      return cur.name;
    }
    const last = this.lastSampleName;
    if (last.length === len && text.startsWith(last, start)) {
      return last;
    }
    return this.interner.intern(text.slice(start, end));
  }

  /**
   * 0.0.4: `[0-9]+` ms that fit int64 (promlex.l; no sign, so no negative time).
   * OpenMetrics: float seconds, made integer ms as Prometheus does: int64(ts*1000),
   * which truncates toward zero (openmetricsparse.go).
   */
  private parseTimestamp(raw: string): number | undefined {
    if (!this.openMetrics) {
      for (let k = 0; k < raw.length; k++) {
        const c = raw.charCodeAt(k);
        if (c < 48 || c > 57) {
          return undefined;
        }
      }
      const n = Number(raw);
      return n < 2 ** 63 ? n : undefined;
    }
    const n = parseFloatToken(raw);
    if (n === undefined || !Number.isFinite(n)) {
      return undefined;
    }
    const ms = Math.trunc(n * 1000) + 0; // + 0: no -0
    return Math.abs(ms) < 2 ** 63 ? ms : undefined;
  }

  /**
   * Parses `name="value",...}` from just after `{`. Returns the position after `}`,
   * or -1 with `labelError` set. Values may hold any character, escaped `\\ \" \n`.
   */
  private parseLabels(i: number, end: number): number {
    const text = this.text;
    // This line's names become the next line's "previous" ones.
    const prev = this.lineLabelNames;
    this.lineLabelNames = this.prevLabelNames;
    this.prevLabelNames = prev;
    this.prevLabelCount = this.lineLabelCount;
    const names = this.lineLabelNames;
    let count = 0;
    this.lineLabelCount = 0;
    let labels: Record<string, string> | undefined;
    for (;;) {
      i = skipBlanks(text, i, end);
      if (i >= end) {
        this.labelError = () => l10n.t("the label set is not closed with '}'");
        return -1;
      }
      let c = text.charCodeAt(i);
      if (c === CH_RBRACE) {
        i++;
        break;
      }
      const nameStart = i;
      while (i < end && isLabelNameChar(text.charCodeAt(i), i === nameStart)) {
        i++;
      }
      if (i === nameStart) {
        this.labelError = () => l10n.t("expected a label name, found {0} — label names use letters, digits and '_'", quoteForMessage(text.slice(i, Math.min(end, i + 20))));
        return -1;
      }
      const labelName = this.labelName(nameStart, i, count);
      i = skipBlanks(text, i, end);
      if (i >= end || text.charCodeAt(i) !== CH_EQUALS) {
        this.labelError = () => l10n.t("label {0} has no '=' after its name", labelName);
        return -1;
      }
      i = skipBlanks(text, i + 1, end);
      if (i >= end || text.charCodeAt(i) !== CH_QUOTE) {
        this.labelError = () => l10n.t('the value of label {0} is not quoted — write {0}="value"', labelName);
        return -1;
      }
      i++;
      // Fast path: no escapes, the value is one slice.
      const valueStart = i;
      let value: string | undefined;
      for (;;) {
        while (i < end) {
          c = text.charCodeAt(i);
          if (c === CH_QUOTE) {
            value = i - valueStart < 13 ? text.slice(valueStart, i) : this.labelValue(text.slice(valueStart, i));
            i++;
            break;
          }
          if (c === CH_BACKSLASH) {
            i = this.parseEscapedValue(valueStart, end);
            value = i < 0 ? undefined : this.labelValue(this.escapedValue);
            break;
          }
          i++;
        }
        if (value !== undefined || this.openMetrics || !this.spanLines(valueStart)) {
          break;
        }
        // promlex.l's label value may hold a raw newline: read on to the closing quote.
        end = this.lineEnd;
        if (end > valueStart && text.charCodeAt(end - 1) === CH_CR) {
          end--;
        }
        i = valueStart;
      }
      if (value === undefined) {
        this.labelError = () => l10n.t('the value of label {0} has no closing quote', labelName);
        return -1;
      }
      if (this.invalid.within(valueStart, i)) {
        this.labelError = () => l10n.t('the value of label {0} is not valid UTF-8 (Prometheus refuses it; the bad bytes would show as U+FFFD)', labelName);
        return -1;
      }
      for (let k = 0; k < count; k++) {
        if (names[k] === labelName) {
          this.labelError = () => l10n.t('label {0} appears twice', labelName);
          return -1;
        }
      }
      if (labelName === '__name__') {
        this.labelError = () => l10n.t('the metric name is given again as a __name__ label inside the braces, which Prometheus refuses (label name "__name__" is not unique)');
        return -1;
      }
      names[count++] = labelName;
      this.lineLabelCount = count;
      // Prometheus stores no label with an empty value: `{x=""}` is the same series as no x.
      if (value !== '') {
        labels ??= {};
      }
      if (value === '' || labels === undefined) {
        // not kept
      } else if (labelName === '__proto__') {
        // Plain assignment would set the prototype instead of a property.
        Object.defineProperty(labels, labelName, { value, enumerable: true, writable: true, configurable: true });
      } else {
        labels[labelName] = value;
      }
      i = skipBlanks(text, i, end);
      if (i >= end) {
        this.labelError = () => l10n.t("the label set is not closed with '}'");
        return -1;
      }
      c = text.charCodeAt(i);
      if (c === CH_COMMA) {
        i++; // a trailing comma before '}' is allowed
        continue;
      }
      if (c === CH_RBRACE) {
        i++;
        break;
      }
      if (!this.openMetrics && isLabelNameChar(c, true)) {
        continue; // promparse.go reads the next label without a comma too
      }
      this.labelError = () => l10n.t("expected ',' or '}' after the value of label {0}, found {1}", labelName, quoteForMessage(text[i] ?? ''));
      return -1;
    }
    this.labelsOut = labels ?? NO_LABELS;
    return i;
  }

  private escapedValue = '';
  /** Off while an exemplar's labels are read: a trace id is new every time, not worth a table entry. */
  private internValues = true;

  private labelValue(v: string): string {
    return this.internValues ? this.interner.intern(v) : copyString(v);
  }

  /**
   * 0.0.4 only: a label value that did not close on its line may go on over raw
   * newlines (promlex.l: \"(\\.|[^\\"])*\"). When a closing quote follows, moves
   * lineEnd (and lineNo) to the line it is on and returns true.
   */
  private spanLines(valueStart: number): boolean {
    if (this.lineMode) {
      this.needsWholeText = true; // line mode has this line's text only
      return false;
    }
    const text = this.text;
    const len = text.length;
    let i = valueStart;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === CH_QUOTE) {
        break;
      }
      if (c === CH_BACKSLASH) {
        const n = i + 1 < len ? text.charCodeAt(i + 1) : 10;
        if (n === 10) {
          return false; // `\.` does not match a newline
        }
        i++;
      }
      i++;
    }
    if (i >= len) {
      return false;
    }
    let newEnd = text.indexOf('\n', i);
    if (newEnd === -1) {
      newEnd = len;
    }
    for (let k = this.lineEnd; k < newEnd; k++) {
      if (text.charCodeAt(k) === 10) {
        this.lineNo++;
      }
    }
    this.lineEnd = newEnd;
    return true;
  }

  private labelName(start: number, end: number, index: number): string {
    if (index < this.prevLabelCount) {
      const prev = this.prevLabelNames[index]!;
      if (prev.length === end - start && this.text.startsWith(prev, start)) {
        return prev;
      }
    }
    return this.interner.intern(this.text.slice(start, end));
  }

  private parseEscapedValue(i: number, end: number): number {
    const text = this.text;
    let out = '';
    let runStart = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === CH_QUOTE) {
        this.escapedValue = out + text.slice(runStart, i);
        return i + 1;
      }
      if (c === CH_BACKSLASH) {
        out += text.slice(runStart, i);
        const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
        if (n === CH_BACKSLASH) {
          out += '\\';
        } else if (n === CH_QUOTE) {
          out += '"';
        } else if (n === 110) {
          out += '\n';
        } else if (n === -1 || n === 10) {
          this.labelError = () => l10n.t('its value ends in a lone backslash');
          return -1;
        } else {
          // Any other escape is kept as written, as Prometheus' replacer does (`\t` stays two characters).
          out += text.slice(i, i + 2);
        }
        i += 2;
        runStart = i;
        continue;
      }
      i++;
    }
    this.labelError = () => l10n.t('its value has no closing quote');
    return -1;
  }

  private addSample(
    name: string,
    labels: Labels,
    value: number,
    timestampMs: number | undefined,
    timestampRaw: string | undefined,
    exemplar?: ParsedExemplar,
  ): void {
    if (this.capture) {
      this.captured = new LineRecord(RECORD_SAMPLE, name, labels, value, timestampMs, timestampRaw, exemplar, 'HELP', '');
    }
    const f = this.familyForSample(name);
    if (f.createdOf !== undefined) {
      f.createdOf.created.push(created(name, labels, value, timestampMs));
      return;
    }
    if (TYPES_WITH_CREATED.has(f.type) && name.length === f.name.length + 8 && name.endsWith('_created')) {
      f.created.push(created(name, labels, value, timestampMs));
      return;
    }
    this.sampleCount++;
    if (this.columns !== undefined) {
      (f.columns ??= this.columns.take()).push(name, labels, value, exemplar);
      return;
    }
    const sample: ParsedSample = timestampRaw === undefined ? { name, labels, value } : { name, labels, value, timestampMs, timestampRaw };
    f.samples.push(exemplar === undefined ? sample : { ...sample, exemplar });
  }

  private familyForSample(name: string): MutableFamily {
    const cur = this.current;
    if (cur !== undefined) {
      if (name === this.lastSampleName && cur === this.lastSampleFamily) {
        return cur;
      }
      if (name === cur.name || ownsSuffix(cur, name)) {
        this.lastSampleName = name;
        this.lastSampleFamily = cur;
        return cur;
      }
    }
    let f = this.byName.get(name);
    if (f === undefined) {
      // A family seen earlier whose samples are not contiguous (allowed in 0.0.4).
      for (const [suffix, baseLen] of suffixCandidates(name)) {
        const base = this.byName.get(name.slice(0, baseLen));
        if (base !== undefined && SUFFIXES[base.type].includes(suffix)) {
          f = base;
          break;
        }
      }
    }
    if (f === undefined) {
      f = this.newFamily(name);
    }
    this.current = f;
    this.lastSampleName = name;
    this.lastSampleFamily = f;
    return f;
  }
}

function created(name: string, labels: Labels, createdSeconds: number, timestampMs: number | undefined): CreatedTimestamp {
  return timestampMs === undefined ? { labels, createdSeconds, name } : { labels, createdSeconds, name, timestampMs };
}

function ownsSuffix(f: MutableFamily, name: string): boolean {
  const n = f.name.length;
  if (name.length <= n || !name.startsWith(f.name)) {
    return false;
  }
  const suffixes = SUFFIXES[f.type];
  for (let k = 0; k < suffixes.length; k++) {
    const s = suffixes[k]!;
    if (name.length === n + s.length && name.endsWith(s)) {
      return true;
    }
  }
  return false;
}

const ALL_SUFFIXES = ['_total', '_created', '_bucket', '_sum', '_count', '_gsum', '_gcount', '_info'];

function* suffixCandidates(name: string): Generator<[string, number]> {
  for (const s of ALL_SUFFIXES) {
    if (name.length > s.length && name.endsWith(s)) {
      yield [s, name.length - s.length];
    }
  }
}

/**
 * Parses a Prometheus text 0.0.4 or OpenMetrics 1.0 body into metric families.
 * Never throws: each bad line is skipped and described in `problems`, and parsing
 * goes on with the next line.
 */
export function parseExposition(text: string, opts: ParseOptions = {}): ParsedExposition {
  if (typeof text !== 'string') {
    return {
      format: 'prometheus',
      families: [],
      problems: [l10n.t('The metrics body is not text, so it cannot be parsed.')],
      sampleCount: 0,
      sawEof: false,
      verdict: { accept: false, line: 1, reason: l10n.t('the body is not text'), complete: true },
    };
  }
  const maxSeries =
    typeof opts.maxSeries === 'number' && opts.maxSeries >= 0 ? Math.floor(opts.maxSeries) : DEFAULT_MAX_SERIES;
  const maxProblems =
    typeof opts.maxProblems === 'number' && opts.maxProblems >= 0 ? Math.floor(opts.maxProblems) : DEFAULT_MAX_PROBLEMS;
  const format = opts.format ?? guessFormat(text);
  const interner = opts.interner ?? new StringInterner();
  const verdict = prometheusVerdict(text, format, { invalidUtf8At: opts.invalidUtf8At, partial: opts.partial });
  opts.seriesCache?.useFormat(format);
  return new ExpositionParser(text, format, maxSeries, maxProblems, opts.partial === true, interner, opts.invalidUtf8At, verdict, opts.seriesCache, undefined, opts.columns).run();
}

/**
 * parseExposition for the body as the scraper read it, bytes, without ever making a
 * string of the whole body: Prometheus' verdict is checked over the bytes in place,
 * the sample lines past `maxSeries` are counted over the bytes, and only the start
 * of the body that holds the first `maxSeries` sample lines is decoded and parsed.
 * Against a server exposing 100,000 series (a 3.7 MB body) that is a tenth of the
 * text, and no body-sized string per scrape (issue 11's memory bound).
 *
 * One difference from parseExposition: the limit counts sample LINES (a bad line or
 * an OpenMetrics `_created` line counts), so a body of exactly `maxSeries` series
 * with a few bad lines among them may keep a few series less. The rare 0.0.4 label
 * value holding a raw newline right at the limit is read as cut there.
 */
export function parseExpositionBytes(bytes: Buffer, opts: Omit<ParseOptions, 'invalidUtf8At'> = {}): ParsedExposition {
  const maxSeries =
    typeof opts.maxSeries === 'number' && opts.maxSeries >= 0 ? Math.floor(opts.maxSeries) : DEFAULT_MAX_SERIES;
  const maxProblems =
    typeof opts.maxProblems === 'number' && opts.maxProblems >= 0 ? Math.floor(opts.maxProblems) : DEFAULT_MAX_PROBLEMS;
  const format = opts.format ?? guessFormatOfBytes(bytes);
  const memo = opts.memo;
  if (memo !== undefined) {
    const r = parseAgainstMemo(bytes, format, maxSeries, maxProblems, opts, memo);
    if (r !== undefined) return r;
  }
  const verdict = prometheusVerdictOfBytes(bytes, format, { partial: opts.partial });
  const scan = sampleLinePrefix(bytes, maxSeries, format === 'openmetrics');
  const { text, invalidUtf8At } = decodeUtf8(scan.end === bytes.length ? bytes : bytes.subarray(0, scan.end));
  return bodyParser(text, invalidUtf8At, verdict, { format, maxSeries, maxProblems, opts, scan }).run();
}

/** What a parse of a body's bytes is given, besides its text and verdict. */
interface BodyParse {
  readonly format: ExpositionFormat;
  readonly maxSeries: number;
  readonly maxProblems: number;
  readonly opts: Omit<ParseOptions, 'invalidUtf8At'>;
  /** sampleLinePrefix's scan of the body: its dropped samples are the parse's counted rest. */
  readonly scan: { readonly droppedSamples: number; readonly sawEof: boolean };
}

/** The parser of a body's text (or, in line mode, of its lines: text ''), with the series cache set to its format. */
function bodyParser(text: string, invalidUtf8At: readonly number[] | undefined, verdict: PrometheusVerdict, b: BodyParse): ExpositionParser {
  const { format, opts, scan } = b;
  opts.seriesCache?.useFormat(format);
  const rest: CountedRest | undefined = scan.droppedSamples > 0 ? { droppedSamples: scan.droppedSamples, sawEof: scan.sawEof } : undefined;
  return new ExpositionParser(text, format, b.maxSeries, b.maxProblems, opts.partial === true, opts.interner ?? new StringInterner(), invalidUtf8At, verdict, opts.seriesCache, rest, opts.columns);
}

/**
 * parseExpositionBytes in line mode (ExpositionParser.runLines), or undefined when this
 * body needs the whole-text parse (the memo is then forgotten).
 */
function parseAgainstMemo(
  bytes: Buffer,
  format: ExpositionFormat,
  maxSeries: number,
  maxProblems: number,
  opts: Omit<ParseOptions, 'invalidUtf8At'>,
  memo: ExpositionMemo,
): ParsedExposition | undefined {
  // A byte-order mark or invalid UTF-8 is read with the whole text (both are rare).
  if (memo.wholeText > 0 || (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || !isUtf8(bytes)) {
    if (memo.wholeText > 0) memo.wholeText--;
    memo.reset();
    return undefined;
  }
  if (memo.format !== format) {
    memo.reset();
    memo.format = format;
  }
  const scan = sampleLinePrefix(bytes, maxSeries, format === 'openmetrics');
  const body: BodyParse = { format, maxSeries, maxProblems, opts, scan };
  if (memo.prev.count === 0) {
    // Nothing to compare with: the whole-text parse (one decode), remembering each line,
    // when every character is one byte (so the text's offsets are the bytes').
    const text = bytes.toString('utf8', 0, scan.end);
    if (text.length === scan.end) {
      memo.beginNext();
      const verdict = prometheusVerdictOfBytes(bytes, format, { partial: opts.partial, lines: memo });
      const whole = bodyParser(text, undefined, verdict, body);
      const out = whole.run(memo);
      if (whole.remembered) {
        memo.commit(bytes, scan.end);
      } else {
        memo.reset();
        memo.format = format;
      }
      return out;
    }
  }
  const parser = bodyParser('', undefined, PENDING_VERDICT, body);
  if (!parser.runLines(bytes, scan.end, memo)) {
    memo.reset();
    memo.wholeText = WHOLE_TEXT_BODIES;
    return undefined;
  }
  parser.verdict = prometheusVerdictOfBytes(bytes, format, { partial: opts.partial, lines: memo });
  const out = parser.finish();
  memo.commit(bytes, scan.end);
  return out;
}

const PENDING_VERDICT: PrometheusVerdict = { accept: true, complete: true };

const B_EOF = [35, 32, 69, 79, 70]; // '# EOF'

function bytesStartWithEof(bytes: Uint8Array, i: number): boolean {
  for (let k = 0; k < 5; k++) {
    if (bytes[i + k] !== B_EOF[k]) return false;
  }
  return true;
}

/** guessFormat over bytes: a body whose last non-blank line is `# EOF` is OpenMetrics. */
function guessFormatOfBytes(bytes: Uint8Array): ExpositionFormat {
  let end = bytes.length;
  while (end > 0) {
    const c = bytes[end - 1]!;
    if (c === 10 || c === CH_CR || isBlank(c)) end--;
    else break;
  }
  return end >= 5 && bytesStartWithEof(bytes, end - 5) ? 'openmetrics' : 'prometheus';
}

/**
 * Where the first sample line past `maxSeries` starts (the body's length when there
 * is none), the sample lines from there on, and whether `# EOF` follows them: the
 * parser's line rules (blanks skipped, `#` lines are metadata or comments, a 0.0.4
 * NUL at a line start ends the body), over bytes.
 */
function sampleLinePrefix(bytes: Buffer, maxSeries: number, openMetrics: boolean): { end: number; droppedSamples: number; sawEof: boolean } {
  const len = bytes.length;
  // A line takes a byte and its newline (the last one may have none): a body this short
  // cannot hold more than maxSeries lines of any kind, so none is past the limit.
  if ((len + 1) >> 1 <= maxSeries) {
    return { end: len, droppedSamples: 0, sawEof: false };
  }
  let pos = len >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let lines = 0;
  let end = -1;
  let dropped = 0;
  while (pos < len) {
    let lineEnd = bytes.indexOf(10, pos);
    if (lineEnd === -1) lineEnd = len;
    let e = lineEnd;
    if (e > pos && bytes[e - 1] === CH_CR) e--;
    let start = pos;
    while (start < e && isBlank(bytes[start]!)) start++;
    if (start < e) {
      const c = bytes[start]!;
      if (c === CH_HASH) {
        if (end >= 0 && bytesStartWithEof(bytes, start)) {
          return { end, droppedSamples: dropped, sawEof: true };
        }
      } else if (c === 0 && !openMetrics && end < 0) {
        break; // the parser stops here itself
      } else if (end >= 0) {
        dropped++;
      } else if (lines >= maxSeries) {
        end = pos; // the first sample line past the limit: the text ends before it
        dropped++;
      } else {
        lines++;
      }
    }
    pos = lineEnd + 1;
  }
  return end >= 0 ? { end, droppedSamples: dropped, sawEof: false } : { end: len, droppedSamples: 0, sawEof: false };
}
