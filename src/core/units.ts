/**
 * Units: ONE inference rule and ONE formatter for every surface (status bar, alerts,
 * dashboard tiles and axes, report). A series' unit comes from the exposition's
 * `# UNIT` (OpenMetrics) first, then from the name's suffix, after looking through the
 * suffixes the monitor itself appends (`_p95`, `_p99_9`, `_mean`, `_max`, `_min`, `_avg`,
 * `_total`): so `http_request_duration_seconds_max` is seconds everywhere.
 *
 * Figures come from src/core/format.ts so a value reads the same on every surface
 * (binary KiB/MiB, as `top` and Task Manager count memory).
 */
import { formatBytes, formatNumber, formatPercent, formatRate, formatRatio, formatSeconds, formatTimestamp } from './format';
import { Unit, UNITS } from '../shared/vocabulary';

export { Unit, UNITS };

/**
 * A unit as a rule names it: one of UNITS, or (`custom`) literal text appended to the
 * number (`42 users`). `symbol` is what `{{unit}}` renders: `%`, `B`, `s`, `B/s`, `/s`, '' or the text.
 */
export interface UnitSpec {
  readonly kind: Unit | 'custom';
  readonly symbol: string;
}

const SYMBOLS: Readonly<Record<Unit, string>> = {
  percent: '%',
  bytes: 'B',
  seconds: 's',
  timestamp: '',
  bytesPerSecond: 'B/s',
  perSecond: '/s',
  ratio: '',
  count: '',
};

const SPECS = Object.fromEntries(UNITS.map((u) => [u, { kind: u, symbol: SYMBOLS[u] }])) as Readonly<Record<Unit, UnitSpec>>;

/** The spec of a known unit. */
export function unitSpec(unit: Unit): UnitSpec {
  return SPECS[unit];
}

/** What the exposition said about a family: `# UNIT` text and `# TYPE`. */
export interface UnitHints {
  readonly unit?: string;
  readonly type?: string;
}

/** OpenMetrics `# UNIT` words this monitor knows (base units, as the spec asks). */
const METADATA_UNITS: Readonly<Record<string, Unit>> = {
  seconds: 'seconds',
  bytes: 'bytes',
  ratio: 'ratio',
  percent: 'percent',
};

/**
 * A point in time in seconds since the epoch, by Prometheus' naming convention
 * (`process_start_time_seconds`, `node_boot_time_seconds`, `*_timestamp_seconds`):
 * never a duration, whatever `# UNIT seconds` says.
 */
const TIMESTAMP_NAME = /_(start_time|boot_time|timestamp)_seconds$/;

/** Suffixes the monitor appends to a name (quantiles, summaries of a window) or counters carry. */
const LOOK_THROUGH = /_(p\d+(_\d+)?|mean|avg|max|min|total)$/;

/**
 * The unit of a series: `# UNIT` first (when it names a unit we know), the name's
 * suffix second. A rate the monitor derived (`…_per_second`) is per second whatever
 * the counter's metadata said, so the name decides for those.
 */
export function inferUnit(name: string, hints?: UnitHints): Unit {
  const base = name.replace(LOOK_THROUGH, '');
  if (base.endsWith('_bytes_per_second')) {
    return 'bytesPerSecond';
  }
  if (base.endsWith('_per_second')) {
    return 'perSecond';
  }
  if (TIMESTAMP_NAME.test(base)) {
    return 'timestamp';
  }
  const declared = hints?.unit ? METADATA_UNITS[hints.unit] : undefined;
  if (declared) {
    return declared;
  }
  if (base.endsWith('_percent')) {
    return 'percent';
  }
  if (base.endsWith('_bytes')) {
    return 'bytes';
  }
  if (base.endsWith('_seconds') || base.endsWith('_seconds_to_limit')) {
    return 'seconds';
  }
  if (base.endsWith('_ratio')) {
    return 'ratio';
  }
  return 'count';
}

/** Names a user may write in a rule's `unit` field. */
const WORDS: Readonly<Record<string, Unit>> = {
  percent: 'percent',
  '%': 'percent',
  bytes: 'bytes',
  seconds: 'seconds',
  s: 'seconds',
  bytes_per_second: 'bytesPerSecond',
  'B/s': 'bytesPerSecond',
  per_second: 'perSecond',
  '/s': 'perSecond',
  ratio: 'ratio',
  none: 'count',
  count: 'count',
  '': 'count',
};

/** The unit a rule's `unit` field names: a known unit word, or literal text appended to the number. */
export function unitFromWord(text: string): UnitSpec {
  const t = text.trim();
  const known = WORDS[t];
  return known ? SPECS[known] : { kind: 'custom', symbol: t };
}

/** The spec inferred from a name (see inferUnit). */
export function inferUnitSpec(name: string, hints?: UnitHints): UnitSpec {
  return SPECS[inferUnit(name, hints)];
}

export interface FormatOptions {
  /**
   * Three significant digits for percents and ratios (`80.4%`), where the dashboard
   * shows `80%`: next to an 80% threshold the decimal is the point.
   */
  readonly precise?: boolean;
}

/**
 * `83%`, `148 MiB`, `512 ms`, `3.2 s`, `12.5/s`, `1.2 MiB/s`, `42 users`; `—` for no value.
 * The one formatter for a value of a known unit.
 */
export function formatValue(value: number | null | undefined, unit: Unit | UnitSpec, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  const spec = typeof unit === 'string' ? SPECS[unit] : unit;
  switch (spec.kind) {
    case 'percent':
      return options.precise ? `${formatNumber(value)}%` : formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'seconds':
      return formatSeconds(value);
    case 'timestamp':
      return formatTimestamp(value * 1000);
    case 'bytesPerSecond':
      return formatRate(value, 'bytes');
    case 'perSecond':
      return formatRate(value);
    case 'ratio':
      return options.precise ? `${formatNumber(value * 100)}%` : formatRatio(value);
    case 'custom':
      return spec.symbol ? `${formatNumber(value)} ${spec.symbol}` : formatNumber(value);
    case 'count':
      return formatNumber(value);
  }
}

/** A value formatted by the unit its series name carries (inferUnit, then formatValue). */
export function formatByName(name: string, value: number, hints?: UnitHints): string {
  return formatValue(value, inferUnit(name, hints));
}
