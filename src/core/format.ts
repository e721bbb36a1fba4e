import { displayLocale } from './i18n/locale';

/**
 * Small, generic number formatting for people: bytes, percents, durations, rates.
 * Shared by the report, the status bar and the dashboard so a figure reads the same
 * everywhere. Every function accepts any number and returns a string; a non-finite
 * value is shown as an em dash rather than "NaN".
 */

const DASH = '—';

/**
 * Units of a duration in each display language. Chinese reads "1 小时 47 分" and "1 分 30 秒",
 * but "12 分钟" for minutes alone, as people write them (not "1 h 47 min" inside a Chinese sentence).
 */
const DURATION_UNITS = {
  en: { ms: 'ms', s: 's', min: 'min', minBeforeS: 'min', minAfterH: 'min', h: 'h', d: 'd' },
  'zh-cn': { ms: '毫秒', s: '秒', min: '分钟', minBeforeS: '分', minAfterH: '分', h: '小时', d: '天' },
} as const;

/** Binary multiples (1 MB = 1,048,576 bytes), as Task Manager and `top` show memory. */
// Binary multiples, labelled as such: 1 MiB = 1,048,576 bytes (what VmRSS and top count).
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Three significant digits, without trailing zeros: 148, 14.8, 1.48, 0.148. */
export function formatNumber(value: number, significantDigits = 3): string {
  if (!Number.isFinite(value)) {
    return DASH;
  }
  if (value === 0) {
    return '0';
  }
  const abs = Math.abs(value);
  if (abs >= 10 ** significantDigits) {
    // Large values: group thousands and do not invent decimals.
    return groupThousands(Math.round(value));
  }
  const decimals = Math.max(0, significantDigits - 1 - Math.floor(Math.log10(abs)));
  return String(Number(value.toFixed(Math.min(decimals, 12))));
}

/**
 * An integer with its thousands grouped, as `toLocaleString('en-US')` writes it
 * (`-1,234,567`), without Intl for a safe integer: in the extension host the
 * status bar's call built a new ICU number formatter on every tick, ~0.2 ms each
 * (issue 20; a memory of 1,000–1,023 MiB is written `1,010 MiB`). In a process of
 * its own (the CLI's watch), the first Intl call also maps ICU's data: +7.3 MiB of
 * RSS for good (issue 11).
 */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(n < 0 ? -n : n);
  let at = digits.length % 3 || 3;
  let out = digits.slice(0, at);
  for (; at < digits.length; at += 3) out += ',' + digits.slice(at, at + 3);
  return n < 0 ? '-' + out : out;
}

/** `148 MiB`, `1.2 GiB`, `512 B`; negative sizes keep their sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return DASH;
  }
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${u === 0 ? Math.round(v) : formatNumber(v)} ${BYTE_UNITS[u]}`;
}

/** `12%`, `3.5%`, `0.25%` (value is already in percent). */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) {
    return DASH;
  }
  const abs = Math.abs(percent);
  const digits = abs >= 10 ? 0 : abs >= 1 ? 1 : 2;
  return `${Number(percent.toFixed(digits))}%`;
}

/** A ratio 0..1 as a percent: `0.123` → `12%`. */
export function formatRatio(ratio: number): string {
  return formatPercent(ratio * 100);
}

/**
 * A span of time for people: `850 ms`, `45 s`, `1 min 30 s`, `12 min`, `1 h 5 min`, `2 d 3 h`.
 * Two units at most, because "1 h 5 min 3 s" is noise in a summary.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return DASH;
  }
  const u = DURATION_UNITS[displayLocale()];
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${sign}${Math.round(abs)} ${u.ms}`;
  }
  const s = abs / 1000;
  if (s < 60) {
    return `${sign}${s < 10 ? Number(s.toFixed(1)) : Math.round(s)} ${u.s}`;
  }
  if (s < 600) {
    // Under ten minutes the seconds still matter: "1 min 30 s", not "2 min".
    const whole = Math.round(s);
    const m = Math.floor(whole / 60);
    const rest = whole - m * 60;
    return rest === 0 ? `${sign}${m} ${u.min}` : `${sign}${m} ${u.minBeforeS} ${rest} ${u.s}`;
  }
  const totalMin = Math.round(s / 60);
  if (s < 3600 && totalMin < 60) {
    return `${sign}${totalMin} ${u.min}`;
  }
  const totalH = Math.floor(s / 3600);
  if (totalH < 24) {
    const min = Math.round((s - totalH * 3600) / 60);
    if (min === 60) {
      return `${sign}${totalH + 1} ${u.h}`;
    }
    return min === 0 ? `${sign}${totalH} ${u.h}` : `${sign}${totalH} ${u.h} ${min} ${u.minAfterH}`;
  }
  const d = Math.floor(totalH / 24);
  const h = totalH - d * 24;
  return h === 0 ? `${sign}${d} ${u.d}` : `${sign}${d} ${u.d} ${h} ${u.h}`;
}

/** A duration measured in seconds, such as a latency: `850 µs`, `12 ms`, `1.2 s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return DASH;
  }
  const abs = Math.abs(seconds);
  if (abs === 0) {
    return '0 s';
  }
  if (abs < 1e-3) {
    return `${formatNumber(seconds * 1e6)} µs`;
  }
  if (abs < 1) {
    return `${formatNumber(seconds * 1e3)} ms`;
  }
  if (abs < 60) {
    return `${formatNumber(seconds)} s`;
  }
  return formatDuration(seconds * 1000);
}

/** A per-second rate: `12.5/s`, or `1.2 MB/s` when `unit` is `'bytes'`. */
export function formatRate(perSecond: number, unit: 'count' | 'bytes' = 'count'): string {
  if (!Number.isFinite(perSecond)) {
    return DASH;
  }
  return unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${formatNumber(perSecond)}/s`;
}

/** An ISO-8601 UTC timestamp without milliseconds: `2026-01-01T10:00:00Z`. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) {
    return DASH;
  }
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
