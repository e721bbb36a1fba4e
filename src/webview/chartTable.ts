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

/** Latest, min, max and trend of one column against `timesMs`. */
export function columnStats(timesMs: ArrayLike<number>, col: Column | undefined): ColumnStats {
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
  return { latest, min, max, trend: linearTrend(timesMs, col as ArrayLike<number>).direction };
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

export class ChartTable {
  readonly element: HTMLDetailsElement;
  private readonly body = h('tbody');

  constructor(id: string, title: string) {
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
  }

  update(rows: readonly TableRow[]): void {
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
