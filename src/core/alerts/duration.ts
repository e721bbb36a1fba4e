import * as l10n from '@vscode/l10n';

/**
 * Durations as users write them in alert rules: Prometheus style (`30s`, `2m`,
 * `1h30m`, `500ms`) or a plain number of seconds, because that is what people who
 * already write Prometheus rules type without thinking.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const TOKEN = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * The same grammar as a JSON-schema pattern, for the settings contribution: a number
 * of seconds, or one or more number+unit tokens (`1h30m`). The CLI, settings and rules
 * all read durations with {@link parseDuration}; this only lets VS Code underline typos.
 */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+)$';

/** The result of parsing: milliseconds, or the reason it could not be read (a sentence fragment). */
export type DurationResult = { readonly ms: number } | { readonly error: string };

/**
 * Parses `30s`, `2m`, `1h30m`, `500ms`, `"45"` or `45` (seconds) into milliseconds.
 * Negative, non-finite or unreadable input gives an `error` saying what is wrong;
 * it never throws.
 */
export function parseDuration(input: unknown): DurationResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) {
      return { error: l10n.t('is {0}, not a number of seconds', String(input)) };
    }
    if (input < 0) {
      return { error: l10n.t('is negative ({0}); use 0 or more seconds', input) };
    }
    return { ms: Math.round(input * 1000) };
  }
  if (typeof input !== 'string') {
    return { error: l10n.t('must be a duration such as "30s", "2m" or a number of seconds, not {0}', describeType(input)) };
  }
  const text = input.trim();
  if (text.startsWith('-')) {
    return { error: l10n.t('is negative ("{0}"); use a duration such as "30s"', input) };
  }
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    return { ms: Math.round(Number(text) * 1000) };
  }
  let ms = 0;
  let pos = 0;
  TOKEN.lastIndex = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      return { error: l10n.t('"{0}" is not a duration; write it like "30s", "2m", "1h30m" or a number of seconds', input) };
    }
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = TOKEN.lastIndex;
  }
  if (text.length === 0) {
    return { error: l10n.t('is empty; write a duration such as "30s"') };
  }
  return { ms: Math.round(ms) };
}

/**
 * Writes milliseconds the way Prometheus reads them (`1m30s`, `500ms`, `0s`), which
 * is also short enough to show users in a message.
 */
export function formatPromDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) {
    return '0s';
  }
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** "a string", "an object", "null": for sentences about wrong types. */
export function describeType(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return l10n.t('a list');
  }
  switch (typeof v) {
    case 'string':
      return l10n.t('the text "{0}"', v.length > 40 ? v.slice(0, 40) + '…' : v);
    case 'number':
      return l10n.t('the number {0}', v);
    case 'boolean':
      return `${v}`;
    case 'object':
      return l10n.t('an object');
    default:
      return typeof v;
  }
}
