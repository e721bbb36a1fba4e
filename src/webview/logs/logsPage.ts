/**
 * The Logs view page: error groups (count, sparkline, frames that open the source),
 * level filter chips, text search and a virtualised live tail. The list is a tall
 * spacer with only the visible rows in the DOM (plus a margin); rows come from the
 * host a window at a time, so 100,000 kept lines scroll like 100.
 *
 * Every server-provided string goes in through `textContent` after the inert-text
 * module (dom.ts `h`/`screenText`): bidi controls and invisibles are named, never obeyed.
 */
import { LOGS_LEVEL_KEYS, LogsFilterDto, LogsGroupDto, LogsHostToPage, LogsLevelKey, LogsPageToHost, LogsRowDto, LogsRowsMessage, LogsStateMessage, MAX_ROWS_PER_REQUEST } from '../../shared/logsProtocol';
import * as l10n from '@vscode/l10n';
import { button, h, icon, replaceChildren, screenText } from '../dom';
import { logLevelWord } from '../../core/i18n/words';

/** Row height in CSS pixels (media/logs.css sets the same). */
export const ROW_HEIGHT = 20;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 20;
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface LogsPageApi {
  postMessage(message: LogsPageToHost): void;
}

export class LogsPage {
  private state: LogsStateMessage | undefined;
  private filter: LogsFilterDto = { levels: [...LOGS_LEVEL_KEYS], text: '' };
  private follow = true;
  private readonly rows = new Map<number, LogsRowDto>();
  private total = 0;
  private requestId = 0;
  private pendingFrom = -1;
  private selectedSeq: number | undefined;
  private searchTimer: number | undefined;

