/**
 * Where a slow request spent its time. For one trace: the waterfall (spans in tree
 * order with depth and offsets), each span's self time (its duration less the time
 * covered by its children) and its share of the critical path (the chain of work the
 * request waited on: every millisecond of the root's duration is given to exactly one
 * span). Over the slow traces of an operation: the critical-path time per span name
 * and kind (database, outbound call, messaging, the server's own code), and the
 * diagnosis sentence "p95 of POST /messages rose from 4 ms to 180 ms; 71% of the
 * slow traces' time is in db.query INSERT messages". Pure functions: nothing changes.
 */
import * as l10n from '@vscode/l10n';
import { quantileSorted } from '../analyze/stats';
import { formatNumber } from '../format';
import { spanCategoryInSentence } from '../i18n/words';
import { OperationFigures, OperationTracker } from './operations';
import { AttributeValue, SpanCategory, SpanKind, SpanRecord, StatusCode, spanCodeLocation } from './span';
import { SpanStore, TraceEntry } from './spanStore';

/** One span of a waterfall (the report's `traces.slowest[].spans[]`). */
export interface WaterfallSpan {
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly service: string;
  readonly kind: SpanKind;
  readonly category: SpanCategory;
  /** Depth in the tree (0: the root, or a span whose parent never arrived). */
  readonly depth: number;
  /** Start relative to the trace's start. */
  readonly startOffsetMs: number;
  readonly durationMs: number;
  /** Duration less the time its children cover. */
  readonly selfMs: number;
  /** Time of the root's duration this span holds on the critical path. */
  readonly criticalMs: number;
  readonly status: StatusCode;
  readonly statusMessage?: string;
  /** The parent span never arrived (lost, or sent by a service that does not export). */
  readonly orphan?: boolean;
  /** Where in the source the span was made (`code.*` attributes). */
  readonly code?: { readonly file?: string; readonly line?: number; readonly function?: string };
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** The report's `traces.slowest[]`. */
export interface SlowTrace {
  readonly traceId: string;
  readonly durationMs: number;
  /** The root span's service and name. */
  readonly service: string;
  readonly name: string;
  readonly startTime: string;
  readonly error: boolean;
  readonly spanCount: number;
  readonly spans: readonly WaterfallSpan[];
}

/** Critical-path time of the slow traces of one operation, per span name and kind. */
export interface TimeShare {
  readonly service: string;
  readonly name: string;
  readonly category: SpanCategory;
  readonly ms: number;
  /** Of the slow traces' total duration, 0..100. */
  readonly percent: number;
}

export interface OperationBreakdown {
  readonly service: string;
  readonly operation: string;
  /** Traces of the operation at or above its p90 that were still in the store. */
  readonly slowTraces: number;
  readonly thresholdMs: number;
  readonly shares: readonly TimeShare[];
  /** p95 over the first and the last third of the window's spans (a rise when later ≥ 2× earlier). */
  readonly p95EarlierMs: number;
  readonly p95LaterMs: number;
}

export interface TracesReport {
  readonly spansReceived: number;
  readonly spansKept: number;
  readonly tracesKept: number;
  readonly bytesKept: number;
  readonly evictedTraces: number;
  readonly rejectedSpans: number;
  readonly operations: readonly OperationFigures[];
  readonly slowest: readonly SlowTrace[];
  readonly breakdown: readonly OperationBreakdown[];
  /** Sentences for people (and the analyzer's latency issue). */
  readonly diagnosis: readonly string[];
  /** Sentences about the receiver (its address, or why it is not listening). */
  readonly notes: readonly string[];
}

interface Children {
  readonly byParent: Map<string, SpanRecord[]>;
  readonly ids: Set<string>;
}

function childrenOf(trace: TraceEntry): Children {
  const byParent = new Map<string, SpanRecord[]>();
  const ids = new Set<string>();
  for (const s of trace.spans) ids.add(s.spanId);
  for (const s of trace.spans) {
    if (s.parentSpanId === '' || !ids.has(s.parentSpanId) || s.parentSpanId === s.spanId) continue;
    const list = byParent.get(s.parentSpanId);
    if (list) list.push(s);
    else byParent.set(s.parentSpanId, [s]);
  }
  return { byParent, ids };
}

const endOf = (s: SpanRecord) => s.startMs + s.durationMs;

/**
 * Critical-path time per span id: walking back from the root's end, the time goes to
 * the child that finished last before the cursor (recursively), gaps to the parent.
 */
export function criticalPath(trace: TraceEntry, kids: Children = childrenOf(trace)): Map<string, number> {
  const out = new Map<string, number>();
  const root = trace.root;
  if (!root) return out;
  const seen = new Set<string>();
  const add = (s: SpanRecord, ms: number) => {
    if (ms > 0) out.set(s.spanId, (out.get(s.spanId) ?? 0) + ms);
  };
  const walk = (span: SpanRecord, lo: number, hi: number) => {
    if (seen.has(span.spanId)) return; // a cycle of parent ids: each span once
    seen.add(span.spanId);
    const start = Math.max(span.startMs, lo);
    let cursor = Math.min(endOf(span), hi);
    const list = [...(kids.byParent.get(span.spanId) ?? [])].sort((a, b) => endOf(b) - endOf(a));
    for (const c of list) {
      if (cursor <= start) break;
      if (c.startMs >= cursor) continue; // covered by a sibling that ended later
      const cEnd = Math.min(endOf(c), cursor);
      const cStart = Math.max(c.startMs, start);
      if (cEnd <= cStart) continue;
      add(span, cursor - cEnd);
      walk(c, cStart, cEnd);
      cursor = cStart;
    }
    add(span, cursor - start);
  };
  walk(root, root.startMs, endOf(root));
  return out;
}

/** Each span's duration less the union of its children's intervals (clipped to it). */
export function selfTimes(trace: TraceEntry, kids: Children = childrenOf(trace)): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of trace.spans) {
    const list = [...(kids.byParent.get(s.spanId) ?? [])].sort((a, b) => a.startMs - b.startMs);
    let covered = 0;
    let curStart = Number.NaN;
    let curEnd = Number.NaN;
    const lo = s.startMs;
    const hi = endOf(s);
    for (const c of list) {
      const a = Math.max(lo, c.startMs);
      const b = Math.min(hi, endOf(c));
      if (b <= a) continue;
      if (Number.isNaN(curStart) || a > curEnd) {
        if (!Number.isNaN(curStart)) covered += curEnd - curStart;
        curStart = a;
        curEnd = b;
      } else if (b > curEnd) {
        curEnd = b;
      }
    }
    if (!Number.isNaN(curStart)) covered += curEnd - curStart;
    out.set(s.spanId, Math.max(0, s.durationMs - covered));
  }
  return out;
}

