/**
 * The dashboard page: applies the host's messages to the views, and turns the
 * user's clicks into requests to the host. Owns the page's data (bounded) and its
 * UI state (saved with setState).
 */
import * as l10n from '@vscode/l10n';
import {
  AlertDto,
  ChartId,
  ExemplarDto,
  HostToWebview,
  MarkerDto,
  MAX_SELECTED_SERIES,
  RANGE_IDS,
  RANGE_MS,
  RangeId,
  SeriesDto,
} from '../shared/protocol';
import { AlertsView } from './alertsView';
import { button, h, replaceChildren } from './dom';
import { instanceLabel, rawSeriesLabel, seriesLabel } from './format';
import { HeaderView } from './headerView';
import { IssuesView } from './issuesView';
import { SeriesData } from './seriesData';
import { Palette, readPalette } from './theme';
import { TilesView } from './tilesView';
import { TimeChart } from './timeChart';
import { readUiState, UiState, VsCodeApi } from './vscodeApi';

interface ChartDef {
  id: ChartId;
  title: string;
}

// Functions, not constants: read in the page's display language once it is set.
const FIXED_CHARTS = (): readonly ChartDef[] => [
  { id: 'processCpu', title: l10n.t('Server CPU') },
  { id: 'processMemory', title: l10n.t('Server memory') },
  { id: 'systemUsage', title: l10n.t('Machine CPU and memory') },
  { id: 'systemNetwork', title: l10n.t('Machine network') },
  // A service of many instances (cluster workers, Prometheus targets): one line an instance.
  { id: 'instanceCpu', title: l10n.t('CPU by instance') },
  { id: 'instanceMemory', title: l10n.t('Memory by instance') },
];

/** Charts whose lines are the instances of one series: the legend names the instance alone. */
const BY_INSTANCE: ReadonlySet<ChartId> = new Set<ChartId>(['instanceCpu', 'instanceMemory']);

const RANGE_LABELS = (): Readonly<Record<RangeId, string>> => ({ '1m': '1m', '5m': '5m', '15m': '15m', '1h': '1h', all: l10n.t('All') });
const RANGE_NAMES = (): Readonly<Record<RangeId, string>> => ({
  '1m': l10n.t('Show the last minute'),
  '5m': l10n.t('Show the last 5 minutes'),
  '15m': l10n.t('Show the last 15 minutes'),
  '1h': l10n.t('Show the last hour'),
  all: l10n.t('Show everything kept'),
});

/** Pixels of a chart taken by its axes: the plot area is the chart's width less this. */
const AXES_PX = 80;

export class Dashboard {
  private readonly ui: UiState;
  private readonly data = new SeriesData();
  private catalogue: SeriesDto[] = [];
  private markers: MarkerDto[] = [];
  private exemplars: ExemplarDto[] = [];
  private alerts: AlertDto[] = [];
  private maxPoints = 3600;
  private palette: Palette;
  private readonly charts = new Map<string, TimeChart>();
  private started = false;
  /** Newest x (seconds) the charts were drawn with, and the plot width they were drawn at. */
  private lastDrawnX = Number.NEGATIVE_INFINITY;
  private chartWidthPx = 600;