  private readonly summary = h('p', { className: 'logs-summary' });
  private readonly notes = h('ul', { className: 'logs-notes' });
  private readonly groupList = h('ol', { className: 'group-list', attrs: { 'aria-label': l10n.t('Error groups') } });
  private readonly chips = h('div', { className: 'level-chips', attrs: { role: 'group', 'aria-label': l10n.t('Levels shown') } });
  private readonly search = h('input', { className: 'log-search', attrs: { type: 'search', placeholder: l10n.t('Search the lines'), 'aria-label': l10n.t('Search the lines') } });
  private readonly groupFilter = h('span', { className: 'group-filter' });
  private readonly followButton: HTMLButtonElement;
  private readonly viewport = h('div', { className: 'log-viewport', attrs: { tabindex: '0', role: 'log', 'aria-label': l10n.t('Log lines') } });
  private readonly spacer = h('div', { className: 'log-spacer' });
  private readonly rowsEl = h('div', { className: 'log-rows' });
  private readonly detail = h('pre', { className: 'log-detail', attrs: { 'aria-live': 'polite' } });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: LogsPageApi,
  ) {
    this.followButton = button(l10n.t('Follow'), 'arrow-down', () => this.setFollow(!this.follow), { 'aria-pressed': 'true', class: 'follow' });
    for (const level of LOGS_LEVEL_KEYS) {
      const chip = button(logLevelWord(level), undefined, () => this.toggleLevel(level), { 'aria-pressed': 'true', 'data-level': level, class: `chip level-${level}` });
      this.chips.appendChild(chip);
    }
    this.search.addEventListener('input', () => {
      if (this.searchTimer !== undefined) window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.setFilter({ ...this.filter, text: this.search.value }), 200);
    });
    this.viewport.appendChild(this.spacer);
    this.spacer.appendChild(this.rowsEl);
    this.viewport.addEventListener('scroll', () => this.onScroll());
    this.rowsEl.addEventListener('click', (e) => this.onRowClick(e));
    this.groupList.addEventListener('click', (e) => this.onGroupClick(e));
    replaceChildren(
      root,
      h('header', { className: 'logs-header' }, h('h1', { text: l10n.t('Logs') }), this.summary),
      this.notes,
      h('section', { className: 'groups' }, h('h2', { text: l10n.t('Error groups') }), this.groupList),
      h('section', { className: 'tail' }, h('h2', { text: l10n.t('Live tail') }), h('div', { className: 'toolbar' }, this.chips, this.search, this.groupFilter, this.followButton), this.viewport, this.detail),
    );
    root.removeAttribute('aria-busy');
  }

  handle(msg: LogsHostToPage): void {
    if (msg.type === 'state') this.onState(msg);
    else this.onRows(msg);
  }

  private onState(s: LogsStateMessage): void {
    this.state = s;
    const filterChanged = JSON.stringify(s.filter) !== JSON.stringify(this.filter);
    if (filterChanged) {
      this.filter = s.filter;
      this.rows.clear();
    }
    this.renderSummary(s);
    this.renderGroups(s.groups);
    this.renderChips();
    this.setTotal(s.total);
  }

  private onRows(m: LogsRowsMessage): void {
    if (m.requestId !== this.requestId) return;
    this.pendingFrom = -1;
    // Only rows near the screen are cached: scrolling through 100,000 lines keeps a few thousand at most.
    if (this.rows.size > 4 * MAX_ROWS_PER_REQUEST) this.rows.clear();
    m.rows.forEach((r, i) => this.rows.set(m.from + i, r));
    if (m.total !== this.total) this.setTotal(m.total);
    else this.renderRows();
  }

  private setTotal(total: number): void {
    this.total = total;
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    if (this.follow) this.viewport.scrollTop = this.viewport.scrollHeight;
    // New lines at the end, or old ones evicted at the start (indices shift): refetch
    // what is shown; the rows on screen stay until the answer replaces them.
    this.requestVisible(true);
  }

  private visibleRange(): { from: number; count: number } {
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(MAX_ROWS_PER_REQUEST, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
    return { from: first, count: Math.max(0, Math.min(count, this.total - first)) };
  }

  private requestVisible(force = false): void {
    const { from, count } = this.visibleRange();
    let missing = false;
    for (let i = from; i < from + count; i++) if (!this.rows.has(i)) missing = true;
    if (!missing && !force) {
      this.renderRows();
      return;
    }
    if (!force && this.pendingFrom === from) return;
    this.pendingFrom = from;
    this.requestId++;
    this.api.postMessage({ type: 'rows', from, count, requestId: this.requestId });
    this.renderRows();
  }

  private onScroll(): void {
    const atEnd = this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT;
    if (atEnd !== this.follow) this.setFollow(atEnd, false);
    this.requestVisible();
  }

  private setFollow(on: boolean, scroll = true): void {
    this.follow = on;
    this.followButton.setAttribute('aria-pressed', String(on));
    if (on && scroll) {
      this.viewport.scrollTop = this.viewport.scrollHeight;
      this.requestVisible();
    }
  }

  private renderRows(): void {
    const { from, count } = this.visibleRange();
    this.rowsEl.style.transform = `translateY(${from * ROW_HEIGHT}px)`;
    const els: HTMLElement[] = [];
    for (let i = from; i < from + count; i++) {
      const r = this.rows.get(i);
      els.push(r ? this.rowElement(r) : h('div', { className: 'log-row loading-row', text: '…' }));
    }
    this.rowsEl.replaceChildren(...els);
  }

  private rowElement(r: LogsRowDto): HTMLElement {
    const nl = r.text.indexOf('\n');
    const first = r.message ?? (nl >= 0 ? r.text.slice(0, nl) : r.text);
    const more = nl >= 0 ? r.text.split('\n').length - 1 : 0;
    return h(
      'div',
      { className: `log-row level-${r.level}${r.seq === this.selectedSeq ? ' selected' : ''}`, attrs: { 'data-seq': String(r.seq), ...(r.groupId ? { 'data-group-id': r.groupId } : {}) } },
      h('span', { className: 'time', text: timeText(r.timeMs) }),
      h('span', { className: 'level', text: logLevelWord(r.level) }),
      h('span', { className: 'source', text: r.source, attrs: { title: r.source } }),
      r.frame && r.groupId ? frameButton(r.groupId, r.frame.index, r.frame.label) : null,
      h('span', { className: 'text', text: screenText(first, 400) }),
      more > 0 ? h('span', { className: 'more', text: l10n.t('+{0} lines', more) }) : null,
    );
  }

  private onRowClick(e: Event): void {
    const target = e.target as HTMLElement;
    if (this.frameClick(target)) return;
    const row = target.closest<HTMLElement>('.log-row');
    const seq = Number(row?.dataset.seq);
    if (!row || !Number.isFinite(seq)) return;
    this.selectedSeq = seq;
    const r = [...this.rows.values()].find((x) => x.seq === seq);
    // Each line of the event shown as text, its controls named (a stack stays a stack).
    this.detail.textContent = r ? r.text.split('\n').slice(0, 200).map((l) => screenText(l, 2000)).join('\n') : '';
    this.renderRows();
  }

  private onGroupClick(e: Event): void {
    const target = e.target as HTMLElement;
    if (this.frameClick(target)) return;
    const filterBtn = target.closest<HTMLElement>('[data-filter-group]');
    if (filterBtn) {
      const id = filterBtn.dataset.filterGroup!;
      this.setFilter({ levels: this.filter.levels, text: this.filter.text, ...(this.filter.groupId === id ? {} : { groupId: id }) });
    }
  }

  /** A click on a frame asks the host to open it (by group and index: the page never sends a path). */
  private frameClick(target: HTMLElement): boolean {
    const f = target.closest<HTMLElement>('.frame-link');
    if (!f) return false;
    this.api.postMessage({ type: 'openFrame', groupId: f.dataset.groupId!, index: Number(f.dataset.frameIndex) });
    return true;
  }

  private toggleLevel(level: LogsLevelKey): void {
    const on = new Set(this.filter.levels);
    if (on.has(level)) on.delete(level);
    else on.add(level);
    this.setFilter({ ...this.filter, levels: LOGS_LEVEL_KEYS.filter((l) => on.has(l)) });
  }

  private setFilter(f: LogsFilterDto): void {
    this.filter = f;
    this.rows.clear();
    this.renderChips();
    this.api.postMessage({ type: 'filter', filter: f });
  }

  private renderChips(): void {
    for (const chip of Array.from(this.chips.children) as HTMLElement[]) {
      const level = chip.dataset.level as LogsLevelKey;
      chip.setAttribute('aria-pressed', String(this.filter.levels.includes(level)));
      const n = this.state?.levels[level] ?? 0;
      const label = chip.querySelector('.label');
      if (label) label.textContent = `${logLevelWord(level)} ${n.toLocaleString()}`;
    }
    const g = this.filter.groupId ? this.state?.groups.find((x) => x.id === this.filter.groupId) : undefined;
    replaceChildren(this.groupFilter, this.filter.groupId ? button(g ? l10n.t('Only {0} ×', g.type) : l10n.t('Only one group ×'), 'filter', () => this.setFilter({ levels: this.filter.levels, text: this.filter.text }), { class: 'clear-group' }) : null);
  }

  private renderSummary(s: LogsStateMessage): void {
    const errors = s.levels.error + s.levels.fatal;
    const groups = s.groups.length === 1 ? l10n.t('1 error group') : l10n.t('{0} error groups', s.groups.length);
    this.summary.textContent = l10n.t('{0} lines kept · {1} errors · {2} · {3} shown', s.kept.toLocaleString(), errors.toLocaleString(), groups, s.total.toLocaleString());
    replaceChildren(this.notes, ...s.notes.map((n) => h('li', { text: n })));
  }

  private renderGroups(groups: readonly LogsGroupDto[]): void {
    if (groups.length === 0) {
      replaceChildren(this.groupList, h('li', { className: 'empty', text: l10n.t('No error in the logs.') }));
      return;
    }
    replaceChildren(
      this.groupList,
      ...groups.map((g) =>
        h(
          'li',
          { className: `group${g.id === this.filter.groupId ? ' filtered' : ''}`, attrs: { 'data-group-id': g.id } },
          h(
            'div',
            { className: 'group-head' },
            h('span', { className: 'count', text: `${g.count.toLocaleString()}×` }),
            sparkline(g.sparkline),
            h('span', { className: 'group-title' }, h('strong', { text: g.type }), ': ', h('span', { className: 'message', text: g.message })),
            g.regression ? h('span', { className: 'badge regression', text: l10n.t('back after restart') }) : null,
            h('span', { className: 'seen', text: l10n.t('last {0}, first {1}', timeText(g.lastSeenMs), timeText(g.firstSeenMs)) }),
            button(g.id === this.filter.groupId ? l10n.t('All lines') : l10n.t('Its lines'), 'filter', () => undefined, { 'data-filter-group': g.id, class: 'filter-group' }),
          ),
          h(
            'ol',
            { className: 'frames' },
            ...g.frames.map((f) =>
              h('li', { className: f.inWorkspace ? 'frame app' : 'frame' }, f.inWorkspace ? frameButton(g.id, f.index, f.label) : h('span', { className: 'frame-text', text: f.label }), f.function ? h('span', { className: 'fn', text: ` ${f.function}` }) : null),
            ),
          ),
        ),
      ),
    );
  }
}

function frameButton(groupId: string, index: number, label: string): HTMLButtonElement {
  return h('button', { className: 'frame-link', attrs: { type: 'button', 'data-group-id': groupId, 'data-frame-index': String(index), title: l10n.t('Open {0}', label) } }, icon('go-to-file'), h('span', { className: 'label', text: label }));
}

/** The group's occurrences per 10 s over 5 minutes, as a small SVG polyline. */
function sparkline(values: readonly number[]): SVGSVGElement {
  const w = 90;
  const ht = 18;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'group-spark');
  svg.setAttribute('viewBox', `0 0 ${w} ${ht}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(ht));
  svg.setAttribute('aria-hidden', 'true');
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(ht - 1 - (v / max) * (ht - 2)).toFixed(1)}`).join(' ');
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', pts);
  line.setAttribute('fill', 'none');
  line.setAttribute('class', 'spark-line');
  svg.appendChild(line);
  return svg;
}

function timeText(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
