/**
 * One time-series chart: a uPlot plot inside a <figure>, with alert and anomaly
 * bands drawn under the lines and a legend naming each kind of band shown, one y
 * axis per unit (left, right, left…), a legend that shows values at the cursor
 * (synced across charts), and a text summary for screen readers.
 */
import uPlot from 'uplot';
import { MarkerDto, RangeId } from '../shared/protocol';
import { Unit } from '../shared/vocabulary';
import { h, replaceChildren } from './dom';
import { formatValue } from '../core/units';
import { rangeWords } from './format';
import { Palette } from './theme';
import { Column } from './seriesData';

export interface ChartSeriesSpec {
  key: string;
  /** Legend label (server text; uPlot sets it with textContent). */
  label: string;
  /** Tooltip of the legend entry: the raw series name. */
  title?: string;
  unit: Unit;
}

export interface TimeChartOptions {
  id: string;
  title: string;
  series: ChartSeriesSpec[];
  /** Keys switched off in the legend. */
  hidden: ReadonlySet<string>;
  palette: Palette;
  width: number;
  /** Called when the user toggles a series in the legend. */
  onToggle(key: string, shown: boolean): void;
}

/** Charts in one group share the cursor: hovering one shows that time on all. */
const SYNC_KEY = 'chatroom-dashboard';
const HEIGHT_PX = 170;

/** Where a chart's x axis spans: the last `spanSec` before the newest point, or all data. */
export interface XRange {
  spanSec: number | undefined;
}

