/**
 * The Traces view: a webview panel beside the editor with the Operations table
 * (rate, errors, p50/p95/p99 per operation), the slowest traces, and the waterfall
 * of one trace with its critical path; a span that says where it was made opens
 * that line.
 *
 * Built as its own bundle (dist/tracesView.js, loaded on Show Traces only), so none
 * of it weighs on the extension's activation or its main bundle.
 */
import * as vscode from 'vscode';
import { FrameMapper } from '../../core/logs/frameMapper';
import { spanSourceFrames, traceDetail, tracesState } from '../../core/traces/tracesView';
import type { TraceWatcher } from '../../core/traces/traceWatcher';
import type { TimeWindow } from '../../core/traces/moment';
import type { WaterfallSpan } from '../../core/traces/traceAnalysis';
import { checkTracesPageMessage, MAX_WATERFALL_SPANS, TracesHostToPage, TracesPageToHost, TracesReceiverState } from '../../shared/tracesProtocol';
import { Commands } from '../../shared/commandIds';
import { PagePanel, PageView } from '../pagePanel';

export const TRACES_VIEW_TYPE = 'chatroomMonitor.traces';
const PAGE_SCRIPT = 'dist/tracesPage.js';
const PAGE_STYLES = ['media/traces.css'];
/** How often the page is told about new spans (when there are any). */
const REFRESH_MS = 1000;

export interface TracesViewHost {
  /** The receiver's watcher (none: off, untrusted, failed or still starting). */
  watcher(): TraceWatcher | undefined;
  receiver(): { state: TracesReceiverState; message: string };
  /** Workspace folders: only a file under one of them is opened. */
  roots(): readonly string[];
  /** Where bad messages and failures are written (the output channel, inert). */
  log(message: string): void;
}

export class TracesViewPanel extends PageView<TracesHostToPage, TracesPageToHost> {
  protected readonly page: PagePanel<TracesHostToPage, TracesPageToHost>;
  private lastKey = '';
  private selected: string | undefined;
  /** A trace the next state asks the page to select (an exemplar picked; the pick kept over a reload). */
  private pendingSelect: string | undefined;
  private shown: { traceId: string; kept: boolean } | undefined;
  private windowNow: TimeWindow | undefined;
  private mapper: { roots: string; mapper: FrameMapper } | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly host: TracesViewHost,
  ) {
    super();
    this.page = new PagePanel(
      extensionUri,
      { viewType: TRACES_VIEW_TYPE, title: vscode.l10n.t('Chat-Room Monitor — Traces'), script: PAGE_SCRIPT, styles: PAGE_STYLES, refreshMs: REFRESH_MS, name: vscode.l10n.t('Traces view') },
      { check: checkTracesPageMessage, handle: (m) => this.handle(m), tick: () => this.tick(), log: (m) => host.log(m) },
    );
  }

  /** The window shown (undefined: everything kept). */
  get window(): TimeWindow | undefined {
    return this.windowNow;
  }

  /** The trace last sent to the page for its waterfall, and whether it is still kept (tests). */
  get shownTrace(): { traceId: string; kept: boolean } | undefined {
    return this.shown;
  }

  /**
   * Narrows the view to the traces of a window (a point picked on a dashboard chart),
   * or widens it to everything kept: the page then shows the slowest trace of the
   * window, not the one picked before. With a trace id (an exemplar picked on a chart),
   * the page selects that trace instead, even when the window is already shown.
   */
  setWindow(window: TimeWindow | undefined, traceId?: string): void {
    const same = window?.fromMs === this.windowNow?.fromMs && window?.toMs === this.windowNow?.toMs;
    if (same && traceId === undefined) return;
    if (!same) {
      this.windowNow = window;
      this.selected = undefined;
    }
    if (traceId !== undefined) this.selected = traceId;
    this.pendingSelect = traceId;
    this.lastKey = '';
    this.tick();
  }

  private handle(msg: TracesPageToHost): void {
    switch (msg.type) {
      case 'ready':
        this.page.ready = true;
        this.lastKey = '';
        // A page made anew (shown again, reloaded) selects the trace shown before; it then asks for it.
        this.pendingSelect = this.selected;
        this.tick();
        return;
      case 'showAll':
        this.setWindow(undefined);
        return;
      case 'selectTrace':
        this.selected = msg.traceId;
        this.sendTrace(msg.traceId);
        return;
      case 'openSpan': {
        const span = this.host.watcher()?.trace(msg.traceId)?.spans[msg.index];
        const target = span ? this.sourceOf(span) : undefined;
        if (!target) {
          void vscode.window.showInformationMessage(vscode.l10n.t('That span does not say where in this workspace it was made (code.filepath and code.lineno, or a stack), so there is nothing to open.'));
          return;
        }
        void vscode.commands.executeCommand(Commands.openErrorFrame, target.file, target.line, target.column);
        return;
      }
    }
  }

  /** The first workspace file a span names (through source maps, like a log's stack frame). */
  private sourceOf(span: WaterfallSpan): { file: string; line: number; column?: number } | undefined {
    const roots = this.host.roots();
    if (this.mapper?.roots !== roots.join('\n')) this.mapper = { roots: roots.join('\n'), mapper: new FrameMapper({ roots }) };
    for (const f of spanSourceFrames(span)) {
      const m = this.mapper.mapper.map(f);
      if (m.inWorkspace) return { file: m.file, line: m.line, ...(m.column !== undefined ? { column: m.column } : {}) };
    }
    return undefined;
  }

  private sendTrace(traceId: string): void {
    const w = this.host.watcher();
    const t = w?.trace(traceId);
    const trimmed = t && t.spans.length > MAX_WATERFALL_SPANS ? { ...t, spans: t.spans.slice(0, MAX_WATERFALL_SPANS) } : t;
    this.shown = { traceId, kept: t !== undefined };
    this.page.post({ type: 'trace', traceId, ...(trimmed ? { trace: traceDetail(trimmed, (s) => this.sourceOf(s) !== undefined) } : {}) });
  }

  private tick(): void {
    if (!this.page.ready) return;
    const w = this.host.watcher();
    const receiver = this.host.receiver();
    const received = w?.store.acceptedSpans ?? 0;
    // Unchanged spans and receiver are not resent; the rate moves with the clock, so every 10 s anyway.
    const key = JSON.stringify([receiver, received, Math.floor(Date.now() / 10_000), this.windowNow]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const now = Date.now();
    const empty = { spansReceived: 0, spansKept: 0, tracesKept: 0, bytesKept: 0, evictedTraces: 0, rejectedSpans: 0, operations: [], slowest: [], breakdown: [], diagnosis: [], notes: [] };
    const { fromMs, toMs } = this.windowNow ?? { fromMs: 0, toMs: now };
    const select = this.pendingSelect;
    this.pendingSelect = undefined;
    this.page.post(tracesState(w ? w.report(fromMs, toMs) : empty, receiver, this.windowNow, select));
  }
}
