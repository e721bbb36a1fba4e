/**
 * The Traces view page: the Operations table (sortable: rate, errors, p50/p95/p99
 * per operation), the slowest traces, and the waterfall of the trace picked —
 * spans coloured by kind (server, client, database, messaging, internal), the
 * critical path marked, a span's attributes shown when it is picked, and its source
 * location as a link the host opens.
 *
 * Every server-provided string goes in through `textContent` after the inert-text
 * module (dom.ts `h`): a span name with markup stays the literal characters. Bar
 * positions and widths go through the CSSOM (the CSP forbids style attributes).
 */
import * as l10n from '@vscode/l10n';
import { formatRate, formatRatio, formatSeconds } from '../../core/format';
import { spanCategoryWord } from '../../core/i18n/words';
import type { SpanCategory } from '../../core/traces/span';
import type { TraceDetailDto, TraceOperationDto, TraceSpanDto, TracesHostToPage, TracesPageToHost, TracesStateMessage, TraceSummaryDto } from '../../shared/tracesProtocol';
import { button, h, icon, replaceChildren } from '../dom';
import { clockTimeSeconds } from '../format';
import { formatClockTime, intlLocale } from '../../core/i18n/locale';

export interface TracesPageApi {
  postMessage(message: TracesPageToHost): void;
}

type SortKey = 'service' | 'name' | 'ratePerSecond' | 'errorRate' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'count';

/** The operations table's columns; labels read when the table is built, in the display language. */
const COLUMNS = (): readonly { key: SortKey; label: string; numeric: boolean }[] => [
  { key: 'service', label: l10n.t('Service'), numeric: false },
  { key: 'name', label: l10n.t('Operation'), numeric: false },
  { key: 'ratePerSecond', label: l10n.t({ message: 'Rate', comment: 'spans per second of an operation' }), numeric: true },
  { key: 'errorRate', label: l10n.t('Errors'), numeric: true },
  { key: 'p50Ms', label: 'p50', numeric: true },
  { key: 'p95Ms', label: 'p95', numeric: true },
  { key: 'p99Ms', label: 'p99', numeric: true },
  { key: 'count', label: l10n.t({ message: 'Spans', comment: 'the number of spans of an operation' }), numeric: true },
];

/** "3 spans", in the display language. */
const spanCount = (n: number): string => (n === 1 ? l10n.t('1 span') : l10n.t('{0} spans', n.toLocaleString(intlLocale())));

/** The legend's order of span categories. */
const LEGEND_CATEGORIES: readonly SpanCategory[] = ['server', 'client', 'db', 'messaging', 'internal'];

export const ms = (v: number): string => formatSeconds(v / 1000);

export class TracesPage {
  private state: TracesStateMessage | undefined;
  private sort: { key: SortKey; descending: boolean } = { key: 'p95Ms', descending: true };
  private selectedTrace: string | undefined;
  private trace: TraceDetailDto | undefined;
  private selectedSpan: number | undefined;