export class TimeChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLDivElement;
  private readonly summary: HTMLParagraphElement;
  private readonly bandLegend: HTMLUListElement;
  private readonly plot: uPlot;
  private markers: MarkerDto[] = [];
  private xRange: XRange = { spanSec: undefined };

  constructor(private readonly o: TimeChartOptions) {
    const summaryId = `${o.id}-summary`;
    this.plotHost = h('div', { className: 'plot' });
    this.summary = h('p', { className: 'visually-hidden', attrs: { id: summaryId } });
    this.bandLegend = h('ul', { className: 'band-legend', attrs: { 'aria-label': 'Bands on this chart' } });
    this.element = h(
      'figure',
      { className: 'chart', attrs: { id: o.id, role: 'group', 'aria-label': o.title, 'aria-describedby': summaryId, 'data-points': '0' } },
      h('figcaption', { text: o.title }),
      this.plotHost,
      this.bandLegend,
      this.summary,
    );

    // One y scale per unit, so users (hundreds) and latency (milliseconds) can share a chart.
    const units = [...new Set(o.series.map((s) => s.unit))];
    const scales: uPlot.Scales = {
      x: { time: true, range: (u, min, max) => this.rangeX(u, min, max) },
    };
    for (const unit of units) {
      scales[unit] = { range: (_u, min, max) => niceRange(min, max, unit) };
    }
    const p = o.palette;
    const axis = (unit: Unit, side: 1 | 3, grid: boolean): uPlot.Axis => ({
      scale: unit,
      side,
      stroke: p.muted,
      grid: { show: grid, stroke: p.grid, width: 1 },
      ticks: { show: false },
      size: 64,
      values: (_u, splits) => splits.map((v) => formatValue(v, unit)),
    });
    const axes: uPlot.Axis[] = [{ stroke: p.muted, grid: { show: false }, ticks: { stroke: p.grid, width: 1 } }];
    // One axis per unit: seconds never read off a messages-per-second axis.
    units.forEach((unit, i) => axes.push(axis(unit, i % 2 === 0 ? 3 : 1, i === 0)));

    const opts: uPlot.Options = {
      width: o.width,
      height: HEIGHT_PX,
      pxAlign: 1,
      scales,
      axes,
      series: [
        { label: 'Time' },
        ...o.series.map((s, i) => ({
          label: s.label,
          scale: s.unit,
          show: !o.hidden.has(s.key),
          stroke: p.series[i % p.series.length],
          width: 1.5,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => formatValue(v, s.unit),
        })),
      ],
      cursor: { sync: { key: SYNC_KEY }, drag: { x: false, y: false }, points: { size: 5 } },
      legend: { live: true },
      hooks: {
        drawClear: [(u) => this.drawBands(u)],
        setSeries: [
          (u, idx) => {
            const spec = idx !== null && idx > 0 ? o.series[idx - 1] : undefined;
            if (spec) {
              o.onToggle(spec.key, u.series[idx!]?.show !== false);
            }
          },
        ],
      },
    };
    this.plot = new uPlot(opts, [[], ...o.series.map(() => [])] as uPlot.AlignedData, this.plotHost);
    // Legend rows: [Time, ...series]; each series row says its raw name on hover.
    const rows = this.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    o.series.forEach((s, i) => {
      const row = rows[i + 1];
      if (row && s.title) row.title = s.title;
    });
  }

  get seriesKeys(): string[] {
    return this.o.series.map((s) => s.key);
  }

  /** Hands the chart its arrays (not copied), redraws, and refreshes the summary. */
  setData(x: number[], columns: (Column | undefined)[], range: RangeId, xRange: XRange): void {
    this.xRange = xRange;
    const ys = columns.map((c) => c ?? new Array<number | null>(x.length).fill(null));
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
    this.element.setAttribute('data-points', String(x.length));
    this.summary.textContent = this.describe(x, ys, range);
  }

  setMarkers(markers: MarkerDto[]): void {
    const keys = new Set(this.seriesKeys);
    this.markers = markers.filter(
      (m) => m.kind === 'alert' || (m.seriesKeys ? m.seriesKeys.some((k) => keys.has(k)) : m.seriesKey === undefined || keys.has(m.seriesKey)),
    );
    this.renderBandLegend();
    this.plot.redraw(false, false);
  }

  /** One entry per kind of band the chart draws, in the band's own colour. */
  private renderBandLegend(): void {
    const kinds = new Set<string>(this.markers.map((m) => (m.kind === 'anomaly' ? 'anomaly' : (m.level ?? 'critical'))));
    const items = BAND_KINDS.filter(([k]) => kinds.has(k)).map(([k, text]) =>
      h('li', { className: `band-${k}` }, h('span', { className: 'band-swatch', attrs: { 'aria-hidden': 'true' } }), text),
    );
    replaceChildren(this.bandLegend, ...items);
    this.bandLegend.hidden = items.length === 0;
  }

  setWidth(width: number): void {
    if (Math.abs(width - this.plot.width) >= 1) {
      this.plot.setSize({ width, height: HEIGHT_PX });
    }
  }

  destroy(): void {
    this.plot.destroy();
    this.element.remove();
  }

  private rangeX(u: uPlot, min: number, max: number): uPlot.Range.MinMax {
    const xs = u.data[0];
    const last = xs.length ? xs[xs.length - 1]! : max;
    if (this.xRange.spanSec !== undefined && Number.isFinite(last)) {
      return [last - this.xRange.spanSec, last];
    }
    return min === max ? [min - 1, max + 1] : [min, max];
  }

  /** "CPU 12% now, min 3%, max 48% over the last 5 minutes." for each shown series. */
  private describe(x: number[], ys: Column[], range: RangeId): string {
    if (x.length === 0) {
      return `${this.o.title}: no data yet.`;
    }
    const parts: string[] = [];
    this.o.series.forEach((s, i) => {
      const col = ys[i];
      if (!col || this.o.hidden.has(s.key)) {
        return;
      }
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let last: number | null = null;
      for (const v of col) {
        if (v !== null) {
          if (v < min) {
            min = v;
          }
          if (v > max) {
            max = v;
          }
          last = v;
        }
      }
      const name = this.o.series.length === 1 ? this.o.title : s.label;
      parts.push(
        last === null
          ? `${name}: no data`
          : `${name} ${formatValue(last, s.unit)} now, min ${formatValue(min, s.unit)}, max ${formatValue(max, s.unit)}`,
      );
    });
    return `${parts.join('; ')} over ${rangeWords(range)}.`;
  }

  private drawBands(u: uPlot): void {
    if (this.markers.length === 0) {
      return;
    }
    const { left, top, width, height } = u.bbox;
    const ctx = u.ctx;
    const p = this.o.palette;
    ctx.save();
    for (const m of this.markers) {
      const fromPx = u.valToPos(m.fromMs / 1000, 'x', true);
      const toPx = m.toMs === undefined ? left + width : u.valToPos(m.toMs / 1000, 'x', true);
      const x0 = Math.max(left, Math.min(fromPx, left + width));
      const x1 = Math.max(left, Math.min(toPx, left + width));
      if (x1 - x0 < 1) {
        continue;
      }
      const color = m.kind === 'anomaly' ? p.anomaly : m.level === 'info' ? p.info : m.level === 'warning' ? p.warning : p.error;
      ctx.fillStyle = color;
      ctx.globalAlpha = 0.16;
      ctx.fillRect(x0, top, x1 - x0, height);
      // A solid edge on top tells bands apart where they overlap.
      ctx.globalAlpha = 0.9;
      ctx.fillRect(x0, top, x1 - x0, Math.max(2, Math.round(2 * devicePixelRatio)));
    }
    ctx.restore();
  }
}

/** What each kind of band means, in legend order (colours: dashboard.css, as drawBands picks them). */
const BAND_KINDS: readonly (readonly [string, string])[] = [
  ['critical', 'Critical alert firing'],
  ['error', 'Error alert firing'],
  ['warning', 'Warning alert firing'],
  ['info', 'Info alert firing'],
  ['anomaly', 'Anomaly: unusual for this series'],
];

/** Scale range from zero for non-negative data, with headroom; 0–100 at least for percentages. */
function niceRange(min: number | null, max: number | null, unit: Unit): uPlot.Range.MinMax {
  if (unit === 'timestamp') {
    // Points in time: around the values, never from 1970.
    const lo = min === null || !Number.isFinite(min) ? 0 : min;
    const hi = max === null || !Number.isFinite(max) ? lo + 1 : max;
    const pad = Math.max(60, (hi - lo) * 0.1);
    return [lo - pad, hi + pad];
  }
  const lo = min === null || !Number.isFinite(min) ? 0 : Math.min(0, min);
  let hi = max === null || !Number.isFinite(max) ? 1 : max;
  if (unit === 'percent') {
    return [lo, Math.max(hi * 1.1, 10)];
  }
  if (unit === 'ratio') {
    return [lo, Math.max(hi * 1.1, 0.1)];
  }
  hi = hi > lo ? hi + (hi - lo) * 0.1 : lo + 1;
  return [lo, hi];
}
