/**
 * One time-series chart: a uPlot plot inside a <figure>, with alert and anomaly
 * bands drawn under the lines, lines at the moments a run started, a file was
 * saved, a git commit was made or an automated action ran (with a short label), and a legend naming each kind of mark shown, one y
 * axis per unit (left, right, left…), a legend that shows values at the cursor
 * (synced across charts), and a text summary for screen readers. OpenMetrics exemplars
 * on its latency lines are small diamonds at (time, value): a click on one, or its
 * button in the list under the chart, opens that request's trace.
 */
import * as l10n from '@vscode/l10n';
import uPlot from 'uplot';
import { ExemplarDto, MarkerDto, MarkerKind, MOMENT_MARKER_KINDS, RangeId } from '../shared/protocol';
import { Unit } from '../shared/vocabulary';
import { button, h, replaceChildren } from './dom';
import { formatValue } from '../core/units';
import { clockTimeSeconds, momentText, rangeWords, timeAxisValues } from './format';
import { ChartTable, columnStats, ColumnStats, TableRow } from './chartTable';
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
  /**
   * A point picked — clicked, or chosen with the arrow keys and Enter on the focused
   * chart — with its time (ms since the epoch): the host shows the slowest traces of
   * that moment, so a latency spike leads to the requests that made it.
   */
  onPick?(atMs: number): void;
  /** An exemplar picked (its diamond clicked, or its button): the host opens its trace. */
  onExemplar?(traceId: string, atMs: number): void;
}