  private readonly summary = h('p', { className: 'traces-summary' });
  /** Which moment the view shows, when a point on a dashboard chart was picked; hidden otherwise. */
  private readonly windowBanner = h('div', { className: 'window-banner', attrs: { role: 'status' } });
  private windowKey = '';
  private readonly diagnosis = h('ul', { className: 'diagnosis' });
  private readonly opsHead = h('tr');
  private readonly opsBody = h('tbody');
  private readonly slowList = h('ol', { className: 'slowest', attrs: { 'aria-label': l10n.t('Slowest traces') } });
  private readonly traceHead = h('div', { className: 'trace-head' });
  private readonly waterfall = h('div', { className: 'waterfall', attrs: { role: 'list', 'aria-label': l10n.t('Spans of the trace') } });
  private readonly detail = h('div', { className: 'span-detail', attrs: { 'aria-live': 'polite' } });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: TracesPageApi,
  ) {
    for (const c of COLUMNS()) {
      const b = button(c.label, undefined, () => this.setSort(c.key), { 'data-sort': c.key, class: 'sort' });
      this.opsHead.appendChild(h('th', { className: c.numeric ? 'num' : '', attrs: { scope: 'col', 'data-key': c.key } }, b));
    }
    this.slowList.addEventListener('click', (e) => {
      const b = (e.target as Element).closest<HTMLElement>('[data-trace-id]');
      if (b?.dataset.traceId) this.selectTrace(b.dataset.traceId);
    });
    this.waterfall.addEventListener('click', (e) => this.onWaterfallClick(e));
    this.detail.addEventListener('click', (e) => this.onWaterfallClick(e));
    replaceChildren(
      root,
      h('header', { className: 'traces-header' }, h('h1', { text: l10n.t('Traces') }), this.summary),
      this.windowBanner,
      this.diagnosis,
      h('section', { className: 'operations' }, h('h2', { text: l10n.t({ message: 'Operations', comment: 'the traces page: operations by span name' }) }), h('table', { className: 'ops' }, h('thead', {}, this.opsHead), this.opsBody)),
      h('section', { className: 'slow' }, h('h2', { text: l10n.t('Slowest traces') }), this.slowList),
      h('section', { className: 'trace' }, h('h2', { text: l10n.t({ message: 'Trace', comment: 'the traces page: the trace picked' }) }), this.traceHead, legend(), this.waterfall, this.detail),
    );
    this.windowBanner.hidden = true;
    this.renderTrace();
    root.removeAttribute('aria-busy');
  }

  handle(msg: TracesHostToPage): void {
    if (msg.type === 'state') this.onState(msg);
    else if (msg.traceId === this.selectedTrace) {
      this.trace = msg.trace;
      this.selectedSpan = undefined;
      this.renderTrace();
    }
  }

  private onState(s: TracesStateMessage): void {
    this.state = s;
    this.renderWindow(s.window);
    const counts = l10n.t('{0} received, {1} kept.', spanCount(s.spansReceived), s.tracesKept === 1 ? l10n.t('1 trace') : l10n.t('{0} traces', s.tracesKept.toLocaleString(intlLocale())));
    replaceChildren(this.summary, h('span', { className: `receiver ${s.receiver.state}`, text: s.receiver.message }), ' ', counts);
    replaceChildren(this.diagnosis, ...s.diagnosis.map((d) => h('li', {}, icon('warning'), h('span', { text: d }))));
    this.renderOperations();
    this.renderSlowest(s.slowest);
    // The trace the host names (an exemplar picked on a chart), else the slowest until the user picks one.
    if (s.select !== undefined) this.selectTrace(s.select);
    else if (this.selectedTrace === undefined && s.slowest[0]) this.selectTrace(s.slowest[0].traceId);
  }

  /**
   * A new window (or back to everything): the trace shown is the slowest of it, so the
   * pick made before is dropped; the banner says which moment and offers the way back.
   */
  private renderWindow(w: TracesStateMessage['window']): void {
    const key = w ? `${w.fromMs}-${w.toMs}` : '';
    if (key === this.windowKey) return;
    this.windowKey = key;
    this.selectedTrace = undefined;
    this.trace = undefined;
    this.renderTrace();
    this.windowBanner.hidden = !w;
    if (!w) {
      replaceChildren(this.windowBanner);
      return;
    }
    const all = button(l10n.t('Show all traces'), 'clear-all', () => this.api.postMessage({ type: 'showAll' }), { 'data-action': 'show-all' });
    replaceChildren(
      this.windowBanner,
      icon('pulse'),
      h('span', { text: l10n.t('Traces of the moment picked on the dashboard chart: {0} to {1}.', clockTimeSeconds(w.fromMs), clockTimeSeconds(w.toMs)) }),
      ' ',
      all,
    );
  }

  private setSort(key: SortKey): void {
    const numeric = COLUMNS().find((c) => c.key === key)?.numeric ?? false;
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: numeric };
    this.renderOperations();
  }

  private renderOperations(): void {
    for (const th of Array.from(this.opsHead.children)) {
      const k = (th as HTMLElement).dataset.key;
      th.setAttribute('aria-sort', k === this.sort.key ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
    }
    const ops = [...(this.state?.operations ?? [])];
    const { key, descending } = this.sort;
    ops.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -c : c;
    });
    if (ops.length === 0) {
      replaceChildren(this.opsBody, h('tr', {}, h('td', { className: 'empty', text: l10n.t("No spans yet: point your server's OpenTelemetry exporter at the receiver above."), attrs: { colspan: String(COLUMNS().length) } })));
      return;
    }
    replaceChildren(this.opsBody, ...ops.map((o) => operationRow(o)));
  }

  private renderSlowest(list: readonly TraceSummaryDto[]): void {
    if (list.length === 0) {
      const text = this.state?.window ? l10n.t('No trace in this window: the receiver got no spans from that moment.') : l10n.t('No trace yet.');
      replaceChildren(this.slowList, h('li', { className: 'empty', text }));
      return;
    }
    replaceChildren(
      this.slowList,
      ...list.map((t) =>
        h(
          'li',
          {},
          h(
            'button',
            { className: `trace-link${t.traceId === this.selectedTrace ? ' selected' : ''}${t.error ? ' error' : ''}`, attrs: { type: 'button', 'data-trace-id': t.traceId, 'aria-pressed': String(t.traceId === this.selectedTrace) } },
            h('span', { className: 'duration', text: ms(t.durationMs) }),
            h('span', { className: 'name', text: t.name }),
            h('span', { className: 'service', text: t.service }),
            h('span', { className: 'meta', text: `${spanCount(t.spanCount)} · ${formatClockTime(t.startMs)}${t.error ? ` · ${l10n.t('error')}` : ''}` }),
          ),
        ),
      ),
    );
  }

  private selectTrace(traceId: string): void {
    this.selectedTrace = traceId;
    for (const b of Array.from(this.slowList.querySelectorAll<HTMLElement>('[data-trace-id]'))) {
      const on = b.dataset.traceId === traceId;
      b.classList.toggle('selected', on);
      b.setAttribute('aria-pressed', String(on));
    }
    this.api.postMessage({ type: 'selectTrace', traceId });
  }

  private onWaterfallClick(e: Event): void {
    const target = e.target as Element;
    const open = target.closest<HTMLElement>('[data-open-index]');
    if (open && this.trace) {
      this.api.postMessage({ type: 'openSpan', traceId: this.trace.traceId, index: Number(open.dataset.openIndex) });
      return;
    }
    const row = target.closest<HTMLElement>('.span-row');
    if (row?.dataset.index) {
      this.selectedSpan = Number(row.dataset.index);
      this.renderSelection();
    }
  }

  private renderTrace(): void {
    const t = this.trace;
    if (!t) {
      replaceChildren(this.traceHead, h('p', { className: 'empty', text: this.selectedTrace ? l10n.t('That trace is no longer kept.') : l10n.t('Pick a trace to see where its time went.') }));
      replaceChildren(this.waterfall);
      replaceChildren(this.detail);
      return;
    }
    const critical = t.spans.filter((s) => s.criticalMs > 0).length;
    replaceChildren(
      this.traceHead,
      h('strong', { className: 'trace-name', text: t.name }),
      h('span', { className: 'meta', text: ` ${t.service} · ${ms(t.durationMs)} · ${spanCount(t.spanCount)} · ${l10n.t('{0} on the critical path', critical)} · ${l10n.t('trace {0}', t.traceId)}` }),
    );
    const total = Math.max(t.durationMs, ...t.spans.map((s) => s.startOffsetMs + s.durationMs), 1e-6);
    replaceChildren(this.waterfall, ...t.spans.map((s, i) => spanRow(s, i, total)));
    this.renderSelection();
  }

  private renderSelection(): void {
    for (const r of Array.from(this.waterfall.querySelectorAll<HTMLElement>('.span-row'))) {
      const on = Number(r.dataset.index) === this.selectedSpan;
      r.classList.toggle('selected', on);
      r.setAttribute('aria-selected', String(on));
    }
    const s = this.selectedSpan !== undefined ? this.trace?.spans[this.selectedSpan] : undefined;
    if (!s) {
      replaceChildren(this.detail, h('p', { className: 'hint', text: l10n.t('Pick a span to see its attributes.') }));
      return;
    }
    replaceChildren(
      this.detail,
      h('h3', {}, h('span', { text: s.name })),
      h('p', { className: 'meta', text: `${s.service} · ${s.kind} · ${spanCategoryWord(s.category)} · ${ms(s.durationMs)} (${s.criticalMs > 0 ? l10n.t('self {0}, {1} on the critical path', ms(s.selfMs), ms(s.criticalMs)) : l10n.t('self {0}', ms(s.selfMs))})${s.status === 'error' ? ` · ${l10n.t('error')}` : ''}` }),
      s.statusMessage ? h('p', { className: 'status-message', text: s.statusMessage }) : null,
      s.source ? sourceLink(s, this.selectedSpan!) : null,
      h('dl', { className: 'attributes' }, ...s.attributes.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    );
  }
}

