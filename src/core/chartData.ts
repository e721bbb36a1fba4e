/**
 * Chart-ready data from the series store: uPlot's columnar layout (one shared x
 * array in seconds, one y array per series, `null` for gaps), so the dashboard page
 * draws and never aggregates. Also how a series is shown: its unit, the chart that
 * draws it and the tile it feeds, decided from its name.
 *
 * The shapes here are structurally the dashboard protocol's DTOs (src/shared),
 * declared again so the core does not depend on the UI's protocol.
 */
import { InstanceMetric, isServiceMetric, Metric } from './model';
import { joinSegments, RingSegment } from './store/ringBuffer';
import { SeriesInfo, SeriesStore } from './store/seriesStore';
import { inferUnit, Unit } from './units';

/** `x` seconds since the epoch, ascending; `y[i]` is series `keys[i]`, `null` where it has no sample. */
export interface ChartColumns {
  x: number[];
  keys: string[];
  y: (number | null)[][];
  /** Set when the points are a tier's bucket extremes (min and max per bucket of this many ms); absent for raw ticks. */
  stepMs?: number;
}

export interface ColumnsOptions {
  /** First time included, ms (inclusive). `-Infinity` for everything kept. */
  fromMs: number;
  /** Last time included, ms (inclusive); defaults to the store's latest tick. */
  toMs?: number;
  /**
   * Times at or before this are left out (exclusive), and it counts as the previous
   * point for gap detection: used to send only what is new since the last send.
   */
  afterMs?: number;
  /**
   * When two consecutive ticks are further apart than this, a row of nulls is put
   * between them so the chart shows a gap (the monitor was stopped, the machine
   * slept) instead of a straight line across missing time — unless the step is no
   * longer than GAP_CADENCE_FACTOR times the step before it: data at a coarser
   * cadence of its own (a Prometheus back-fill at its query_range step, 6 s for an
   * hour) is a line, not a dot every step. Default: no gap rows.
   */
  maxGapMs?: number;
}

/** A series with no samples in the window (or no such series). */
const EMPTY_SEGMENT: RingSegment = { times: new Float64Array(0), values: new Float64Array(0) };

/** A step up to this many times the one before it keeps the data's own cadence: no gap (see maxGapMs). */
export const GAP_CADENCE_FACTOR = 2.5;

/**
 * Builds aligned columns for `keys` over a time window. Series sample on the same
 * ticks, so the union of their timestamps is the tick grid; a series missing from a
 * tick (or holding NaN) gets `null` there. Unknown keys give all-null columns.
 * O(points × series), no sorting.
 */
export function buildColumns(store: SeriesStore, keys: readonly string[], opts: ColumnsOptions): ChartColumns {
  const toMs = opts.toMs ?? store.latestTimeMs;
  const afterMs = opts.afterMs;
  const fromMs = afterMs !== undefined ? Math.max(opts.fromMs, afterMs) : opts.fromMs;
  // Views of the rings, read before this returns (no append can come between): a copy of
  // every charted series' window was most of an open dashboard's garbage a tick (issue 20).
  const times: Float64Array[] = [];
  const values: Float64Array[] = [];
  for (let i = 0; i < keys.length; i++) {
    const segments = store.windowSegments(keys[i]!, fromMs, toMs);
    const one = segments === undefined || segments.length === 0 ? EMPTY_SEGMENT : segments.length === 1 ? segments[0]! : joinSegments(segments);
    times.push(one.times);
    values.push(one.values);
  }
  // Skip samples at exactly afterMs: they were sent already.
  const pos: number[] = times.map((t) => (afterMs !== undefined && t.length > 0 && t[0] === afterMs ? 1 : 0));

  const x: number[] = [];
  const y: (number | null)[][] = keys.map(() => []);
  const maxGapMs = opts.maxGapMs;
  let prevMs = afterMs !== undefined && Number.isFinite(afterMs) ? afterMs : undefined;
  let prevStepMs: number | undefined;

  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < times.length; i++) {
      const p = pos[i]!;
      const arr = times[i]!;
      if (p < arr.length && arr[p]! < t) {
        t = arr[p]!;
      }
    }
    if (t === Number.POSITIVE_INFINITY) {
      break;
    }
    if (maxGapMs !== undefined && prevMs !== undefined) {
      const stepMs = t - prevMs;
      if (stepMs > maxGapMs && !(prevStepMs !== undefined && stepMs <= GAP_CADENCE_FACTOR * prevStepMs)) {
        x.push((prevMs + t) / 2 / 1000);
        for (const col of y) {
          col.push(null);
        }
      }
      prevStepMs = stepMs;
    }
    x.push(t / 1000);
    for (let i = 0; i < times.length; i++) {
      const p = pos[i]!;
      const arr = times[i]!;
      if (p < arr.length && arr[p] === t) {
        const v = values[i]![p]!;
        y[i]!.push(Number.isFinite(v) ? v : null);
        pos[i] = p + 1;
      } else {
        y[i]!.push(null);
      }
    }
    prevMs = t;
  }
  return { x, keys: [...keys], y };
}

