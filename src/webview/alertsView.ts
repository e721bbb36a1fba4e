/** Active alerts, each with snooze buttons; one button snoozes them all. */
import * as l10n from '@vscode/l10n';
import { AlertDto } from '../shared/protocol';
import { AlertLevel } from '../shared/vocabulary';
import { levelWord } from '../core/i18n/words';
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
    // The visible text is the whole name: a voice user says what they see (WCAG 2.5.3).
    this.snoozeAll = button(l10n.t('Snooze all alerts for 1 hour'), 'bell-slash', () => this.onSnooze('all', 60), {
      'data-action': 'snooze-all',
    });
    this.element = h(
      'section',
      { className: 'alerts', attrs: { 'aria-labelledby': 'alerts-title' } },
      h('div', { className: 'section-head' }, h('h2', { attrs: { id: 'alerts-title' } }, `${l10n.t('Alerts')} `, this.count), this.snoozeAll),
      // Polite: a new alert is announced without interrupting what the user is reading.
      h('div', { attrs: { 'aria-live': 'polite' } }, this.list),
    );
  }

  render(alerts: readonly AlertDto[], nowMs: number): void {
    const active = alerts.filter((a) => a.state !== 'resolved');
    this.count.textContent = `(${active.length})`;
    this.snoozeAll.disabled = active.length === 0;
    if (alerts.length === 0) {
      replaceChildren(this.list, h('li', { className: 'empty', text: l10n.t('No active alerts.') }));
      return;
    }
    replaceChildren(this.list, ...alerts.map((a) => this.item(a, nowMs)));
  }

  private item(a: AlertDto, nowMs: number): HTMLLIElement {
    const since = clockTime(a.sinceMs);
    const stateText =
      a.state === 'firing' ? l10n.t('firing since {0}', since) : a.state === 'pending' ? l10n.t('pending since {0}', since) : l10n.t('resolved at {0}', since);
    const notes: string[] = [stateText];
    if (a.snoozedUntilMs !== undefined && a.snoozedUntilMs > nowMs) {
      notes.push(l10n.t('snoozed until {0}', clockTime(a.snoozedUntilMs)));
    }
    if (a.inhibited) {
      notes.push(l10n.t('hidden by a more severe alert'));
    }
    const actions =
      a.state === 'resolved'
        ? null
        : h(
            'div',
            { className: 'actions' },
            ...SNOOZE_MINUTES.map((m) => {
              const howLong = m < 60 ? l10n.t('{0} min', m) : l10n.t('{0} h', m / 60);
              // The name holds the visible text ("1 h"), then says which alert (WCAG 2.5.3).
              return button(howLong, 'bell-slash', () => this.onSnooze(a.id, m), {
                'aria-label': l10n.t('Snooze for {0}: {1}', howLong, a.title),
              });
            }),
          );
    return h(
      'li',
      { className: `alert level-${a.level} state-${a.state}`, attrs: { 'data-alert-id': a.id } },
      icon(LEVEL_ICON[a.level]),
      h(
        'div',
        { className: 'alert-body' },
        // The level in words beside its icon and colour: colour is never the only signal.
        h(
          'div',
          { className: 'alert-title' },
          h('span', { className: 'level-word', text: levelWord(a.level) }),
          ' ',
          h('strong', { text: a.title }),
          h('span', { className: 'alert-state', text: ` — ${notes.join(l10n.t({ message: ', ', comment: 'between notes on an alert' }))}` }),
        ),
        h('p', { className: 'alert-message', text: a.message }),
      ),
      actions,
    );
  }
}