function operationRow(o: TraceOperationDto): HTMLTableRowElement {
  return h(
    'tr',
    { attrs: { 'data-category': o.category } },
    h('td', { text: o.service }),
    h('td', {}, h('span', { className: `swatch cat-${o.category}`, attrs: { 'aria-hidden': 'true' } }), h('span', { text: o.name })),
    h('td', { className: 'num', text: formatRate(o.ratePerSecond) }),
    h('td', { className: `num${o.errorRate > 0 ? ' errors' : ''}`, text: formatRatio(o.errorRate) }),
    h('td', { className: 'num', text: ms(o.p50Ms) }),
    h('td', { className: 'num', text: ms(o.p95Ms) }),
    h('td', { className: 'num', text: ms(o.p99Ms) }),
    h('td', { className: 'num', text: o.count.toLocaleString(intlLocale()) }),
  );
}

function sourceLink(s: TraceSpanDto, index: number): HTMLElement {
  if (!s.canOpen) return h('p', { className: 'source' }, h('span', { className: 'frame-text', text: s.source ?? '' }), h('span', { className: 'hint', text: ` ${l10n.t('(not a file in this workspace)')}` }));
  return h('p', { className: 'source' }, h('button', { className: 'frame-link', attrs: { type: 'button', 'data-open-index': String(index), title: l10n.t('Open {0}', s.source ?? '') } }, icon('go-to-file'), h('span', { className: 'label', text: s.source ?? '' })));
}

