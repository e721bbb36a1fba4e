/**
 * The chart half of a DashboardSource, over a SeriesStore: catalogue, windows and
 * appends as chart-ready columns. The extension composes it with the header,
 * alerts, issues and markers it gets from the monitor. No `vscode` here.
 */
import { buildColumns, chartStepMs, describeSeries, downsampleColumns } from '../../core/chartData';
import { SeriesStore } from '../../core/store/seriesStore';
import { ColumnsDto, SeriesDto } from '../../shared/protocol';
import { staleAfterMs } from '../../core/config';

export interface StoreChartFeedOptions {
  /** Collector tick, ms. */
  readonly intervalMs: number;
  /** Most series listed in the catalogue (a label explosion must not flood the page). */
  readonly maxCatalogue?: number;
}

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

  get maxPoints(): number {
    return this.store.capacity;
  }

  latestTimeMs(): number {
    return this.store.latestTimeMs;
  }

  catalogue(): SeriesDto[] {
    return describeSeries(this.store.allSeries(), this.options.maxCatalogue ?? 500);
  }

  /**
   * Columns from `fromMs` to the latest tick. Given the plot's width, a window with
   * more ticks than pixels comes as its tier (chartStepMs: bucket extremes), the
   * live bucket raw; `stepMs` on the result says which tier it is.
   */
  window(keys: readonly string[], fromMs: number, plotWidthPx?: number): ColumnsDto {
    const raw = buildColumns(this.store, keys, { fromMs, maxGapMs: this.maxGapMs });
    if (plotWidthPx === undefined || raw.x.length <= plotWidthPx) {
      return raw;
    }
    const latestMs = this.store.latestTimeMs;
    const spanMs = latestMs - Math.max(fromMs, raw.x[0]! * 1000);
    const stepMs = chartStepMs(spanMs, this.options.intervalMs, plotWidthPx);
    return stepMs === 0 ? raw : downsampleColumns(raw, stepMs, latestMs);
  }

  pointsSince(keys: readonly string[], afterMs: number): ColumnsDto {
    return buildColumns(this.store, keys, { fromMs: Number.NEGATIVE_INFINITY, afterMs, maxGapMs: this.maxGapMs });
  }
}
