/**
 * What the Traces view shows, made from the TraceWatcher's report and waterfalls:
 * the Operations table, the slowest traces, and one trace's waterfall with, for each
 * span, where in the source it was made (`code.*` attributes, else the first frame of
 * a stack it carries). Plain data for the page; no vscode.
 */
import type { TraceDetailDto, TraceOperationDto, TraceSpanDto, TracesReceiverState, TracesStateMessage, TraceSummaryDto } from '../../shared/tracesProtocol';
import { parseStackFrames, RawFrame } from '../logs/stackFrames';
import { SlowTrace, TracesReport, WaterfallSpan } from './traceAnalysis';
import type { TimeWindow } from './moment';

/** Attributes that may hold a stack (the span's own, or an exception's). */
const STACK_ATTRIBUTES = ['code.stacktrace', 'exception.stacktrace'] as const;

/**
 * Where a span was made, best first: its `code.filepath`/`code.lineno` (or the newer
 * `code.file.path`/`code.line.number`), then the frames of a stack attribute.
 */
export function spanSourceFrames(span: Pick<WaterfallSpan, 'code' | 'attributes'>): RawFrame[] {
  const out: RawFrame[] = [];
  const c = span.code;
  if (c?.file) out.push({ file: c.file, line: c.line ?? 1, ...(c.function ? { fn: c.function } : {}) });
  for (const key of STACK_ATTRIBUTES) {
    const stack = span.attributes[key];
    if (typeof stack === 'string') out.push(...parseStackFrames(stack, 20));
  }
  return out;
}

/** "server.js:42 tracedChat": the file's last segment, the line, the function. */
export function sourceLabel(span: Pick<WaterfallSpan, 'code' | 'attributes'>): string | undefined {
  const first = spanSourceFrames(span)[0];
  if (!first) return span.code?.function;
  const base = first.file.split(/[\\/]/).pop() ?? first.file;
  return `${base}:${first.line}${first.fn ? ` ${first.fn}` : ''}`;
}

export function operationRows(report: TracesReport): TraceOperationDto[] {
  return report.operations.map((o) => ({ service: o.service, name: o.name, kind: o.kind, category: o.category, count: o.count, ratePerSecond: o.ratePerSecond, errorRate: o.errorRate, p50Ms: o.p50Ms, p95Ms: o.p95Ms, p99Ms: o.p99Ms }));
}

export function traceSummary(t: SlowTrace): TraceSummaryDto {
  return { traceId: t.traceId, durationMs: t.durationMs, service: t.service, name: t.name, startMs: Date.parse(t.startTime), error: t.error, spanCount: t.spanCount };
}

/**
 * The view's state; with a window, the report is of that window and the page says so;
 * with `select`, the page selects that trace (an exemplar picked on a dashboard chart).
 */
export function tracesState(report: TracesReport, receiver: { state: TracesReceiverState; message: string }, window?: TimeWindow, select?: string): TracesStateMessage {
  return {
    type: 'state',
    receiver,
    ...(window ? { window: { fromMs: window.fromMs, toMs: window.toMs } } : {}),
    ...(select !== undefined ? { select } : {}),
    spansReceived: report.spansReceived,
    tracesKept: report.tracesKept,
    operations: operationRows(report),
    slowest: report.slowest.map(traceSummary),
    diagnosis: [...report.diagnosis],
  };
}

/** One trace for the waterfall; `canOpen(span)` says whether the host can open its source. */
export function traceDetail(t: SlowTrace, canOpen: (span: WaterfallSpan) => boolean): TraceDetailDto {
  return {
    ...traceSummary(t),
    spans: t.spans.map((s): TraceSpanDto => {
      const source = sourceLabel(s);
      return {
        name: s.name,
        service: s.service,
        kind: s.kind,
        category: s.category,
        depth: s.depth,
        startOffsetMs: s.startOffsetMs,
        durationMs: s.durationMs,
        selfMs: s.selfMs,
        criticalMs: s.criticalMs,
        status: s.status,
        ...(s.statusMessage ? { statusMessage: s.statusMessage } : {}),
        ...(s.orphan ? { orphan: true } : {}),
        ...(source ? { source } : {}),
        canOpen: canOpen(s),
        attributes: Object.keys(s.attributes)
          .sort()
          .map((k) => [k, String(s.attributes[k])] as const),
      };
    }),
  };
}
