/**
 * The chart half of a DashboardSource, over a SeriesStore: catalogue, windows and
 * appends as chart-ready columns. The extension composes it with the header,
 * alerts, issues and markers it gets from the monitor. No `vscode` here.
 */
import { buildColumns, chartStepMs, describeSeries, TIER_STEPS_MS } from '../../core/chartData';
import { storedTierFor, tierColumns, tierReaches } from '../../core/chartTiers';
import { STORED_TIER_STEPS_MS } from '../../core/store/tiers';
import { SeriesInfo, SeriesStore } from '../../core/store/seriesStore';
import { ColumnsDto, SeriesDto } from '../../shared/protocol';
import { staleAfterMs } from '../../core/config';

export interface StoreChartFeedOptions {
  /** Collector tick, ms. */
  readonly intervalMs: number;
  /** Most series listed in the catalogue (a label explosion must not flood the page). */
  readonly maxCatalogue?: number;
}

/** Points a tiered window may hold at most (a plot this many pixels wide is wider than any screen). */
const MAX_WINDOW_POINTS = 8192;

/**
 * Chart data for the dashboard from a store. Gaps: ticks further apart than 2.5
 * intervals get a null row between them, so a pause in collection shows as a gap.
 */
export class StoreChartFeed {
  private readonly maxGapMs: number;

  constructor(
    private readonly store: SeriesStore,
    private readonly options: StoreChartFeedOptions,
  ) {
    this.maxGapMs = staleAfterMs(options.intervalMs);
  }

  /**
   * Points the page keeps at most per series: the raw ticks the store keeps, and at
   * least a tiered window's (no more than the widest plot's pixels).
   */
  get maxPoints(): number {
    return Math.max(this.store.capacity, MAX_WINDOW_POINTS);
  }

  latestTimeMs(): number {
    return this.store.latestTimeMs;
  }

  /**
   * The series the page can chart. The same array (the same object) while the store
   * holds the same series with the same TYPE/UNIT — every tick but those that add a
   * series or redeclare one — so it is described once, not on every tick (issue 20).
   */
  catalogue(): SeriesDto[] {
    const infos = this.store.allSeries();
    const last = this.lastCatalogue;
    if (last && last.infos.length === infos.length && infos.every((info, i) => info === last.infos[i])) {
      return last.catalogue;
    }
    const catalogue = describeSeries(infos, this.options.maxCatalogue ?? 500);
    this.lastCatalogue = { infos, catalogue };
    return catalogue;
  }

  private lastCatalogue: { readonly infos: readonly SeriesInfo[]; readonly catalogue: SeriesDto[] } | undefined;

  /**
   * Columns from `fromMs` (-Infinity: everything kept, raw or tiered) to the latest
   * tick. Given the plot's width, a range with more ticks than pixels, or reaching
   * further back than the raw samples, comes from the store's tiers (10 s buckets up to
   * 6 h, 1 min to a day) as chartStepMs buckets (their extremes; tierColumns), the live
   * bucket raw; `stepMs` on the result says which step it is.
   */
  window(keys: readonly string[], fromMs: number, plotWidthPx?: number): ColumnsDto {
    const latestMs = this.store.latestTimeMs;
    if (plotWidthPx === undefined || !Number.isFinite(latestMs)) {
      return buildColumns(this.store, keys, { fromMs, maxGapMs: this.maxGapMs });
    }
    // Where the charted data starts in the range: a young monitor's hour is its few minutes, raw.
    const startMs = Math.min(latestMs, Math.max(fromMs, this.earliestMs(keys, fromMs)));
    let stepMs = chartStepMs(latestMs - startMs, this.options.intervalMs, plotWidthPx);
    if (stepMs === 0) {
      if (!this.tiersReachFurther(keys, startMs)) {
        return buildColumns(this.store, keys, { fromMs, maxGapMs: this.maxGapMs });
      }
      // The raw ticks would fit, but only the tiers reach the range's start.
      stepMs = STORED_TIER_STEPS_MS[0]!;
    }
    let tierStepMs = storedTierFor(stepMs);
    if (tierStepMs === undefined || !tierReaches(tierStepMs, startMs, latestMs)) {
      // Past the finer tier's reach (or a step it does not tile): whole minutes, from the 1 min tier.
      const coarsest = STORED_TIER_STEPS_MS[STORED_TIER_STEPS_MS.length - 1]!;
      stepMs = TIER_STEPS_MS.find((s) => s >= stepMs && s % coarsest === 0) ?? Math.ceil(stepMs / coarsest) * coarsest;
      tierStepMs = coarsest;
    }
    return tierColumns(this.store, keys, startMs, stepMs, tierStepMs, this.maxGapMs);
  }

  /**
   * The oldest time at or after `fromMs` a charted series holds, raw or in a tier
   * (`fromMs` itself when a series reaches further back). A tier's oldest bucket is read
   * off the store's bookkeeping (TierSeries.oldestBucket), not by copying its buckets:
   * that copy was most of an All send over a day, 3–14 ms a send (issue 20).
   */
  private earliestMs(keys: readonly string[], fromMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const key of keys) {
      const first = this.store.windowSegments(key, fromMs)?.[0]?.times[0];
      if (first !== undefined) earliest = Math.min(earliest, first);
      for (const step of STORED_TIER_STEPS_MS) {
        const oldest = this.store.tiers.ring(key, step)?.oldestBucket ?? Number.NaN;
        if (oldest === oldest) earliest = Math.min(earliest, Math.max(fromMs, oldest * step));
      }
    }
    return earliest;
  }

  /** Whether a tier holds samples of a charted series from before its oldest raw one, after `startMs`. */
  private tiersReachFurther(keys: readonly string[], startMs: number): boolean {
    const finest = STORED_TIER_STEPS_MS[0]!;
    for (const key of keys) {
      const rawFirst = this.store.windowSegments(key, startMs)?.[0]?.times[0] ?? Number.POSITIVE_INFINITY;
      // Tier buckets that start before the one holding the oldest raw sample.
      const before = Math.floor(rawFirst / finest) * finest - 1e-3;
      if (before >= startMs && (this.store.tierWindow(key, finest, startMs, before)?.times.length ?? 0) > 0) return true;
    }
    return false;
  }

  pointsSince(keys: readonly string[], afterMs: number): ColumnsDto {
    return buildColumns(this.store, keys, { fromMs: Number.NEGATIVE_INFINITY, afterMs, maxGapMs: this.maxGapMs });
  }
}