function spanRow(s: TraceSpanDto, index: number, totalMs: number): HTMLElement {
  const bar = h('div', { className: `bar cat-${s.category}${s.criticalMs > 0 ? ' critical' : ''}${s.status === 'error' ? ' error' : ''}`, attrs: { title: l10n.t('{0}: {1} from +{2}', s.name, ms(s.durationMs), ms(s.startOffsetMs)) } });
  bar.style.left = `${(100 * s.startOffsetMs) / totalMs}%`;
  bar.style.width = `${Math.max(0.2, (100 * s.durationMs) / totalMs)}%`;
  const label = h(
    'div',
    { className: 'span-label' },
    h('span', { className: `swatch cat-${s.category}`, attrs: { 'aria-hidden': 'true' } }),
    h('span', { className: 'span-name', text: s.name }),
    h('span', { className: 'span-service', text: s.service }),
    s.orphan ? h('span', { className: 'badge', text: l10n.t('parent missing') }) : null,
  );
  label.style.paddingLeft = `${Math.min(s.depth, 12) * 14}px`;
  const time = h('span', { className: 'span-time', text: `${ms(s.durationMs)}${s.criticalMs > 0 ? ` · ${l10n.t('{0} critical', ms(s.criticalMs))}` : ''}` });
  const row = h(
    'div',
    { className: `span-row${s.criticalMs > 0 ? ' on-critical-path' : ''}`, attrs: { role: 'listitem', tabindex: '0', 'data-index': String(index), 'data-category': s.category, 'data-critical': String(s.criticalMs > 0), 'aria-label': [s.name, spanCategoryWord(s.category), ms(s.durationMs), ...(s.criticalMs > 0 ? [l10n.t('on the critical path')] : [])].join(l10n.t(', ')) } },
    label,
    h('div', { className: 'track' }, bar),
    time,
    s.source && s.canOpen ? h('button', { className: 'open-source', attrs: { type: 'button', 'data-open-index': String(index), title: l10n.t('Open {0}', s.source), 'aria-label': l10n.t('Open {0}', s.source) } }, icon('go-to-file')) : null,
  );
  return row;
}

function legend(): HTMLElement {
  return h(
    'p',
    { className: 'legend' },
    ...LEGEND_CATEGORIES.map((cat) => h('span', { className: 'legend-item' }, h('span', { className: `swatch cat-${cat}`, attrs: { 'aria-hidden': 'true' } }), h('span', { text: spanCategoryWord(cat) }))),
    h('span', { className: 'legend-item' }, h('span', { className: 'swatch critical-mark', attrs: { 'aria-hidden': 'true' } }), h('span', { text: l10n.t('critical path') })),
  );
}