/** A click this close to a diamond (CSS px) opens its trace rather than picking the moment. */
const EXEMPLAR_HIT_PX = 6;
/** Half the diagonal of an exemplar's diamond, CSS px. */
const EXEMPLAR_SIZE_PX = 4;
/** Buttons under the chart: the slowest exemplars in range, for the keyboard and screen readers. */
const EXEMPLAR_BUTTONS = 5;

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
  private readonly table: ChartTable;
  /** The legend's toggles, one per series (index = series index − 1). */
  private readonly toggles: HTMLButtonElement[] = [];
  /** Series switched off in the legend, kept current as the user toggles. */
  private readonly hidden: Set<string>;
  private markers: MarkerDto[] = [];
  /** Exemplars on this chart's series, oldest first. */
  private exemplars: ExemplarDto[] = [];
  private readonly exemplarList: HTMLDivElement;
  private exemplarListKey = '';
  private xRange: XRange = { spanSec: undefined };
  /** What the summary and table were last written from, to rewrite them when a series is toggled. */
  private lastStats: ColumnStats[] = [];
  /** Whether lastStats hold the trends (computed only while the table is open). */
  private trendsDone = false;
  private lastRange: RangeId = '5m';
  private lastPoints = 0;
  /** The point the keyboard is on (an index into the x values), until the data moves on. */
  private keyIndex: number | undefined;
  private readonly pointNote: HTMLParagraphElement;

  constructor(private readonly o: TimeChartOptions) {
    const summaryId = `${o.id}-summary`;
    this.hidden = new Set(o.hidden);
    this.plotHost = h('div', { className: 'plot' });
    this.summary = h('p', { className: 'visually-hidden', attrs: { id: summaryId } });
    this.bandLegend = h('ul', { className: 'band-legend', attrs: { 'aria-label': l10n.t('Bands on this chart') } });
    this.table = new ChartTable(`${o.id}-table`, o.title, () => this.tableRows(true));
    this.pointNote = h('p', { className: 'visually-hidden point-note', attrs: { role: 'status' } });
    this.exemplarList = h('div', { className: 'exemplar-list', attrs: { role: 'group', 'aria-label': l10n.t('Slowest traced requests in range') } });
    this.exemplarList.hidden = true;
    const pickable = o.onPick !== undefined;
    this.element = h(
      'figure',
      {
        className: `chart${pickable ? ' pickable' : ''}`,
        attrs: {
          id: o.id,
          'aria-label': o.title,
          'data-points': '0',
          ...(pickable ? { tabindex: '0', 'aria-keyshortcuts': 'ArrowLeft ArrowRight Home End Enter' } : {}),
        },
      },
      h('figcaption', { text: o.title }),
      this.plotHost,
      this.bandLegend,
      this.exemplarList,
      this.summary,
      this.table.element,
      this.pointNote,
    );
    if (pickable) {
      this.plotHost.title = l10n.t('Click a point for the slowest traces of that moment.');
    }

    // One y scale per unit, so users (hundreds) and latency (milliseconds) can share a chart.
    const units = [...new Set(o.series.map((s) => s.unit))];
    const scales: uPlot.Scales = {
      x: { time: true, range: (u, min, max) => this.rangeX(u, min, max) },
    };
    for (const unit of units) {
      // The slowest exemplar stays inside the plot even when it is above every quantile line.
      scales[unit] = { range: (_u, min, max) => niceRange(min, this.withExemplars(max, unit), unit) };
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
    const axes: uPlot.Axis[] = [{ stroke: p.muted, grid: { show: false }, ticks: { stroke: p.grid, width: 1 }, values: (_u, splits, _i, _space, incr) => timeAxisValues(splits, incr) }];
    // One axis per unit: seconds never read off a messages-per-second axis.
    units.forEach((unit, i) => axes.push(axis(unit, i % 2 === 0 ? 3 : 1, i === 0)));

    const opts: uPlot.Options = {
      width: o.width,
      height: HEIGHT_PX,
      pxAlign: 1,
      scales,
      axes,
      series: [
        { label: l10n.t('Time'), value: (_u: uPlot, v: number | null) => momentText(v) },
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
      // No drag-zoom here, so no "that was a drag, not a click" filter either: uPlot's default
      // swallows the click whenever its drag start was not recorded, i.e. always with drag off.
      cursor: { sync: { key: SYNC_KEY }, drag: { x: false, y: false, click: () => undefined }, points: { size: 5 } },
      legend: { live: true },
      hooks: {
        drawClear: [(u) => this.drawBands(u)],
        draw: [(u) => this.drawExemplars(u)],
        setSeries: [
          (u, idx) => {
            const spec = idx !== null && idx > 0 ? o.series[idx - 1] : undefined;
            if (spec) {
              const shown = u.series[idx!]?.show !== false;
              if (shown) {
                this.hidden.delete(spec.key);
              } else {
                this.hidden.add(spec.key);
              }
              this.toggles[idx! - 1]?.setAttribute('aria-pressed', String(shown));
              this.writeText();
              if (this.exemplars.length > 0) this.renderExemplarList();
              o.onToggle(spec.key, shown);
            }
          },
        ],
      },
    };
    this.plot = new uPlot(opts, [[], ...o.series.map(() => [])] as uPlot.AlignedData, this.plotHost);
    // The canvas is a picture: its name is the summary sentence (the table holds the figures).
    this.plot.root.querySelector('.u-wrap')?.setAttribute('role', 'img');
    this.plot.root.querySelector('.u-wrap')?.setAttribute('aria-labelledby', summaryId);
    if (pickable) {
      this.plot.over.addEventListener('click', (e) => {
        // A diamond under the pointer opens its request's trace; anywhere else picks the moment.
        const hit = this.exemplarAt(e);
        if (hit) {
          this.o.onExemplar?.(hit.traceId, hit.timeMs);
          return;
        }
        const i = this.plot.cursor.idx;
        if (i !== null && i !== undefined) this.pick(i);
      });
      this.plot.over.addEventListener('mousemove', (e) => {
        // Over a diamond, the tooltip says which request it is.
        const hit = this.exemplarAt(e);
        this.plot.over.title = hit ? this.exemplarTitle(hit) : '';
      });
      this.element.addEventListener('keydown', (e) => this.onKey(e));
    }
    // Legend rows: [Time, ...series]; each series row says its raw name on hover.
    const rows = this.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    o.series.forEach((s, i) => {
      const row = rows[i + 1];
      if (row && s.title) row.title = s.title;
      if (row) this.makeToggle(row, i);
    });
  }

  /**
   * uPlot's legend toggles on a click of the row's header cell, which no keyboard can
   * reach. Its marker and label move into a real button inside that cell: Tab reaches
   * it, Enter and Space click it (the click bubbles to uPlot's own handler, so mouse and
   * keyboard take one path), and aria-pressed says whether the series is shown.
   */
  private makeToggle(row: HTMLElement, i: number): void {
    const cell = row.querySelector('th');
    if (!cell) {
      return;
    }
    const toggle = h('button', {
      className: 'legend-toggle',
      attrs: { type: 'button', 'aria-pressed': String(!this.hidden.has(this.o.series[i]!.key)), 'data-series': this.o.series[i]!.key },
    });
    toggle.append(...Array.from(cell.childNodes));
    cell.appendChild(toggle);
    this.toggles[i] = toggle;
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
    // The oldest time drawn (ms): says, without reading pixels, how far back the chart goes.
    this.element.setAttribute('data-first-ms', x.length ? String(Math.round(x[0]! * 1000)) : '');
    // The trend is only in the table: computed when it is shown (tableRows).
    const timesMs = this.table.isOpen ? x.map((s) => s * 1000) : undefined;
    this.lastStats = ys.map((col) => columnStats(timesMs, col));
    this.trendsDone = timesMs !== undefined;
    this.lastRange = range;
    this.lastPoints = x.length;
    this.writeText();
    if (this.exemplars.length > 0) this.renderExemplarList();
  }

  /** The summary sentence and the data table, from the last data and the legend's current state. */
  private writeText(): void {
    const summary = this.describe();
    if (this.summary.textContent !== summary) {
      this.summary.textContent = summary;
    }
    this.table.update(() => this.tableRows(false));
  }

  /** The table's rows; `opening`: the table was closed, its trends are computed now from the data drawn. */
  private tableRows(opening: boolean): TableRow[] {
    if (opening && !this.trendsDone) {
      const [x, ...ys] = this.plot.data;
      const timesMs = Array.from(x, (s) => s * 1000);
      this.lastStats = ys.map((col) => columnStats(timesMs, col as Column));
      this.trendsDone = true;
    }
    return this.o.series.map((s, i) => ({
      label: s.label,
      title: s.title,
      unit: s.unit,
      stats: this.lastStats[i] ?? { latest: null, min: null, max: null, trend: 'flat' },
      hidden: this.hidden.has(s.key),
    }));
  }

  /** The keyboard's way to a point: arrows move along the points, Home/End jump, Enter picks. */
  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.element) return;
    const xs = this.plot.data[0];
    if (xs.length === 0) return;
    const last = xs.length - 1;
    const at = this.keyIndex !== undefined && this.keyIndex <= last ? this.keyIndex : last;
    let next: number | undefined;
    if (e.key === 'ArrowLeft') next = Math.max(0, at - 1);
    else if (e.key === 'ArrowRight') next = Math.min(last, at + 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = last;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.pick(at);
      return;
    } else return;
    e.preventDefault();
    this.keyIndex = next;
    const x = xs[next]!;
    // The cursor (and the legend's values, synced across charts) follows the keyboard.
    this.plot.setCursor({ left: this.plot.valToPos(x, 'x'), top: this.plot.over.clientHeight / 2 });
    this.pointNote.textContent = l10n.t('{0}: {1}. Enter shows the slowest traces of that moment.', clockTimeSeconds(x * 1000), this.valuesAt(next));
  }

  private pick(index: number): void {
    const x = this.plot.data[0][index];
    if (x !== undefined && Number.isFinite(x)) this.o.onPick?.(Math.round(x * 1000));
  }

  /** "Latency p95 182 ms, Messages/s 40" at one point, for the live note. */
  private valuesAt(index: number): string {
    return this.o.series
      .map((s, i) => {
        const v = this.plot.data[i + 1]?.[index];
        return this.hidden.has(s.key) || v === null || v === undefined ? undefined : `${s.label} ${formatValue(v, s.unit)}`;
      })
      .filter((t) => t !== undefined)
      .join(', ');
  }

  /**
   * The exemplars the host sent (in the range shown, on the series it sent); this chart
   * keeps those of its own series, draws them, and lists the slowest under the plot.
   */
  setExemplars(exemplars: readonly ExemplarDto[]): void {
    const keys = new Set(this.seriesKeys);
    this.exemplars = exemplars.filter((e) => e.seriesKeys.some((k) => keys.has(k)));
    this.renderBandLegend();
    this.renderExemplarList();
    // Autoscale again: a new slowest exemplar may raise the y range.
    this.plot.setData(this.plot.data);
  }

  /** The shown series an exemplar is drawn with (its scale and colour), if any. */
  private exemplarSeries(e: ExemplarDto): number | undefined {
    for (const k of e.seriesKeys) {
      const i = this.o.series.findIndex((s) => s.key === k);
      if (i >= 0 && !this.hidden.has(k)) return i;
    }
    return undefined;
  }

  /** `max` raised to the largest exemplar drawn on `unit`'s scale. */
  private withExemplars(max: number | null, unit: Unit): number | null {
    let hi = max;
    for (const e of this.exemplars) {
      const i = this.exemplarSeries(e);
      if (i !== undefined && this.o.series[i]!.unit === unit && (hi === null || e.value > hi)) hi = e.value;
    }
    return hi;
  }

  /** Where a diamond is, in CSS px of the plot area; undefined when it is not drawn. */
  private exemplarPos(e: ExemplarDto): { x: number; y: number } | undefined {
    const i = this.exemplarSeries(e);
    if (i === undefined) return undefined;
    const u = this.plot;
    const x = u.valToPos(e.timeMs / 1000, 'x');
    const y = u.valToPos(e.value, this.o.series[i]!.unit);
    const w = u.over.clientWidth;
    const hgt = u.over.clientHeight;
    return Number.isFinite(x) && Number.isFinite(y) && x >= 0 && x <= w && y >= 0 && y <= hgt ? { x, y } : undefined;
  }

  /** The diamond nearest the pointer within EXEMPLAR_HIT_PX, the newest on a tie. */
  private exemplarAt(ev: MouseEvent): ExemplarDto | undefined {
    if (this.exemplars.length === 0) return undefined;
    const r = this.plot.over.getBoundingClientRect();
    const px = ev.clientX - r.left;
    const py = ev.clientY - r.top;
    let best: ExemplarDto | undefined;
    let bestD = EXEMPLAR_HIT_PX;
    for (const e of this.exemplars) {
      const p = this.exemplarPos(e);
      if (!p) continue;
      const d = Math.hypot(p.x - px, p.y - py);
      if (d <= bestD) {
        best = e;
        bestD = d;
      }
    }
    return best;
  }

  private exemplarValueText(e: ExemplarDto): string {
    const i = this.exemplarSeries(e) ?? this.o.series.findIndex((s) => e.seriesKeys.includes(s.key));
    return formatValue(e.value, this.o.series[i]?.unit ?? 'seconds');
  }

  /** "A request of 1.24 s at 14:03:05 (trace 4bf92f35…). Click to open its trace." */
  private exemplarTitle(e: ExemplarDto): string {
    return l10n.t('A request of {0} at {1} (trace {2}). Click to open its trace.', this.exemplarValueText(e), clockTimeSeconds(e.timeMs), e.traceId);
  }

  /**
   * The slowest exemplars in the range as buttons (Tab, Enter): what the diamonds offer
   * the mouse, for the keyboard and screen readers. Rebuilt only when the list changes,
   * so a focused button stays focused as the chart moves on.
   */
  private renderExemplarList(): void {
    const xs = this.plot.data[0];
    const firstSec = this.xRange.spanSec !== undefined && xs.length ? xs[xs.length - 1]! - this.xRange.spanSec : xs[0] ?? Number.NEGATIVE_INFINITY;
    const slowest = this.exemplars
      .filter((e) => e.timeMs / 1000 >= firstSec && this.exemplarSeries(e) !== undefined)
      .sort((a, b) => b.value - a.value || b.timeMs - a.timeMs)
      .slice(0, EXEMPLAR_BUTTONS);
    const key = slowest.map((e) => `${e.traceId}@${e.timeMs}:${e.value}`).join('|');
    if (key === this.exemplarListKey) return;
    this.exemplarListKey = key;
    this.exemplarList.hidden = slowest.length === 0;
    if (slowest.length === 0) {
      replaceChildren(this.exemplarList);
      return;
    }
    replaceChildren(
      this.exemplarList,
      h('span', { className: 'exemplar-list-title', text: l10n.t('Slowest traced requests in range:') }),
      ...slowest.map((e) =>
        button(l10n.t('{0} at {1}', this.exemplarValueText(e), clockTimeSeconds(e.timeMs)), 'pulse', () => this.o.onExemplar?.(e.traceId, e.timeMs), {
          'data-trace-id': e.traceId,
          class: 'exemplar-link',
          title: this.exemplarTitle(e),
        }),
      ),
    );
  }

  setMarkers(markers: MarkerDto[]): void {
    const keys = new Set(this.seriesKeys);
    // Alert periods and moments concern the whole server: every chart shows them.
    this.markers = markers.filter(
      (m) => m.kind !== 'anomaly' || (m.seriesKeys ? m.seriesKeys.some((k) => keys.has(k)) : m.seriesKey === undefined || keys.has(m.seriesKey)),
    );
    this.renderBandLegend();
    this.plot.redraw(false, false);
  }

  /** One entry per kind of band the chart draws, in the band's own colour. */
  private renderBandLegend(): void {
    const kinds = new Set<string>(this.markers.map((m) => (m.kind === 'alert' ? (m.level ?? 'critical') : m.kind)));
    if (this.exemplars.length > 0) kinds.add('exemplar');
    const items = BAND_KINDS()
      .filter(([k]) => kinds.has(k))
      .map(([k, text]) => h('li', { className: `band-${k}` }, h('span', { className: 'band-swatch', attrs: { 'aria-hidden': 'true' } }), text));
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
  private describe(): string {
    if (this.lastPoints === 0) {
      return l10n.t('{0}: no data yet.', this.o.title);
    }
    const parts: string[] = [];
    this.o.series.forEach((s, i) => {
      const st = this.lastStats[i];
      if (!st || this.hidden.has(s.key)) {
        return;
      }
      const name = this.o.series.length === 1 ? this.o.title : s.label;
      parts.push(
        st.latest === null
          ? l10n.t('{0}: no data', name)
          : l10n.t('{0} {1} now, min {2}, max {3}', name, formatValue(st.latest, s.unit), formatValue(st.min, s.unit), formatValue(st.max, s.unit)),
      );
    });
    if (parts.length === 0) {
      return l10n.t('{0}: every series is switched off in the legend.', this.o.title);
    }
    return l10n.t('{0} over {1}.', parts.join(l10n.t({ message: '; ', comment: 'between the series of a chart summary' })), rangeWords(this.lastRange));
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
      if (isMoment(m.kind)) {
        continue;
      }
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
    this.drawMoments(u, ctx);
    ctx.restore();
  }

  /**
   * A line at each moment, told apart by colour and dash (MOMENT_STYLES): a run
   * starting, a file saved, a git commit, an automated action; with its label (pid and
   * commit, the file's name, the commit's subject, the action) at the top when there
   * is room. The label is canvas text: never markup.
   */
  private drawMoments(u: uPlot, ctx: CanvasRenderingContext2D): void {
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio;
    const moments = this.markers.filter((m) => isMoment(m.kind)).sort((a, b) => a.fromMs - b.fromMs);
    let labelEndPx = Number.NEGATIVE_INFINITY;
    ctx.font = `${Math.round(10 * dpr)}px sans-serif`;
    ctx.textBaseline = 'top';
    for (const m of moments) {
      const x = Math.round(u.valToPos(m.fromMs / 1000, 'x', true));
      if (x < left || x > left + width) {
        continue;
      }
      const style = MOMENT_STYLES[m.kind as MomentKind] ?? MOMENT_STYLES.run;
      const color = this.o.palette[style.color];
      ctx.globalAlpha = 0.85;
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(1, Math.round(style.width * dpr));
      ctx.setLineDash(style.dash.map((d) => Math.round(d * dpr)));
      ctx.beginPath();
      ctx.moveTo(x + 0.5, top);
      ctx.lineTo(x + 0.5, top + height);
      ctx.stroke();
      // Labels never overlap: one that would is left to the legend and the tooltip of the next.
      if (m.label && x + 3 * dpr > labelEndPx) {
        const text = m.label;
        const w = ctx.measureText(text).width;
        if (x + 3 * dpr + w <= left + width) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = color;
          ctx.fillText(text, x + 3 * dpr, top + 3 * dpr);
          labelEndPx = x + 3 * dpr + w + 6 * dpr;
        }
      }
    }
    ctx.setLineDash([]);
  }

  /** A diamond per exemplar on a shown series, above the lines: the foreground colour (as its legend swatch), outlined in the background's. */
  private drawExemplars(u: uPlot): void {
    if (this.exemplars.length === 0) return;
    const ctx = u.ctx;
    const dpr = devicePixelRatio;
    const { left, top } = u.bbox;
    const r = EXEMPLAR_SIZE_PX * dpr;
    const p = this.o.palette;
    ctx.save();
    ctx.lineWidth = Math.max(1, Math.round(dpr));
    ctx.strokeStyle = p.background;
    ctx.fillStyle = p.foreground;
    for (const e of this.exemplars) {
      const pos = this.exemplarPos(e);
      if (!pos) continue;
      const x = left + pos.x * dpr;
      const y = top + pos.y * dpr;
      ctx.beginPath();
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
  }
}

