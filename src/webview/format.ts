/**
 * Words and times for the page. Values by unit: formatValue in src/core/units.ts
 * (one formatter for the page, the status bar, alerts and the report).
 */
import * as l10n from '@vscode/l10n';
import { visibleText } from '../core/text/inertText';
import { formatDuration } from '../core/format';
import { intlLocale } from '../core/i18n/locale';
import { RangeId } from '../shared/protocol';
import { seriesDisplayName } from '../shared/seriesNames';

export function formatUptime(seconds: number): string {
  return formatDuration(seconds * 1000);
}

/** "the last 5 minutes", for chart summaries, in the page's display language. */
export function rangeWords(range: RangeId): string {
  switch (range) {
    case '1m':
      return l10n.t('the last minute');
    case '5m':
      return l10n.t('the last 5 minutes');
    case '15m':
      return l10n.t('the last 15 minutes');
    case '1h':
      return l10n.t('the last hour');
    case 'all':
      return l10n.t('everything kept');
  }
}

/** Local wall-clock time, hours and minutes: when an alert started. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Local wall-clock time to the second: the moment a chart point stands for. */
export function clockTimeSeconds(ms: number): string {
  return `${clockTime(ms)}:${String(new Date(ms).getSeconds()).padStart(2, '0')}`;
}

/** The day formatter of the display language, made once (toLocaleDateString makes one a call: 0.1 ms, on every axis tick of every redraw). */
let dayFormat: { readonly locale: string; readonly format: Intl.DateTimeFormat } | undefined;

/** The local day, month and day, as the display language writes it: "Nov 30", "11月30日". */
export function dayText(ms: number): string {
  const locale = intlLocale();
  if (dayFormat?.locale !== locale) {
    dayFormat = { locale, format: new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }) };
  }
  return dayFormat.format.format(ms);
}

const DAY_SEC = 86_400;

/**
 * The charts' time axis (uPlot's `values`; splits in seconds, `incrSec` the tick step): the
 * page's 24-hour clock (":30" between whole minutes when ticks are seconds apart), with the day under the
 * first tick and wherever the day changes — in the display language, not uPlot's built-in
 * English ("3:39pm 11/30/26").
 */
export function timeAxisValues(splitsSec: readonly number[], incrSec: number): string[] {
  let lastDay = '';
  return splitsSec.map((sec, i) => {
    const ms = sec * 1000;
    const day = dayText(ms);
    const newDay = day !== lastDay;
    lastDay = day;
    if (incrSec >= DAY_SEC) return day;
    // Ticks seconds apart: the whole time on the first and on each new minute, else ":30" (room for the labels).
    const seconds = new Date(ms).getSeconds();
    const time = incrSec >= 60 ? clockTime(ms) : i === 0 || newDay || seconds === 0 ? clockTimeSeconds(ms) : `:${String(seconds).padStart(2, '0')}`;
    return newDay ? `${time}\n${day}` : time;
  });
}

/** A moment under the cursor (the legend's time): day and time to the second, in the display language. */
export function momentText(sec: number | null | undefined): string {
  return sec === null || sec === undefined || !Number.isFinite(sec) ? '—' : `${dayText(sec * 1000)} ${clockTimeSeconds(sec * 1000)}`;
}

/**
 * `name{a="x"}` as shown in legends and the picker, with the built-in series' display name
 * ("Server CPU (% of a core)"); labels are server text, shown
 * literally with hidden characters named and each value bounded (inert text).
 */
export function seriesLabel(name: string, labels: Readonly<Record<string, string>>): string {
  return labelled(seriesDisplayName(name), labels);
}

/** The raw `name{a="x"}`, for the tooltip beside a display name (and for people who search by it). */
export function rawSeriesLabel(name: string, labels: Readonly<Record<string, string>>): string {
  return labelled(name, labels);
}

function labelled(name: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${visibleText(k, 60)}="${visibleText(labels[k], 120)}"`);
  return parts.length ? `${name}{${parts.join(', ')}}` : name;
}

/** An instance (`127.0.0.1:9101`, `pid 4242`) as a legend names it: its label value, inert and bounded. */
export function instanceLabel(instance: string): string {
  return visibleText(instance, 80);
}