/**
 * Steps of the coarser tiers (ms), finest first: 10 s and 1 min as in a TSDB, with
 * 30 s between them (an hour on a half-width chart) and 5 min, 10 min, 1 h for days.
 */
export const TIER_STEPS_MS: readonly number[] = [10_000, 30_000, 60_000, 300_000, 600_000, 3_600_000];

/**
 * Raw ticks a tiered chart may take by `append` before the host sends its window
 * again (a quarter of the plot): with the tier's points, still no more than pixels.
 */
export function chartTailBudget(plotWidthPx: number): number {
  return Math.max(1, Math.floor(plotWidthPx / 4));
}

/**
 * The tier a chart `plotWidthPx` wide draws a span from: 0 (raw ticks) while the raw
 * points fit in the pixels, else the finest tier whose buckets (two points each, their
 * minimum and maximum), the live bucket (three) and the appends until the next window
 * (chartTailBudget) fit. So no chart ever holds more points than it has pixels.
 */
export function chartStepMs(spanMs: number, intervalMs: number, plotWidthPx: number): number {
  const pixels = Math.max(8, Math.floor(plotWidthPx));
  if (!(spanMs > 0) || spanMs / Math.max(1, intervalMs) + 1 <= pixels) {
    return 0;
  }
  const room = pixels - chartTailBudget(pixels) - 3;
  const fits = (step: number): boolean => 2 * (Math.ceil(spanMs / step) + 1) <= room;
  const tier = TIER_STEPS_MS.find(fits);
  if (tier !== undefined) {
    return tier;
  }
  // Longer than any tier fits (weeks on a narrow chart): whole hours per bucket.
  const last = TIER_STEPS_MS[TIER_STEPS_MS.length - 1]!;
  let step = last;
  while (!fits(step)) {
    step += last;
  }
  return step;
}

/**
 * Raw columns as a tier of `stepMs` buckets, aligned to multiples of the step (so the
 * same bucket gives the same points whichever window asks): each complete bucket
 * becomes two rows, at ¼ and ¾ of it, holding each series' extremes in the order they
 * happened (a spike stays visible, and so does a dip); a series without a sample in
 * the bucket gets nulls. Buckets with no data between two with data leave a null row
 * (a gap, not a line across missing time). The live bucket (the one holding
 * `liveFromMs`) is drawn the same way over its elapsed part, then its newest tick
 * raw, so the right edge and the tiles read the live value.
 */
export function downsampleColumns(cols: ChartColumns, stepMs: number, liveFromMs: number): ChartColumns {
  const n = cols.keys.length;
  const x: number[] = [];
  const y: (number | null)[][] = cols.keys.map(() => []);
  const liveBucket = Math.floor(liveFromMs / stepMs);
  const min = new Float64Array(n);
  const max = new Float64Array(n);
  const minAt = new Int32Array(n);
  const maxAt = new Int32Array(n);
  let bucket = Number.NaN;
  let prevBucket = Number.NaN;
  let firstRow = 0;
  let lastRow = -1;
  const emit = (): void => {
    if (Number.isNaN(bucket) || !minAt.some((i) => i >= 0)) {
      return;
    }
    if (!Number.isNaN(prevBucket) && bucket - prevBucket > 1) {
      x.push(((prevBucket + 1) * stepMs) / 1000);
      y.forEach((col) => col.push(null));
    }
    const startMs = bucket * stepMs;
    const live = bucket >= liveBucket;
    if (live && firstRow === lastRow) {
      // One tick so far: it is the live edge itself.
      pushRow(lastRow);
    } else {
      // A live bucket spans what has elapsed of it, ending at its newest tick.
      const spanMs = live ? cols.x[lastRow]! * 1000 - startMs : stepMs;
      x.push((startMs + spanMs / 4) / 1000, (startMs + (3 * spanMs) / 4) / 1000);
      for (let k = 0; k < n; k++) {
        if (minAt[k]! < 0) {
          y[k]!.push(null, null);
        } else if (minAt[k]! <= maxAt[k]!) {
          y[k]!.push(min[k]!, max[k]!);
        } else {
          y[k]!.push(max[k]!, min[k]!);
        }
      }
      if (live) {
        pushRow(lastRow);
      }
    }
    prevBucket = bucket;
  };
  const pushRow = (row: number): void => {
    x.push(cols.x[row]!);
    for (let k = 0; k < n; k++) {
      y[k]!.push(cols.y[k]![row] ?? null);
    }
  };
  for (let row = 0; row < cols.x.length; row++) {
    const b = Math.min(liveBucket, Math.floor((cols.x[row]! * 1000) / stepMs));
    if (b !== bucket) {
      emit();
      bucket = b;
      firstRow = row;
      minAt.fill(-1);
    }
    lastRow = row;
    for (let k = 0; k < n; k++) {
      const v = cols.y[k]![row];
      if (v === null || v === undefined) {
        continue;
      }
      if (minAt[k]! < 0) {
        min[k] = max[k] = v;
        minAt[k] = maxAt[k] = row;
      } else if (v < min[k]!) {
        min[k] = v;
        minAt[k] = row;
      } else if (v > max[k]!) {
        max[k] = v;
        maxAt[k] = row;
      }
    }
  }
  emit();
  return { x, keys: [...cols.keys], y, stepMs };
}

