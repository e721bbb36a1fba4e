import { formatBytes, formatNumber, formatRate, formatSeconds } from '../format';

/**
 * The unit of an alert's value, inferred from the metric name's suffix (names carry
 * their unit) or set by the rule's `unit` field. Formatting reuses src/core/format.ts
 * so an alert says "148 MB" exactly where the status bar does (binary MB, as `top`
 * and Task Manager count memory).
 */
export type UnitKind = 'percent' | 'bytes' | 'seconds' | 'bytesPerSecond' | 'perSecond' | 'ratio' | 'none' | 'custom';

export interface UnitSpec {
  readonly kind: UnitKind;
  /** What `{{unit}}` renders: `%`, `B`, `s`, `B/s`, `/s`, or the rule's own text. */
  readonly symbol: string;
}

const UNITS: Readonly<Record<Exclude<UnitKind, 'custom'>, UnitSpec>> = {
  percent: { kind: 'percent', symbol: '%' },
  bytes: { kind: 'bytes', symbol: 'B' },
  seconds: { kind: 'seconds', symbol: 's' },
  bytesPerSecond: { kind: 'bytesPerSecond', symbol: 'B/s' },
  perSecond: { kind: 'perSecond', symbol: '/s' },
  ratio: { kind: 'ratio', symbol: '' },
  none: { kind: 'none', symbol: '' },
};

/** Names a user may write in a rule's `unit` field; anything else is a literal suffix ("users"). */
const OVERRIDES: Readonly<Record<string, UnitSpec>> = {
  percent: UNITS.percent,
  '%': UNITS.percent,
  bytes: UNITS.bytes,
  seconds: UNITS.seconds,
  s: UNITS.seconds,
  bytes_per_second: UNITS.bytesPerSecond,
  'B/s': UNITS.bytesPerSecond,
  per_second: UNITS.perSecond,
  '/s': UNITS.perSecond,
  ratio: UNITS.ratio,
  none: UNITS.none,
  '': UNITS.none,
};

/** Infers the unit from a Prometheus-style name; quantile suffixes (`_p95`) are looked through. */
export function inferUnit(metric: string): UnitSpec {
  const name = metric.replace(/_(p\d+|mean|avg|max|min)$/, '');
  if (name.endsWith('_bytes_per_second')) {
    return UNITS.bytesPerSecond;
  }
  if (name.endsWith('_per_second')) {
    return UNITS.perSecond;
  }
  if (name.endsWith('_percent')) {
    return UNITS.percent;
  }
  if (name.endsWith('_bytes')) {
    return UNITS.bytes;
  }
  if (name.endsWith('_seconds') || name.endsWith('_seconds_to_limit')) {
    return UNITS.seconds;
  }
  if (name.endsWith('_ratio')) {
    return UNITS.ratio;
  }
  return UNITS.none;
}

/** The unit a rule's `unit` field names: a known unit name, or literal text appended to the number. */
export function unitFromOverride(text: string): UnitSpec {
  return OVERRIDES[text.trim()] ?? { kind: 'custom', symbol: text.trim() };
}

/** `83.2%`, `148 MB`, `512 ms`, `3.2 s`, `12.5/s`, `1.2 MB/s`, `42 users`. */
export function formatWithUnit(value: number, unit: UnitSpec): string {
  switch (unit.kind) {
    case 'percent':
      // One more digit than the status bar: next to an 80% threshold, 80.4% is the point.
      return Number.isFinite(value) ? `${formatNumber(value)}%` : formatNumber(value);
    case 'bytes':
      return formatBytes(value);
    case 'seconds':
      return formatSeconds(value);
    case 'bytesPerSecond':
      return formatRate(value, 'bytes');
    case 'perSecond':
      return formatRate(value);
    case 'ratio':
      return Number.isFinite(value) ? `${formatNumber(value * 100)}%` : formatNumber(value);
    case 'custom':
      return Number.isFinite(value) ? `${formatNumber(value)} ${unit.symbol}` : formatNumber(value);
    case 'none':
      return formatNumber(value);
  }
}
