/**
 * What the dashboard host needs from the monitor. The extension implements it over
 * the core Monitor (store, alerts, analyzer); the dashboard never reaches into the
 * store itself. No `vscode` here, so the host session is testable in plain Node.
 */
import { Event } from '../../core/events';
import { AlertDto, ColumnsDto, ExemplarDto, HeaderDto, IssueDto, MarkerDto, SeriesDto } from '../../shared/protocol';

/**
 * The session compares what a getter returns with what it sent last, and takes the
 * very same object returned again as unchanged without serialising it: a getter whose
 * data changed returns a new object (never the last one, mutated).
 */
export interface DashboardSource {
  /** Fires once per collector tick, after the store, alerts and analyzer are updated. */
  readonly onDidChange: Event<void>;
  /** Collector tick, ms: steps larger than ~2 ticks are drawn as gaps. */
  readonly intervalMs: number;
  /** Samples kept per series (bounds the `all` range on the page). */
  readonly maxPoints: number;
  /** Time of the latest tick, ms since the epoch (-Infinity before the first). */
  latestTimeMs(): number;
  header(): HeaderDto;
  /** Every series the page may show, with unit, chart and tile role. */
  catalogue(): SeriesDto[];
  /**
   * Columns for `keys` from `fromMs` (inclusive; -Infinity for all) to the latest tick;
   * with `plotWidthPx`, no more points than that (a tier, see ColumnsDto.stepMs).
   */
  window(keys: readonly string[], fromMs: number, plotWidthPx?: number): ColumnsDto;
  /** Columns for `keys` strictly after `afterMs`: what is new since the last send. */
  pointsSince(keys: readonly string[], afterMs: number): ColumnsDto;
  /** Active alerts (pending, firing, and recently resolved). */
  alerts(): AlertDto[];
  issues(): IssueDto[];
  /** Alert periods and anomaly intervals that overlap [fromMs, now]. */
  markers(fromMs: number): MarkerDto[];
  /** OpenMetrics exemplars (requests with a trace) kept since `fromMs`, oldest first, with every series they belong with. */
  exemplars(fromMs: number): ExemplarDto[];
  /** Silences one alert (by id) or every alert (`all`) for `minutes`. */
  snooze(alertId: string, minutes: number): void;
  /** Opens the Markdown performance report (the Show Performance Report command). */
  showReport(): void;
  /** Compare Runs… (its QuickPick follows). */
  compareRuns(): void;
  /**
   * The Traces view with the slowest traces of the moment `atMs` (a point picked on a
   * chart); with `traceId` (an exemplar picked), that trace selected.
   */
  showTraces(atMs: number, traceId?: string): void;
}
