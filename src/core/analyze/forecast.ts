/**
 * "Memory reaches the 512 MB limit in ~12 min": time until a series reaches a limit,
 * with Prometheus `predict_linear` semantics — a least-squares line over the last
 * `windowMs` of samples (or what there is), extrapolated from the latest sample.
 */
import { linearTrend, Trend, TrendOptions, trendValueAt } from './trend';

/** Regression window of every forecast (the analyzer's and the alert rules' forecast source), predict_linear style. */
export const FORECAST_WINDOW_MS = 10 * 60_000;

export interface Forecast {
  /** Series key forecast. */
  readonly series: string;
  /** What is forecast, for people: "process memory", "disk". */
  readonly what: string;
  readonly limit: number;
  /** Where the limit comes from, for people: "the 512 MB limit (chatroomMonitor.memoryLimitMb)". */
  readonly limitLabel: string;
  /** The fitted line's value at `latestMs`. */
  readonly fittedNow: number;
  readonly latestMs: number;
  /** Time from `latestMs` until the line reaches `limit`. */
  readonly etaMs: number;
  readonly reachAtMs: number;
  readonly trend: Trend;
}

export interface ForecastOptions {
  /** Regression window ending at the latest sample (default 10 min). */
  readonly windowMs?: number;
  readonly trend?: TrendOptions;
}

/**
 * When a forecast means something (the README quotes these):
 * - the samples it rests on span at least `minSpanMs`, and at least `minSpanShare` of
 *   the time it forecasts ahead — a line seen for 10 s says nothing about 22 days;
 * - the line is significant (trend.ts: the slope's 99% t-test and R² ≥ 0.3);
 * - the series changed beyond its noise: the rise along the line over the span is at
 *   least `noiseFactor` times the standard deviation of the samples around the line.
 */
export const ForecastRules = {
  minSpanMs: 2 * 60_000,
  /** 1/48: a day ahead needs 30 minutes of samples, 3 hours ahead 3 min 45 s. */
  minSpanShare: 1 / 48,
  noiseFactor: 3,
} as const;

/**
 * Forecasts when `values` reaches `limit`. Undefined when the series is not rising
 * significantly (see trend.ts), when it is already at or past the limit (that is
 * a present problem, not a forecast), or when the limit is not a finite number.
 */
export function forecastTimeToLimit(
  series: string,
  what: string,
  times: Float64Array,
  values: Float64Array,
  limit: number,
  limitLabel: string,
  options: ForecastOptions = {},
): Forecast | undefined {
  const windowMs = options.windowMs ?? FORECAST_WINDOW_MS;
  if (!Number.isFinite(limit) || times.length < 2) {
    return undefined;
  }
  let latest = times.length - 1;
  while (latest >= 0 && !Number.isFinite(values[latest]!)) latest--;
  if (latest < 1) {
    return undefined;
  }
  const latestMs = times[latest]!;
  const start = lowerBound(times, latestMs - windowMs);
  const t = times.subarray(start, latest + 1);
  const v = values.subarray(start, latest + 1);
  const trend = linearTrend(t, v, options.trend);
  if (trend.direction !== 'rising') {
    return undefined;
  }
  const fittedNow = trendValueAt(trend, latestMs);
  if (fittedNow >= limit || values[latest]! >= limit) {
    return undefined;
  }
  const etaMs = ((limit - fittedNow) / trend.slopePerMinute) * 60_000;
  const spanMs = trend.toMs - trend.fromMs;
  if (spanMs < ForecastRules.minSpanMs || spanMs < ForecastRules.minSpanShare * etaMs) {
    return undefined;
  }
  const rise = (trend.slopePerMinute * spanMs) / 60_000;
  if (!(rise >= ForecastRules.noiseFactor * residualStdDev(t, v, trend))) {
    return undefined;
  }
  return { series, what, limit, limitLabel, fittedNow, latestMs, etaMs, reachAtMs: latestMs + etaMs, trend };
}

/** Standard deviation of the finite samples around the fitted line (n − 2 degrees of freedom). */
function residualStdDev(times: Float64Array, values: Float64Array, trend: Trend): number {
  let ss = 0;
  let n = 0;
  for (let i = 0; i < times.length; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) continue;
    const r = y - trendValueAt(trend, times[i]!);
    ss += r * r;
    n++;
  }
  return n > 2 ? Math.sqrt(ss / (n - 2)) : Number.POSITIVE_INFINITY;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rounds an ETA so the figure shown does not twitch every tick: to the minute under
 * 10 min, to 5 min under an hour, to 15 min under a day, to the hour beyond.
 */
export function roundEtaMs(etaMs: number): number {
  const min = etaMs / 60_000;
  if (!Number.isFinite(min) || min <= 0) return 0;
  if (min < 1) return 60_000;
  if (min < 10) return Math.round(min) * 60_000;
  if (min < 60) return Math.max(10, Math.round(min / 5) * 5) * 60_000;
  if (min < 24 * 60) return Math.round(min / 15) * 15 * 60_000;
  return Math.round(min / 60) * 3_600_000;
}

export interface ShownForecast {
  readonly forecast: Forecast;
  /** ETA rounded by roundEtaMs. */
  readonly etaRoundedMs: number;
}

export interface ForecastTrackerOptions {
  /** Forecasts further away than this are not shown (default 24 h). */
  readonly horizonMs?: number;
  /** Consecutive evaluations needed to show a forecast, and to hide it (default 3). */
  readonly confirmations?: number;
}

/**
 * Hysteresis over successive forecasts of one target, so a forecast does not
 * flicker as noise moves the slope around the significance line: it appears only
 * after `confirmations` consecutive evaluations inside the horizon, and disappears
 * only after as many consecutive evaluations without one.
 */
export class ForecastTracker {
  private readonly horizonMs: number;
  private readonly confirmations: number;
  private present = 0;
  private absent = 0;
  private shown: ShownForecast | undefined;

  constructor(options: ForecastTrackerOptions = {}) {
    this.horizonMs = options.horizonMs ?? 24 * 3_600_000;
    this.confirmations = Math.max(1, Math.floor(options.confirmations ?? 3));
  }

  /** Feeds one evaluation; returns what to show now (undefined: nothing). */
  update(forecast: Forecast | undefined): ShownForecast | undefined {
    const candidate = forecast !== undefined && forecast.etaMs <= this.horizonMs ? forecast : undefined;
    if (candidate) {
      this.present++;
      this.absent = 0;
      if (this.shown || this.present >= this.confirmations) {
        this.shown = { forecast: candidate, etaRoundedMs: roundEtaMs(candidate.etaMs) };
      }
    } else {
      this.absent++;
      this.present = 0;
      if (this.shown && this.absent >= this.confirmations) {
        this.shown = undefined;
      }
    }
    return this.shown;
  }

  get current(): ShownForecast | undefined {
    return this.shown;
  }

  reset(): void {
    this.present = 0;
    this.absent = 0;
    this.shown = undefined;
  }
}