export type ChartPlacement = 'processCpu' | 'processMemory' | 'systemUsage' | 'systemNetwork' | 'instanceCpu' | 'instanceMemory' | 'server' | 'none';
export type ChartTileRole = 'cpu' | 'memory' | 'activeUsers' | 'messagesPerSecond' | 'latencyP95' | 'errorRate';

/** How one series is shown (structurally the protocol's SeriesDto). */
export interface ChartSeries {
  key: string;
  name: string;
  labels: Record<string, string>;
  unit: Unit;
  chart: ChartPlacement;
  role?: ChartTileRole;
}

const FIXED_CHARTS: Readonly<Record<string, ChartPlacement>> = {
  [Metric.processCpuPercent]: 'processCpu',
  [Metric.processRssBytes]: 'processMemory',
  [Metric.systemCpuPercent]: 'systemUsage',
  [Metric.systemMemoryPercent]: 'systemUsage',
  [Metric.systemNetRxBytesPerSecond]: 'systemNetwork',
  [Metric.systemNetTxBytesPerSecond]: 'systemNetwork',
  // A service of many instances: each instance a line, CPU and memory side by side.
  [InstanceMetric.cpuPercent]: 'instanceCpu',
  [InstanceMetric.rssBytes]: 'instanceMemory',
};

/** Own series that are bookkeeping, not something to plot. */
const NOT_CHARTED: ReadonlySet<string> = new Set<string>([Metric.targetUp, Metric.targetRestarts, Metric.scrapeUp, Metric.processMaxFds]);

/**
 * Tile roles for the server's own metrics, by name, because servers name them
 * differently (`chat_active_users`, `online_users`, `ws_connections_active`…).
 * Order matters: the first role whose pattern matches wins.
 */
const ROLE_PATTERNS: readonly (readonly [ChartTileRole, RegExp])[] = [
  ['latencyP95', /(latency|response_time|duration|delay).*p95|p95.*(latency|response_time|duration)/],
  ['errorRate', /error.*(rate|ratio|per_second)|errors_per_second/],
  ['messagesPerSecond', /messages?_per_second|messages?_rate/],
  ['activeUsers', /(active|online|connected)_(users|clients|connections)|users_(active|online|connected)|connections_active/],
];

/** Chart placement of a series from its name; every other scraped series is `server`. */
export function chartOfName(name: string): ChartPlacement {
  const fixed = FIXED_CHARTS[name];
  if (fixed) {
    return fixed;
  }
  if (NOT_CHARTED.has(name) || isServiceMetric(name) || name.startsWith('process_') || name.startsWith('system_') || name.startsWith('scrape_')) {
    // Other own series (fds, threads, disk) stay in the report, not on the page.
    return 'none';
  }
  return 'server';
}

/** The tile a series name feeds, if any. */
export function roleOfName(name: string): ChartTileRole | undefined {
  if (name === Metric.processCpuPercent) {
    return 'cpu';
  }
  if (name === Metric.processRssBytes) {
    return 'memory';
  }
  if (chartOfName(name) !== 'server') {
    return undefined;
  }
  for (const [role, re] of ROLE_PATTERNS) {
    if (re.test(name)) {
      return role;
    }
  }
  return undefined;
}

/**
 * The catalogue of series for the page. A role goes to one series only: the first
 * without labels if there is one (the server-wide figure), else the first seen.
 * At most `maxSeries` entries, fixed-chart series first, so a label explosion on
 * the server cannot flood the page.
 */
export function describeSeries(infos: readonly SeriesInfo[], maxSeries = 500): ChartSeries[] {
  const all: ChartSeries[] = infos.map((i) => ({
    key: i.key,
    name: i.name,
    labels: { ...i.labels },
    unit: inferUnit(i.name, i.meta),
    chart: chartOfName(i.name),
  }));
  const byRole = new Map<ChartTileRole, ChartSeries>();
  for (const s of all) {
    const role = roleOfName(s.name);
    if (!role) {
      continue;
    }
    const held = byRole.get(role);
    if (!held || (Object.keys(held.labels).length > 0 && Object.keys(s.labels).length === 0)) {
      byRole.set(role, s);
    }
  }
  for (const [role, s] of byRole) {
    s.role = role;
  }
  const rank = (s: ChartSeries): number => (s.chart !== 'server' && s.chart !== 'none' ? 0 : s.role ? 1 : s.chart === 'server' ? 2 : 3);
  return all
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .slice(0, maxSeries)
    .map((e) => e.s);
}
