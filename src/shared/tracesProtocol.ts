/**
 * Messages between the Traces view page (src/webview/traces) and its host
 * (src/vscode/traces/tracesViewPanel.ts). The host holds the spans; the page gets
 * the per-operation figures, the slowest traces, and the waterfall of the one trace
 * it asks for. A click on a span sends back the trace id and the span's index in
 * that waterfall, never a path: the host decides what, if anything, to open.
 *
 * Every string in these messages (operation and span names, services, attribute
 * keys and values, status messages) came from the watched server: the page shows it
 * through `textContent` after the inert-text module.
 */
import type { SpanCategory, SpanKind } from '../core/traces/span';
import type { WaterfallSpan } from '../core/traces/traceAnalysis';

export type TracesReceiverState = 'off' | 'untrusted' | 'starting' | 'listening' | 'failed';

export interface TraceOperationDto {
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly category: SpanCategory;
  readonly count: number;
  readonly ratePerSecond: number;
  /** 0..1 */
  readonly errorRate: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface TraceSummaryDto {
  readonly traceId: string;
  readonly durationMs: number;
  readonly service: string;
  readonly name: string;
  readonly startMs: number;
  readonly error: boolean;
  readonly spanCount: number;
}

/** A waterfall span as the page gets it: the analysis' figures, its source as a label, attributes as text. */
export interface TraceSpanDto
  extends Pick<WaterfallSpan, 'name' | 'service' | 'kind' | 'category' | 'depth' | 'startOffsetMs' | 'durationMs' | 'selfMs' | 'criticalMs' | 'status' | 'statusMessage' | 'orphan'> {
  /** Where the span was made ("server.js:42 tracedChat"); present when the span says. */
  readonly source?: string;
  /** The host found a workspace file for it: a click opens it. */
  readonly canOpen: boolean;
  /** [key, value as text], sorted by key. */
  readonly attributes: readonly (readonly [string, string])[];
}

export interface TraceDetailDto extends TraceSummaryDto {
  readonly spans: readonly TraceSpanDto[];
}

export interface TracesStateMessage {
  readonly type: 'state';
  readonly receiver: { readonly state: TracesReceiverState; readonly message: string };
  /** Present when the view shows one moment (a point picked on a dashboard chart): the figures and traces are of it. */
  readonly window?: { readonly fromMs: number; readonly toMs: number };
  /** Once: the trace the page selects now, whether or not it is among the slowest (an exemplar picked on a dashboard chart). */
  readonly select?: string;
  readonly spansReceived: number;
  readonly tracesKept: number;
  readonly operations: readonly TraceOperationDto[];
  /** Slowest first. */
  readonly slowest: readonly TraceSummaryDto[];
  /** "p95 of chat message rose from 4 ms to 180 ms; 71% of the slow traces' time is in db.query INSERT messages (database)". */
  readonly diagnosis: readonly string[];
}

export interface TracesTraceMessage {
  readonly type: 'trace';
  readonly traceId: string;
  /** Undefined when the trace is no longer kept (evicted). */
  readonly trace?: TraceDetailDto;
}

export type TracesHostToPage = TracesStateMessage | TracesTraceMessage;

export type TracesPageToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'showAll' }
  | { readonly type: 'selectTrace'; readonly traceId: string }
  | { readonly type: 'openSpan'; readonly traceId: string; readonly index: number };

/** Spans of one trace the view shows at most (the waterfall's rows). */
export const MAX_WATERFALL_SPANS = 500;

const TRACE_ID = /^[0-9a-f]{32}$/;

/** A W3C trace id as the monitor passes it around: 32 lowercase hex digits (the dashboard's exemplars too). */
export function isTraceId(v: unknown): v is string {
  return typeof v === 'string' && TRACE_ID.test(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A message from the page, checked; a sentence saying what is wrong, or the message. */
export function checkTracesPageMessage(v: unknown): TracesPageToHost | string {
  if (!isObject(v) || typeof v.type !== 'string') return 'a Traces view message needs a type';
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'showAll':
      return { type: 'showAll' };
    case 'selectTrace':
      return isTraceId(v.traceId) ? { type: 'selectTrace', traceId: v.traceId } : 'a Traces view selectTrace needs a trace id (32 hex digits)';
    case 'openSpan':
      return isTraceId(v.traceId) && typeof v.index === 'number' && Number.isInteger(v.index) && v.index >= 0 && v.index < MAX_WATERFALL_SPANS
        ? { type: 'openSpan', traceId: v.traceId, index: v.index }
        : 'a Traces view openSpan needs a trace id and a span index';
    default:
      return `unknown Traces view message type "${v.type.slice(0, 40)}"`;
  }
}
