/**
 * A chart's figures as a table: the alternative to the canvas for people who do not
 * see it (screen readers) or do not use a mouse. One row per series — latest, min,
 * max over the range shown, and the trend in words — formatted exactly as the chart
 * formats its axes and legend (formatValue). Inside a <details>, so it costs no room
 * until opened; its summary is reachable with Tab and opens with Enter or Space.
 */
import * as l10n from '@vscode/l10n';
import { linearTrend, TrendDirection } from '../core/analyze/trend';
import { trendWord } from '../core/i18n/words';
import { formatValue } from '../core/units';
import { Unit } from '../shared/vocabulary';
import { h, replaceChildren } from './dom';
import { Column } from './seriesData';

export interface ColumnStats {
  /** Newest non-null value, or null when the range holds none. */
  latest: number | null;
  min: number | null;
  max: number | null;
  /** The least-squares trend over the range (src/core/analyze/trend.ts): flat unless significant. */
  trend: TrendDirection;
}

/** Latest, min, max and trend of one column against `timesMs` (no `timesMs`: the trend is not computed, 'flat'). */
export function columnStats(timesMs: ArrayLike<number> | undefined, col: Column | undefined): ColumnStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let latest: number | null = null;
  for (const v of col ?? []) {
    if (v !== null && Number.isFinite(v)) {
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
      latest = v;
    }
  }
  if (latest === null || !col) {
    return { latest: null, min: null, max: null, trend: 'flat' };
  }
  // Gaps are null; linearTrend skips every non-finite value, null included.
  return { latest, min, max, trend: timesMs ? linearTrend(timesMs, col as ArrayLike<number>).direction : 'flat' };
}

export interface TableRow {
  label: string;
  /** The raw series name, as the legend's tooltip. */
  title?: string;
  unit: Unit;
  stats: ColumnStats;
  /** Switched off in the legend: the table still lists it, and says so. */
  hidden: boolean;
}

/** Arrows beside the words: the direction shows without colour and without reading. */
const TREND_ARROWS: Readonly<Record<TrendDirection, string>> = { rising: '↗', falling: '↘', flat: '→' };

/**
 * The table is written only while it is open: a closed one is marked stale and asks
 * for its rows (`rowsWhenOpened`) when it opens. A chart redraws every few seconds,
 * and rebuilding five closed tables' rows was a fifth of a redraw's script time.
 */
export class ChartTable {
  readonly element: HTMLDetailsElement;
  private readonly body = h('tbody');
  private stale = false;

  constructor(id: string, title: string, rowsWhenOpened: () => readonly TableRow[]) {
    const table = h(
      'table',
      { className: 'chart-data', attrs: { id } },
      h('caption', { className: 'visually-hidden', text: l10n.t('{0}: latest, lowest and highest value and trend of each series over the range shown', title) }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { attrs: { scope: 'col' }, text: l10n.t('Series') }),
          h('th', { attrs: { scope: 'col' }, text: l10n.t('Latest') }),
          h('th', { attrs: { scope: 'col' }, text: l10n.t('Min') }),
          h('th', { attrs: { scope: 'col' }, text: l10n.t('Max') }),
          h('th', { attrs: { scope: 'col' }, text: l10n.t('Trend') }),
        ),
      ),
      this.body,
    );
    this.element = h('details', { className: 'chart-table' }, h('summary', { text: l10n.t('Data table') }), table);
    this.element.addEventListener('toggle', () => {
      if (this.element.open && this.stale) {
        this.write(rowsWhenOpened());
      }
    });
  }

  /** Whether the rows are shown (then `update` writes them at once). */
  get isOpen(): boolean {
    return this.element.open;
  }

  /** New figures: written now if the table is open, else when it opens. */
  update(rows: () => readonly TableRow[]): void {
    if (this.element.open) {
      this.write(rows());
    } else {
      this.stale = true;
    }
  }

  private write(rows: readonly TableRow[]): void {
    this.stale = false;
    replaceChildren(
      this.body,
      ...rows.map((r) =>
        h(
          'tr',
          { className: r.hidden ? 'series-off' : undefined, attrs: r.title && r.title !== r.label ? { title: r.title } : {} },
          h('th', { attrs: { scope: 'row' } }, r.label, r.hidden ? h('span', { className: 'note', text: ` (${l10n.t('hidden on the chart')})` }) : null),
          h('td', { className: 'num', text: formatValue(r.stats.latest, r.unit) }),
          h('td', { className: 'num', text: formatValue(r.stats.min, r.unit) }),
          h('td', { className: 'num', text: formatValue(r.stats.max, r.unit) }),
          h(
            'td',
            { attrs: { 'data-trend': r.stats.trend } },
            r.stats.latest === null ? '—' : h('span', { attrs: { 'aria-hidden': 'true' }, text: `${TREND_ARROWS[r.stats.trend]} ` }),
            r.stats.latest === null ? null : trendWord(r.stats.trend),
          ),
        ),
      ),
    );
  }
}