/** The trace as a waterfall: depth-first from the root, children by start; orphans after. */
export function waterfall(trace: TraceEntry, maxSpans = 500): SlowTrace {
  const kids = childrenOf(trace);
  const cp = criticalPath(trace, kids);
  const self = selfTimes(trace, kids);
  const root = trace.root;
  const rows: WaterfallSpan[] = [];
  const seen = new Set<string>();
  const t0 = trace.startMs;
  const visit = (s: SpanRecord, depth: number, orphan: boolean) => {
    if (seen.has(s.spanId) || rows.length >= maxSpans) return;
    seen.add(s.spanId);
    const code = spanCodeLocation(s.attributes);
    rows.push({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: s.service,
      kind: s.kind,
      category: s.category,
      depth,
      startOffsetMs: s.startMs - t0,
      durationMs: s.durationMs,
      selfMs: self.get(s.spanId) ?? s.durationMs,
      criticalMs: cp.get(s.spanId) ?? 0,
      status: s.status,
      ...(s.statusMessage ? { statusMessage: s.statusMessage } : {}),
      ...(orphan ? { orphan: true } : {}),
      ...(code ? { code } : {}),
      attributes: s.attributes,
    });
    const list = [...(kids.byParent.get(s.spanId) ?? [])].sort((a, b) => a.startMs - b.startMs);
    for (const c of list) visit(c, depth + 1, false);
  };
  if (root) visit(root, 0, root.parentSpanId !== '' );
  const rest = trace.spans.filter((s) => !seen.has(s.spanId)).sort((a, b) => a.startMs - b.startMs);
  for (const s of rest) {
    if (seen.has(s.spanId)) continue;
    // Only spans whose parent is missing start a subtree; the others come with it.
    if (s.parentSpanId !== '' && kids.ids.has(s.parentSpanId) && !seen.has(s.parentSpanId)) continue;
    visit(s, 0, s.parentSpanId !== '');
  }
  for (const s of rest) if (!seen.has(s.spanId)) visit(s, 0, true); // cycles: shown flat
  return {
    traceId: trace.traceId,
    durationMs: trace.durationMs,
    service: root?.service ?? '',
    name: root?.name ?? '',
    startTime: new Date(trace.startMs).toISOString(),
    error: trace.error,
    spanCount: trace.spans.length,
    spans: rows,
  };
}


export interface AnalyzeTracesOptions {
  readonly fromMs: number;
  readonly toMs: number;
  /** Slowest traces in the report (default 10). */
  readonly slowest?: number;
  /** Spans shown per slow trace (default 200). */
  readonly spansPerTrace?: number;
  readonly rejectedSpans?: number;
  readonly notes?: readonly string[];
}

/** Entry operations: server or consumer spans (what a client waited for). */
function isEntry(o: OperationFigures): boolean {
  return o.kind === 'server' || o.kind === 'consumer';
}