  private readonly header = new HeaderView();
  private readonly tiles = new TilesView();
  private readonly alertsView: AlertsView;
  private readonly issuesView = new IssuesView();
  private readonly rangeButtons = new Map<RangeId, HTMLButtonElement>();
  private readonly pauseButton: HTMLButtonElement;
  private readonly pausedNote = h('span', { className: 'paused-note', attrs: { role: 'status' } });
  private readonly chartGrid = h('div', { className: 'chart-grid' });
  private readonly serverSlot = h('div', { className: 'server-chart' });
  private readonly picker = h('details', { className: 'picker' });
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
  ) {
    this.ui = readUiState(api.getState());
    this.palette = readPalette();
    this.alertsView = new AlertsView((id, minutes) => this.api.postMessage({ type: 'snooze', alertId: id, minutes }));

    const rangeGroup = h('div', { className: 'segmented', attrs: { role: 'group', 'aria-label': l10n.t('Time range') } });
    for (const r of RANGE_IDS) {
      // The visible "5m" is the button's name (what a voice user says); the sentence is its description.
      const b = button(RANGE_LABELS()[r], undefined, () => this.setRange(r), {
        'aria-pressed': 'false',
        title: RANGE_NAMES()[r],
        'data-range': r,
      });
      this.rangeButtons.set(r, b);
      rangeGroup.appendChild(b);
    }
    this.pauseButton = button(l10n.t('Pause'), 'debug-pause', () => this.setPaused(!this.ui.paused), {
      'aria-pressed': 'false',
      'aria-label': l10n.t('Pause the charts'),
      'data-action': 'pause',
    });
    const report = button(l10n.t('Performance report'), 'output', () => this.api.postMessage({ type: 'openReport' }), {
      'data-action': 'report',
    });
    // The visible text stays the name (WCAG 2.5.3); the longer sentence is the tooltip and description.
    const compare = button(l10n.t('Compare runs…'), 'git-compare', () => this.api.postMessage({ type: 'compareRuns' }), {
      'data-action': 'compare-runs',
      title: l10n.t('Compare two runs of the server'),
    });
    const toolbar = h('div', { className: 'toolbar' }, rangeGroup, this.pauseButton, this.pausedNote, report, compare);

    const chartsSection = h(
      'section',
      { className: 'charts', attrs: { 'aria-labelledby': 'charts-title' } },
      h('h2', { attrs: { id: 'charts-title' }, text: l10n.t('Charts') }),
      this.chartGrid,
      h('h2', { attrs: { id: 'server-title' }, text: l10n.t('Server metrics') }),
      this.picker,
      this.serverSlot,
    );
    replaceChildren(root, this.header.element, toolbar, this.tiles.element, this.alertsView.element, chartsSection, this.issuesView.element);
    root.setAttribute('aria-busy', 'true');
    this.renderControls();

    this.resizeObserver = new ResizeObserver(() => {
      this.resizeCharts();
      this.tiles.measure();
      this.tiles.update(this.data);
    });
    this.resizeObserver.observe(this.chartGrid);
    this.resizeObserver.observe(this.tiles.element);
  }

  /** The state the host needs on `ready` to send the right window first time. */
  readyMessage(): { type: 'ready'; range?: RangeId; selectedSeries?: string[]; plotWidthPx: number } {
    this.sentPlotWidthPx = this.plotWidthPx();
    return { type: 'ready', range: this.ui.range, selectedSeries: this.ui.selected, plotWidthPx: this.sentPlotWidthPx };
  }

  /**
   * The narrowest chart's plot area (its width less the axes), px: the host sends no
   * more points than this, choosing a coarser tier for long ranges.
   */
  private plotWidthPx(): number {
    const width = this.chartWidth();
    const server = this.serverSlot.clientWidth ? Math.max(240, this.serverSlot.clientWidth) : width;
    return Math.max(1, Math.min(width, server) - AXES_PX);
  }

  /** The plot width the host was last told. */
  private sentPlotWidthPx = 0;

  handle(msg: HostToWebview): void {
    switch (msg.type) {
      case 'init':
        this.started = true;
        this.ui.range = this.ui.range ?? msg.ui.range;
        this.maxPoints = msg.ui.maxPoints;
        if (!this.ui.selected) {
          this.ui.selected = msg.ui.selectedSeries;
        }
        this.catalogue = msg.catalogue;
        this.markers = msg.markers;
        // Exemplars follow init in their own message when there are any.
        this.exemplars = [];
        this.alerts = msg.alerts;
        this.header.render(msg.header);
        this.alertsView.render(msg.alerts, Date.now());
        this.issuesView.render(msg.issues);
        this.data.replace(msg.columns);
        this.rebuild();
        this.renderControls();
        this.root.setAttribute('aria-busy', 'false');
        return;
      case 'window':
        this.data.replace(msg.columns);
        this.refreshData(true);
        return;
      case 'append':
        this.data.append(msg.columns);
        this.refreshData(false);
        return;
      case 'header':
        this.header.render(msg.header);
        return;
      case 'alerts':
        this.alerts = msg.alerts;
        this.alertsView.render(msg.alerts, Date.now());
        return;
      case 'issues':
        this.issuesView.render(msg.issues);
        return;
      case 'markers':
        this.markers = msg.markers;
        for (const c of this.charts.values()) {
          c.setMarkers(this.markers);
        }
        return;
      case 'exemplars':
        this.exemplars = msg.exemplars;
        for (const c of this.charts.values()) {
          c.setExemplars(this.exemplars);
        }
        return;
      case 'catalogue':
        this.catalogue = msg.catalogue;
        this.rebuild();
        return;
    }
  }

  /** Colours changed: charts are rebuilt with the new palette. */
  onThemeChange(): void {
    this.palette = readPalette();
    if (this.started) {
      this.rebuild();
    }
  }

  private get range(): RangeId {
    return this.ui.range ?? '5m';
  }

  private save(): void {
    this.api.setState(this.ui);
  }

  private setRange(r: RangeId): void {
    this.ui.range = r;
    this.save();
    this.renderControls();
    this.sentPlotWidthPx = this.plotWidthPx();
    this.api.postMessage({ type: 'setRange', range: r, plotWidthPx: this.sentPlotWidthPx });
    // Show what is held at once; the host's window message fills in the rest.
    this.refreshData(true);
  }

  private setPaused(paused: boolean): void {
    this.ui.paused = paused;
    this.save();
    this.renderControls();
    if (paused) {
      // Charts keep a copy: the live arrays keep sliding while paused.
      this.drawCharts(true);
    } else {
      this.refreshData(true);
    }
  }

  private renderControls(): void {
    for (const [r, b] of this.rangeButtons) {
      b.setAttribute('aria-pressed', String(r === this.range));
    }
    const paused = this.ui.paused;
    this.pauseButton.setAttribute('aria-pressed', String(paused));
    this.pauseButton.setAttribute('aria-label', paused ? l10n.t('Resume the charts') : l10n.t('Pause the charts'));
    replaceChildren(
      this.pauseButton,
      h('span', { className: `codicon codicon-${paused ? 'debug-continue' : 'debug-pause'}`, attrs: { 'aria-hidden': 'true' } }),
      h('span', { className: 'label', text: paused ? l10n.t('Resume') : l10n.t('Pause') }),
    );
    this.pausedNote.textContent = paused ? l10n.t('Charts paused; figures above stay live.') : '';
  }

  /** Rebuilds tiles, charts and picker from the catalogue, then draws the data. */
  private rebuild(): void {
    for (const c of this.charts.values()) {
      c.destroy();
    }
    this.charts.clear();
    this.tiles.build(this.catalogue, this.palette);
    const width = this.chartWidth();
    this.chartWidthPx = width;
    for (const def of FIXED_CHARTS()) {
      const series = this.catalogue.filter((s) => s.chart === def.id);
      if (series.length === 0) {
        continue;
      }
      const chart = this.makeChart(`chart-${def.id}`, def.title, series, width, BY_INSTANCE.has(def.id));
      this.chartGrid.appendChild(chart.element);
    }
    const byKey = new Map(this.catalogue.map((s) => [s.key, s]));
    const picked = (this.ui.selected ?? []).map((k) => byKey.get(k)).filter((s): s is SeriesDto => s?.chart === 'server');
    if (picked.length > 0) {
      replaceChildren(this.serverSlot, this.makeChart('chart-server', l10n.t('Picked server series'), picked, this.serverSlot.clientWidth || width).element);
    } else {
      replaceChildren(this.serverSlot, h('p', { className: 'empty', text: this.serverEmptyText() }));
    }
    this.renderPicker();
    this.refreshData(true);
  }

  private serverEmptyText(): string {
    return this.catalogue.some((s) => s.chart === 'server')
      ? l10n.t('Pick series above to chart the server’s own metrics.')
      : l10n.t('No metrics scraped from the server yet. Set chatroomMonitor.metrics.url to its /metrics endpoint.');
  }

  private makeChart(id: string, title: string, series: SeriesDto[], width: number, byInstance = false): TimeChart {
    const hidden = new Set(this.ui.hidden);
    const chart = new TimeChart({
      id,
      title,
      series: series.map((s) => ({
        key: s.key,
        label: byInstance && s.labels.instance !== undefined ? instanceLabel(s.labels.instance) : seriesLabel(s.name, s.labels),
        title: rawSeriesLabel(s.name, s.labels),
        unit: s.unit,
      })),
      hidden,
      palette: this.palette,
      width,
      onToggle: (key, shown) => {
        const set = new Set(this.ui.hidden);
        if (shown) {
          set.delete(key);
        } else {
          set.add(key);
        }
        this.ui.hidden = [...set];
        this.save();
      },
      onPick: (atMs) => this.api.postMessage({ type: 'showTraces', atMs }),
      onExemplar: (traceId, atMs) => this.api.postMessage({ type: 'showTrace', traceId, atMs }),
    });
    chart.setMarkers(this.markers);
    if (this.exemplars.length > 0) chart.setExemplars(this.exemplars);
    this.charts.set(id, chart);
    return chart;
  }

  private renderPicker(): void {
    const server = this.catalogue.filter((s) => s.chart === 'server');
    const selected = new Set(this.ui.selected ?? []);
    const picked = [...selected].filter((k) => server.some((s) => s.key === k)).length;
    const summary = h('summary', { text: l10n.t('Choose series ({0} of {1})', picked, server.length) });
    const filter = h('input', { attrs: { type: 'search', placeholder: l10n.t('Filter series'), 'aria-label': l10n.t('Filter series') } });
    const list = h('ul', { className: 'picker-list' });
    const items: { s: SeriesDto; li: HTMLLIElement; box: HTMLInputElement; text: string }[] = [];
    for (const s of server) {
      const text = seriesLabel(s.name, s.labels);
      const raw = rawSeriesLabel(s.name, s.labels);
      const box = h('input', { attrs: { type: 'checkbox', 'data-key': s.key } });
      box.checked = selected.has(s.key);
      box.addEventListener('change', () => this.toggleSeries(s.key, box.checked));
      const label = h('label', {}, box, ' ', h('span', { text }));
      // The raw series name in the tooltip (and the filter finds it too), then the server's HELP text.
      label.title = s.help ? `${raw}\n${s.help}` : raw;
      const li = h('li', {}, label);
      items.push({ s, li, box, text: text === raw ? text : `${text} ${raw}` });
      list.appendChild(li);
    }
    const full = selected.size >= MAX_SELECTED_SERIES;
    for (const it of items) {
      it.box.disabled = full && !it.box.checked;
    }
    filter.addEventListener('input', () => {
      const q = filter.value.toLowerCase();
      for (const it of items) {
        it.li.hidden = q.length > 0 && !it.text.toLowerCase().includes(q);
      }
    });
    const wasOpen = this.picker.open;
    replaceChildren(this.picker, summary, server.length > 8 ? filter : null, list);
    this.picker.open = wasOpen;
    this.picker.hidden = server.length === 0;
  }

  private toggleSeries(key: string, on: boolean): void {
    const set = new Set(this.ui.selected ?? []);
    if (on) {
      if (set.size >= MAX_SELECTED_SERIES) {
        return;
      }
      set.add(key);
    } else {
      set.delete(key);
    }
    this.ui.selected = [...set];
    this.save();
    this.api.postMessage({ type: 'selectSeries', keys: this.ui.selected });
    this.rebuild();
  }

  /** After data changed: trims to the range, updates tiles, and charts unless paused. */
  private refreshData(force: boolean): void {
    const span = RANGE_MS[this.range];
    const last = this.data.x.length ? this.data.x[this.data.x.length - 1]! : undefined;
    this.data.trim(span !== undefined && last !== undefined ? last - span / 1000 : undefined, this.maxPoints);
    this.tiles.update(this.data);
    if (this.ui.paused) {
      if (force) {
        this.drawCharts(true);
      }
    } else if (force || this.movedAPixel()) {
      this.drawCharts(false);
    }
  }

  /**
   * True when the newest data would move the lines by at least a pixel. Over an
   * hour a one-second tick moves them by a fraction of a pixel: redrawing 40,000
   * points for an invisible change is most of a tick's cost, so those ticks only
   * update the tiles, and the charts catch up on the tick that shows.
   */
  private movedAPixel(): boolean {
    const x = this.data.x;
    if (x.length < 2) {
      return true;
    }
    const last = x[x.length - 1]!;
    const span = RANGE_MS[this.range];
    const spanSec = span !== undefined ? span / 1000 : last - x[0]!;
    const secPerPixel = spanSec / Math.max(1, this.chartWidthPx - AXES_PX);
    return last - this.lastDrawnX >= secPerPixel;
  }

  private drawCharts(copy: boolean): void {
    const span = RANGE_MS[this.range];
    const x = copy ? this.data.x.slice() : this.data.x;
    for (const chart of this.charts.values()) {
      const cols = chart.seriesKeys.map((k) => {
        const c = this.data.column(k);
        return copy ? c?.slice() : c;
      });
      chart.setData(x, cols, this.range, { spanSec: span === undefined ? undefined : span / 1000 });
    }
    this.lastDrawnX = x.length ? x[x.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  private chartWidth(): number {
    const w = this.chartGrid.clientWidth || this.root.clientWidth || 600;
    // Two columns when there is room for two readable charts.
    return Math.max(240, Math.floor(w >= 900 ? (w - 16) / 2 : w));
  }

  private resizeCharts(): void {
    const width = this.chartWidth();
    this.chartWidthPx = width;
    for (const [id, c] of this.charts) {
      c.setWidth(id === 'chart-server' ? Math.max(240, this.serverSlot.clientWidth || width) : width);
    }
    // A plot a tenth narrower or wider needs another tier: ask for the window again.
    const plot = this.plotWidthPx();
    if (this.started && Math.abs(plot - this.sentPlotWidthPx) > this.sentPlotWidthPx / 10) {
      this.sentPlotWidthPx = plot;
      this.api.postMessage({ type: 'setRange', range: this.range, plotWidthPx: plot });
    }
  }
}
