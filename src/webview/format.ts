/**
 * Words and times for the page. Values by unit: formatValue in src/core/units.ts
 * (one formatter for the page, the status bar, alerts and the report).
 */
import * as l10n from '@vscode/l10n';
import { visibleText } from '../core/text/inertText';
import { formatDuration } from '../core/format';
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