function isMoment(kind: MarkerKind): boolean {
  return MOMENT_MARKER_KINDS.includes(kind);
}

type MomentKind = 'run' | 'save' | 'commit' | 'action';

/** Each moment's line: colour (from the palette), dash pattern and width in CSS pixels (legend swatches: dashboard.css). */
const MOMENT_STYLES: Readonly<Record<MomentKind, { color: 'foreground' | 'info' | 'anomaly' | 'warning'; dash: number[]; width: number }>> = {
  run: { color: 'foreground', dash: [], width: 1 },
  save: { color: 'info', dash: [4, 3], width: 1 },
  commit: { color: 'anomaly', dash: [1, 2], width: 1.5 },
  action: { color: 'warning', dash: [], width: 2 },
};

/** What each kind of mark means, in legend order (colours: dashboard.css, as drawBands picks them). */
const BAND_KINDS = (): readonly (readonly [string, string])[] => [
  ['critical', l10n.t('Critical alert firing')],
  ['error', l10n.t('Error alert firing')],
  ['warning', l10n.t('Warning alert firing')],
  ['info', l10n.t('Info alert firing')],
  ['anomaly', l10n.t('Anomaly: unusual for this series')],
  ['run', l10n.t('Server started (a new run)')],
  ['save', l10n.t('File saved')],
  ['commit', l10n.t('Git commit')],
  ['action', l10n.t('Automated action on the server')],
  ['exemplar', l10n.t('A request with its trace (click to open)')],
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
