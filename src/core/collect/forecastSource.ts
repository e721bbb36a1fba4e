import { FORECAST_METRIC } from '../alerts/rule';
import { FORECAST_WINDOW_MS, forecastTimeToLimit } from '../analyze/forecast';
import { Sample } from '../model';
import { SeriesStore } from '../store/seriesStore';
import { SourceOutput, TickSource } from './tickSource';

/** Published when a series is not heading for its limit: "not within any horizon" (~31 years). */
export const NOT_HEADING_SECONDS = 1e9;

/**
 * Publishes `forecast_seconds_to_limit{series, limit}` for the forecast alert rules
 * (the contract in alerts/rule.ts). It reads the store as of the previous tick, so a
 * forecast lags one interval behind — irrelevant at minutes-ahead horizons, and it
 * keeps the analyzer out of the samplers' way.
 */
export class ForecastSource implements TickSource {
  readonly id = 'forecast';

  constructor(
    private readonly store: () => SeriesStore,
    private readonly targets: () => readonly { metric: string; limit: number }[],
  ) {}

  async collect(ctx: { nowMs: number }): Promise<SourceOutput> {
    return this.collectNow(ctx);
  }

  /** Reads the store only: always synchronous. */
  collectNow(ctx: { nowMs: number }): SourceOutput {
    const targets = this.targets();
    if (targets.length === 0) {
      return { samples: [], problems: [] };
    }
    const store = this.store();
    const samples: Sample[] = [];
    for (const t of targets) {
      for (const info of store.select(t.metric)) {
        const w = store.window(info.key, ctx.nowMs - FORECAST_WINDOW_MS);
        if (!w || w.times.length < 2) {
          continue;
        }
        const f = forecastTimeToLimit(info.key, info.name, w.times, w.values, t.limit, String(t.limit), { windowMs: FORECAST_WINDOW_MS });
        samples.push({
          name: FORECAST_METRIC,
          labels: { series: info.key, limit: String(t.limit) },
          value: f ? Math.max(0, f.etaMs / 1000) : NOT_HEADING_SECONDS,
        });
      }
    }
    return { samples, problems: [] };
  }
}
