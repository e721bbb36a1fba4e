/** The header: what is watched, its health, and whether the figures are live. */
import * as l10n from '@vscode/l10n';
import { HeaderDto } from '../shared/protocol';
import { HealthStatus } from '../shared/vocabulary';
import { h, icon, replaceChildren } from './dom';
import { formatUptime } from './format';

// Functions: read in the page's display language, after it was set. The status is said by icon and word.
const STATUS = (): Readonly<Record<HealthStatus, { text: string; icon: string }>> => ({
  healthy: { text: l10n.t('Healthy'), icon: 'pass' },
  warning: { text: l10n.t('Warning'), icon: 'warning' },
  critical: { text: l10n.t('Critical'), icon: 'error' },
  unknown: { text: l10n.t('Unknown'), icon: 'question' },
});

const STATE_TEXT = (): Readonly<Record<HeaderDto['state'], string>> => ({
  running: l10n.t('Running'),
  notRunning: l10n.t('Not running'),
  unconfigured: l10n.t('Not configured'),
  stale: l10n.t('Stale — no fresh data'),
});

export class HeaderView {
  readonly element = h('header', { className: 'dash-header', attrs: { 'aria-label': l10n.t('Watched server') } });

  render(header: HeaderDto): void {
    const status = STATUS()[header.status];
    const details: string[] = [];
    if (header.service !== undefined) {
      details.push(header.service);
    }
    if (header.pid !== undefined) {
      details.push(`pid ${header.pid}`);
    }
    if (header.port !== undefined) {
      details.push(l10n.t('port {0}', header.port));
    }
    if (header.uptimeSeconds !== undefined && header.state === 'running') {
      details.push(l10n.t('up {0}', formatUptime(header.uptimeSeconds)));
    }
    replaceChildren(
      this.element,
      h('h1', { className: 'name', text: header.name }),
      h('span', { className: `badge status-${header.status}`, attrs: { role: 'status' } }, icon(status.icon), ` ${status.text}`),
      header.state !== 'running' ? h('span', { className: `badge state-${header.state}`, text: STATE_TEXT()[header.state] }) : null,
      details.length ? h('span', { className: 'details', text: details.join(' · ') }) : null,
      header.message ? h('p', { className: 'message', text: header.message }) : null,
      // What Prometheus would do with the latest scrape; the figures below are what the monitor could read.
      header.verdict ? h('p', { className: 'verdict', attrs: { role: 'note' } }, icon('warning'), ` ${l10n.t('{0} — the charts show what the monitor could read.', header.verdict)}`) : null,
    );
    // Tiles and charts dim when the data is not live (see dashboard.css).
    document.body.dataset.targetState = header.state;
  }
}