/** Critical-path shares of the slow traces of one operation (its spans at or above p90). */
export function breakdownOf(store: SpanStore, ops: OperationTracker, op: OperationFigures, fromMs: number, toMs: number): OperationBreakdown | undefined {
  const d = ops.durations(op.service, op.name, fromMs, toMs);
  if (d.length === 0) return undefined;
  const sorted = d.map((x) => x.durationMs).sort((a, b) => a - b);
  const threshold = quantileSorted(sorted, 0.9);
  const third = Math.floor(d.length / 3);
  const earlier = third >= 5 ? quantileSorted(d.slice(0, third).map((x) => x.durationMs).sort((a, b) => a - b), 0.95) : Number.NaN;
  const later = third >= 5 ? quantileSorted(d.slice(d.length - third).map((x) => x.durationMs).sort((a, b) => a - b), 0.95) : Number.NaN;
  const totals = new Map<string, { service: string; name: string; category: SpanCategory; ms: number }>();
  let total = 0;
  let traces = 0;
  for (const t of store.all()) {
    const root = t.root;
    if (!root || root.name !== op.name || root.service !== op.service) continue;
    const end = endOf(root);
    if (end < fromMs || end > toMs || root.durationMs < threshold) continue;
    traces++;
    total += root.durationMs;
    const byId = new Map(t.spans.map((s) => [s.spanId, s]));
    for (const [id, ms] of criticalPath(t)) {
      const s = byId.get(id)!;
      const key = `${s.service}\u0000${s.name}\u0000${s.category}`;
      const e = totals.get(key);
      if (e) e.ms += ms;
      else totals.set(key, { service: s.service, name: s.name, category: s.category, ms });
    }
  }
  const shares = [...totals.values()]
    .map((e) => ({ ...e, percent: total > 0 ? (100 * e.ms) / total : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  return { service: op.service, operation: op.name, slowTraces: traces, thresholdMs: threshold, shares, p95EarlierMs: earlier, p95LaterMs: later };
}

/** The diagnosis sentence for one operation, or undefined when nothing stands out. */
export function diagnosisSentence(op: OperationFigures, b: OperationBreakdown): string | undefined {
  const rose = b.p95LaterMs >= 2 * b.p95EarlierMs && b.p95LaterMs - b.p95EarlierMs >= 10;
  const [top, next] = b.shares;
  const what = (s: TimeShare): string =>
    s.service && s.service !== op.service ? l10n.t('{0} ({1}, {2})', s.name, spanCategoryInSentence(s.category), s.service) : l10n.t('{0} ({1})', s.name, spanCategoryInSentence(s.category));
  // When the first explains less than half, the runner-up is named too: on a loaded machine a
  // slow database and a starved second service can split the time, and naming only one hides the other.
  const also = next && top!.percent < 50 && next.percent >= 20 ? l10n.t(', {0}% in {1}', Math.round(next.percent), what(next)) : '';
  const where = top && b.slowTraces > 0 && top.percent >= 30 ? l10n.t("{0}% of the slow traces' time is in {1}{2}", Math.round(top.percent), what(top), also) : undefined;
  if (rose) {
    return where
      ? l10n.t('p95 of {0} rose from {1} to {2}; {3}', op.name, ms(b.p95EarlierMs), ms(b.p95LaterMs), where)
      : l10n.t('p95 of {0} rose from {1} to {2}', op.name, ms(b.p95EarlierMs), ms(b.p95LaterMs));
  }
  if (where && op.p95Ms >= 50) return l10n.t('p95 of {0} is {1}; {2}', op.name, ms(op.p95Ms), where);
  return undefined;
}

function ms(v: number): string {
  return `${formatNumber(v)} ms`;
}

/** The traces part of the report for a window. */
export function analyzeTraces(store: SpanStore, ops: OperationTracker, options: AnalyzeTracesOptions): TracesReport {
  const { fromMs, toMs } = options;
  const operations = ops.figures(fromMs, toMs);
  const breakdown: OperationBreakdown[] = [];
  const diagnosis: string[] = [];
  // The busiest entry operations (what clients wait for); at least 20 spans to say anything.
  for (const op of operations.filter((o) => isEntry(o) && o.count >= 20).slice(0, 5)) {
    const b = breakdownOf(store, ops, op, fromMs, toMs);
    if (!b) continue;
    breakdown.push(b);
    const sentence = diagnosisSentence(op, b);
    if (sentence) diagnosis.push(sentence);
  }
  return {
    spansReceived: store.acceptedSpans,
    spansKept: store.spanCount,
    tracesKept: store.traceCount,
    bytesKept: store.bytes,
    evictedTraces: store.evictedTraces,
    rejectedSpans: options.rejectedSpans ?? 0,
    operations,
    slowest: store.slowestTraces(options.slowest ?? 10, fromMs, toMs).map((t) => waterfall(t, options.spansPerTrace ?? 200)),
    breakdown,
    diagnosis,
    notes: [...(options.notes ?? [])],
  };
}
