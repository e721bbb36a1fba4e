/** Active alerts, each with snooze buttons; one button snoozes them all. */
import * as l10n from '@vscode/l10n';
import { AlertDto } from '../shared/protocol';
import { AlertLevel } from '../shared/vocabulary';
import { button, h, icon, replaceChildren } from './dom';
import { clockTime } from './format';

const LEVEL_ICON: Readonly<Record<AlertLevel, string>> = { info: 'info', warning: 'warning', error: 'error', critical: 'flame' };

/** Snooze choices offered, in minutes. */
const SNOOZE_MINUTES = [15, 60] as const;

export class AlertsView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { className: 'alert-list' });
  private readonly snoozeAll: HTMLButtonElement;
  private readonly count = h('span', { className: 'count' });

  constructor(private readonly onSnooze: (alertId: string, minutes: number) => void) {
    this.snoozeAll = button(l10n.t('Snooze all for 1 hour'), 'bell-slash', () => this.onSnooze('all', 60), {
      'aria-label': l10n.t('Snooze all alerts for 1 hour'),
    });
    this.element = h(
      'section',
      { className: 'alerts', attrs: { 'aria-labelledby': 'alerts-title' } },
      h('div', { className: 'section-head' }, h('h2', { attrs: { id: 'alerts-title' } }, 'Alerts ', this.count), this.snoozeAll),
      // Polite: a new alert is announced without interrupting what the user is reading.
      h('div', { attrs: { 'aria-live': 'polite' } }, this.list),
    );
  }

  render(alerts: readonly AlertDto[], nowMs: number): void {
    const active = alerts.filter((a) => a.state !== 'resolved');
    this.count.textContent = `(${active.length})`;
    this.snoozeAll.disabled = active.length === 0;
    if (alerts.length === 0) {
      replaceChildren(this.list, h('li', { className: 'empty', text: 'No active alerts.' }));
      return;
    }
    replaceChildren(this.list, ...alerts.map((a) => this.item(a, nowMs)));
  }

  private item(a: AlertDto, nowMs: number): HTMLLIElement {
    const stateText =
      a.state === 'firing' ? `firing since ${clockTime(a.sinceMs)}` : a.state === 'pending' ? `pending since ${clockTime(a.sinceMs)}` : `resolved at ${clockTime(a.sinceMs)}`;
    const notes: string[] = [stateText];
    if (a.snoozedUntilMs !== undefined && a.snoozedUntilMs > nowMs) {
      notes.push(`snoozed until ${clockTime(a.snoozedUntilMs)}`);
    }
    if (a.inhibited) {
      notes.push('hidden by a more severe alert');
    }
    const actions =
      a.state === 'resolved'
        ? null
        : h(
            'div',
            { className: 'actions' },
            ...SNOOZE_MINUTES.map((m) =>
              button(m < 60 ? `${m} min` : `${m / 60} h`, 'bell-slash', () => this.onSnooze(a.id, m), {
                'aria-label': `Snooze "${a.title}" for ${m < 60 ? `${m} minutes` : `${m / 60} hour`}`,
              }),
            ),
          );
    return h(
      'li',
      { className: `alert level-${a.level} state-${a.state}`, attrs: { 'data-alert-id': a.id } },
      icon(LEVEL_ICON[a.level]),
      h(
        'div',
        { className: 'alert-body' },
        h('div', { className: 'alert-title' }, h('strong', { text: a.title }), h('span', { className: 'alert-state', text: ` — ${notes.join(', ')}` })),
        h('p', { className: 'alert-message', text: a.message }),
      ),
      actions,
    );
  }
}
