/** The analyzer's findings: what is wrong, the figures behind it, and what to do. */
import * as l10n from '@vscode/l10n';
import { IssueDto } from '../shared/protocol';
import { Severity } from '../shared/vocabulary';
import { levelWord } from '../core/i18n/words';
import { h, icon, replaceChildren } from './dom';

const SEVERITY_ICON: Readonly<Record<Severity, string>> = { info: 'info', warning: 'warning', critical: 'error' };

export class IssuesView {
  private readonly body = h('div', { className: 'issue-list' });
  readonly element = h(
    'section',
    { className: 'issues', attrs: { 'aria-labelledby': 'issues-title' } },
    h('h2', { attrs: { id: 'issues-title' }, text: l10n.t('Issues and recommendations') }),
    this.body,
  );

  render(issues: readonly IssueDto[]): void {
    if (issues.length === 0) {
      replaceChildren(this.body, h('p', { className: 'empty', text: l10n.t('No issues found in the recent data.') }));
      return;
    }
    replaceChildren(this.body, ...issues.map((i) => this.issue(i)));
  }

  private issue(i: IssueDto): HTMLElement {
    const evidence = i.evidence.length
      ? h('dl', { className: 'evidence' }, ...i.evidence.flatMap((e) => [h('dt', { text: e.label }), h('dd', { text: e.value })]))
      : null;
    const list = (title: string, items: string[]): HTMLElement | null =>
      items.length ? h('div', { className: 'recs' }, h('h4', { text: title }), h('ul', {}, ...items.map((t) => h('li', { text: t })))) : null;
    return h(
      'article',
      { className: `issue severity-${i.severity}`, attrs: { 'data-issue-id': i.id, 'aria-label': i.title } },
      // The severity in words beside its icon and colour.
      h('h3', {}, icon(SEVERITY_ICON[i.severity]), ' ', h('span', { className: 'level-word', text: levelWord(i.severity) }), ' ', h('span', { text: i.title })),
      h('p', { className: 'summary', text: i.summary }),
      evidence,
      list(l10n.t('Do now'), i.recommendations.now),
      list(l10n.t('Investigate'), i.recommendations.investigate),
    );
  }
}
