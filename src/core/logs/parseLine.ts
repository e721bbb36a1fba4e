/**
 * One log line → level, time, message, error and access fields, whatever wrote it:
 * JSON lines (pino, bunyan, winston, Python logging / structlog JSON), logfmt, Common /
 * Combined Log Format access lines, or plain text with a level word.
 */
import { LogLevel, toLevel } from './levels';
import { splitTypeAndMessage } from './stackFrames';

export type LineFormat = 'json' | 'logfmt' | 'access' | 'text';

/** What an access line says about one request. */
export interface AccessFields {
  readonly status: number;
  readonly method?: string;
  readonly path?: string;
  /** Present only when the line carries a duration. */
  readonly durationMs?: number;
}

export interface ErrorFields {
  readonly type: string;
  readonly message: string;
  /** Full stack text (V8 `at` lines or a Python traceback) when the line carries one. */
  readonly stack?: string;
}

export interface ParsedLine {
  readonly format: LineFormat;
  readonly level: LogLevel | undefined;
  readonly timeMs?: number;
  readonly message: string;
  readonly error?: ErrorFields;
  readonly access?: AccessFields;
}

type Json = Record<string, unknown>;

export function parseLine(text: string): ParsedLine {
  const c = text.charCodeAt(0);
  if (c === 0x7b /* { */) {
    const json = parseJsonObject(text);
    if (json) return fromJson(json);
  }
  const access = parseCommonLogFormat(text);
  if (access) return access;
  if (LOGFMT_START.test(text)) {
    const fields = parseLogfmt(text);
    if (fields) return fromLogfmt(fields, text);
  }
  return fromText(text);
}

function parseJsonObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** Epoch ms from a number (ms, or seconds when it looks like seconds) or a date string. */
export function toTimeMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v < 1e11 ? Math.round(v * 1000) : v; // Python `created` is seconds
  }
  if (typeof v === 'string' && v.length >= 10) {
    if (/^\d+(\.\d+)?$/.test(v)) return toTimeMs(Number(v));
    // `2026-01-01 10:00:00,123` (Python asctime) → ISO
    const iso = v.replace(/^(\d{4}-\d\d-\d\d) (\d)/, '$1T$2').replace(/,(\d{3})/, '.$1');
    const t = Date.parse(iso);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

function jsonLevel(j: Json): LogLevel | undefined {
  // Python's levelno is 10…50 (50 CRITICAL), unlike pino's 10…60.
  const levelno = num(j['levelno']);
  const named = toLevel(j['levelname']) ?? toLevel(j['severity']) ?? toLevel(obj(j['log'])?.['level']) ?? toLevel(j['lvl']);
  if (named) return named;
  if (levelno !== undefined) return levelno >= 50 ? 'fatal' : levelno >= 40 ? 'error' : levelno >= 30 ? 'warn' : levelno >= 20 ? 'info' : 'debug';
  return toLevel(j['level']);
}

function errorFromValue(v: unknown): ErrorFields | undefined {
  if (typeof v === 'string' && v.length > 0) {
    // Python `exc_info` / structlog `exception`: a formatted traceback, or "Type: message"
    const head = v.startsWith('Traceback') ? undefined : v.split('\n', 1)[0]!;
    if (head !== undefined && !v.includes('\n')) return { ...splitTypeAndMessage(head) };
    return { ...errorHeadline(v), stack: v };
  }
  const e = obj(v);
  if (!e) return undefined;
  const stack = str(e['stack']);
  const message = str(e['message']) ?? str(e['msg']) ?? '';
  const type = str(e['type']) ?? str(e['name']) ?? (stack ? splitTypeAndMessage(stack.split('\n', 1)[0]!).type : 'Error');
  return { type, message, ...(stack ? { stack } : {}) };
}

function errorHeadline(stack: string): { type: string; message: string } {
  const lines = stack.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const head = lines[0]!.startsWith('Traceback') ? [...lines].reverse().find((l) => !/^\s/.test(l)) ?? lines[0]! : lines[0]!;
  return splitTypeAndMessage(head.trim());
}

function fromJson(j: Json): ParsedLine {
  const level = jsonLevel(j);
  const timeMs = toTimeMs(j['time'] ?? j['timestamp'] ?? j['@timestamp'] ?? j['ts'] ?? j['created'] ?? j['asctime']);
  let message = str(j['msg']) ?? str(j['message']) ?? str(j['event']) ?? '';
  const error = errorFromValue(j['err']) ?? errorFromValue(j['error']) ?? errorFromValue(j['exc_info']) ?? errorFromValue(j['exception']) ?? (str(j['stack']) ? { ...errorHeadline(str(j['stack'])!), stack: str(j['stack'])! } : undefined);
  if (!message && error) message = error.message;
  const access = jsonAccess(j);
  return { format: 'json', level, ...(timeMs !== undefined ? { timeMs } : {}), message, ...(error ? { error } : {}), ...(access ? { access } : {}) };
}

function jsonAccess(j: Json): AccessFields | undefined {
  const res = obj(j['res']);
  const req = obj(j['req']) ?? obj(j['request']);
  const status = num(res?.['statusCode']) ?? num(j['statusCode']) ?? num(j['status']) ?? num(j['status_code']) ?? num(obj(j['response'])?.['status']);
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const method = str(req?.['method']) ?? str(j['method']);
  const path = str(req?.['url']) ?? str(j['url']) ?? str(j['path']) ?? str(j['uri']);
  if (method === undefined && path === undefined && res === undefined) return undefined; // a bare "status" field is not a request
  const ms = num(j['responseTime']) ?? num(j['response_time_ms']) ?? num(j['duration_ms']) ?? num(j['durationMs']) ?? num(j['latency_ms']) ?? num(j['elapsed_ms']) ?? num(j['duration']) ?? num(j['latency']) ?? num(j['response_time']);
  const seconds = num(j['request_time']) ?? num(j['duration_s']);
  const durationMs = ms ?? (seconds !== undefined ? seconds * 1000 : undefined);
  return { status, ...(method ? { method } : {}), ...(path ? { path } : {}), ...(durationMs !== undefined && durationMs >= 0 ? { durationMs } : {}) };
}

// host ident user [time] "request" status bytes ["referer" "agent"] [duration]
const CLF = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([A-Z]+) (\S+)(?: [^"]*)?" (\d{3}) (\d+|-)(?: "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*")?(?: (\d+(?:\.\d+)?)(?: ?(ms|s|us|µs))?)?\s*$/;
const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/**
 * Common / Combined Log Format. A trailing duration is read as: `ms`/`s`/`us` by its
 * suffix; without a suffix a decimal number is seconds (nginx `$request_time`) and a
 * whole number microseconds (Apache `%D`).
 */
export function parseCommonLogFormat(text: string): ParsedLine | undefined {
  if (text.indexOf('"') < 0 || text.indexOf('[') < 0) return undefined;
  const m = CLF.exec(text);
  if (!m) return undefined;
  const status = Number(m[7]);
  if (status < 100 || status > 599) return undefined;
  const t = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)$/.exec(m[4]!);
  const timeMs = t && MONTHS[t[2]!] ? Date.parse(`${t[3]}-${MONTHS[t[2]!]}-${t[1]}T${t[4]}${t[5]}:${t[6]}`) : undefined;
  let durationMs: number | undefined;
  if (m[9] !== undefined) {
    const n = Number(m[9]);
    const unit = m[10];
    durationMs = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'us' || unit === 'µs' ? n / 1000 : m[9].includes('.') ? n * 1000 : n / 1000;
  }
  const level: LogLevel = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  return {
    format: 'access',
    level,
    ...(timeMs !== undefined && Number.isFinite(timeMs) ? { timeMs } : {}),
    message: `${m[5]} ${m[6]} ${status}`,
    access: { status, method: m[5]!, path: m[6]!, ...(durationMs !== undefined ? { durationMs } : {}) },
  };
}

const LOGFMT_START = /^[A-Za-z_][\w.@-]*=/;
const LOGFMT_PAIR = /([A-Za-z_][\w.@-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;

/** `level=info msg="user joined" room=lobby` → fields; undefined unless at least two pairs. */
export function parseLogfmt(text: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  LOGFMT_PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LOGFMT_PAIR.exec(text)) !== null) {
    fields.set(m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, (_s, ch: string) => (ch === 'n' ? '\n' : ch)) : m[3]!);
  }
  return fields.size >= 2 ? fields : undefined;
}

function fromLogfmt(f: Map<string, string>, text: string): ParsedLine {
  const level = toLevel(f.get('level')) ?? toLevel(f.get('lvl')) ?? toLevel(f.get('severity'));
  const timeMs = toTimeMs(f.get('time') ?? f.get('ts') ?? f.get('t'));
  const message = f.get('msg') ?? f.get('message') ?? text;
  const errText = f.get('err') ?? f.get('error');
  const error = errText ? errorFromValue(errText) : undefined;
  const status = Number(f.get('status'));
  const access: AccessFields | undefined =
    Number.isInteger(status) && status >= 100 && status <= 599 && (f.has('method') || f.has('path'))
      ? { status, ...(f.get('method') ? { method: f.get('method')! } : {}), ...(f.get('path') ? { path: f.get('path')! } : {}), ...durationField(f) }
      : undefined;
  return { format: 'logfmt', level, ...(timeMs !== undefined ? { timeMs } : {}), message, ...(error ? { error } : {}), ...(access ? { access } : {}) };
}

function durationField(f: Map<string, string>): { durationMs?: number } {
  const raw = f.get('duration') ?? f.get('latency') ?? f.get('took') ?? f.get('duration_ms');
  if (raw === undefined) return {};
  const m = /^(\d+(?:\.\d+)?)(ms|s|us|µs)?$/.exec(raw);
  if (!m) return {};
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return { durationMs: unit === 's' ? n * 1000 : unit === 'ms' ? n : n / 1000 };
}

// A level word near the start: `ERROR`, `[warn]`, `level=…` handled by logfmt, `W0101` not guessed.
const LEVEL_WORD = /(?:^|[\s[(|:])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|trace|debug|info|warn|warning|error|fatal|critical)(?=$|[\s\]):|,-])/;
const LEADING_TIME = /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\]?/;
const ERROR_HEAD = /^(?:Uncaught )?[A-Z][\w$.]*(?:Error|Exception)(?: \[[A-Z0-9_]+\])?: /;

function fromText(text: string): ParsedLine {
  const head = text.length > 120 ? text.slice(0, 120) : text;
  const lw = LEVEL_WORD.exec(head);
  let level = lw ? toLevel(lw[1]) : undefined;
  const tm = LEADING_TIME.exec(text);
  const timeMs = tm ? toTimeMs(tm[1]) : undefined;
  let error: ErrorFields | undefined;
  const firstLine = text.split('\n', 1)[0]!;
  if (ERROR_HEAD.test(firstLine) || firstLine.startsWith('Traceback (most recent call last)')) {
    error = { ...errorHeadline(text), ...(text.includes('\n') ? { stack: text } : {}) };
    level ??= 'error';
  } else if (text.includes('\n') && /\n\s+at /.test(text)) {
    // `ERROR something failed\nTypeError: x\n    at …` — the error is on the second line
    const errLine = text.split('\n').find((l) => ERROR_HEAD.test(l.trim()));
    error = { ...splitTypeAndMessage((errLine ?? firstLine).trim()), stack: text.slice(errLine ? text.indexOf(errLine) : 0) };
    level ??= 'error';
  }
  return { format: 'text', level, ...(timeMs !== undefined ? { timeMs } : {}), message: firstLine, ...(error ? { error } : {}) };
}
