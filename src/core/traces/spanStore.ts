/**
 * The span store: spans grouped into traces as they arrive, in any order (an SDK
 * exports children before their parent, batches from two services interleave, a
 * retry sends a span twice). Bounded by span count and by bytes; when full, the
 * oldest traces go first, except the slowest and the most recent errored ones, which
 * are kept beyond the recent window (tail keeping) — they are the traces a developer
 * opens.
 */
import { SpanRecord } from './span';

export interface SpanStoreOptions {
  /** Spans kept at most (default 50,000). */
  readonly maxSpans?: number;
  /** Bytes of spans kept at most (default 32 MiB, by SpanRecord.bytes). */
  readonly maxBytes?: number;
  /** Spans kept per trace (default 2,000); more of one trace are dropped. */
  readonly maxSpansPerTrace?: number;
  /** Slowest traces kept beyond the recent window (default 20). */
  readonly keepSlowest?: number;
  /** Most recent errored traces kept beyond the recent window (default 20). */
  readonly keepErrored?: number;
}

/** One trace as assembled so far. */
export class TraceEntry {
  readonly spans: SpanRecord[] = [];
  private ids: Set<string> | undefined;
  bytes = 0;
  startMs = Infinity;
  endMs = -Infinity;
  error = false;
  /** When its first span arrived (eviction order) and its last (a trace still arriving). */
  firstReceivedMs: number;
  lastReceivedMs: number;

  constructor(
    readonly traceId: string,
    receivedMs: number,
  ) {
    this.firstReceivedMs = receivedMs;
    this.lastReceivedMs = receivedMs;
  }

  get durationMs(): number {
    return this.spans.length === 0 ? 0 : this.endMs - this.startMs;
  }

  /** The root: the span without a parent, else the earliest span whose parent is not here. */
  get root(): SpanRecord | undefined {
    let best: SpanRecord | undefined;
    for (const s of this.spans) {
      if (s.parentSpanId === '') return s;
    }
    const ids = this.idSet();
    for (const s of this.spans) {
      if (!ids.has(s.parentSpanId) && (!best || s.startMs < best.startMs)) best = s;
    }
    return best ?? this.spans[0];
  }

  has(spanId: string): boolean {
    if (this.spans.length <= 16 && !this.ids) {
      for (const s of this.spans) if (s.spanId === spanId) return true;
      return false;
    }
    return this.idSet().has(spanId);
  }

  add(span: SpanRecord, receivedMs: number): void {
    this.spans.push(span);
    this.ids?.add(span.spanId);
    this.bytes += span.bytes;
    this.startMs = Math.min(this.startMs, span.startMs);
    this.endMs = Math.max(this.endMs, span.startMs + span.durationMs);
    if (span.status === 'error') this.error = true;
    this.lastReceivedMs = receivedMs;
  }

  private idSet(): Set<string> {
    if (!this.ids) this.ids = new Set(this.spans.map((s) => s.spanId));
    return this.ids;
  }
}

export interface AddResult {
  readonly accepted: number;
  /** Duplicates (a retried export) and spans over the per-trace limit. */
  readonly dropped: number;
}

export class SpanStore {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly slowest: TraceEntry[] = [];
  private readonly errored: TraceEntry[] = [];
  private spanTotal = 0;
  private byteTotal = 0;
  /** Traces evicted to stay within the bounds (since the start). */
  evictedTraces = 0;
  /** Spans accepted since the start. */
  acceptedSpans = 0;

  readonly maxSpans: number;
  readonly maxBytes: number;
  private readonly maxPerTrace: number;
  private readonly keepSlowest: number;
  private readonly keepErrored: number;

  constructor(options: SpanStoreOptions = {}) {
    this.maxSpans = Math.max(1, options.maxSpans ?? 50_000);
    this.maxBytes = Math.max(1024, options.maxBytes ?? 32 * 1024 * 1024);
    this.maxPerTrace = Math.max(1, options.maxSpansPerTrace ?? 2000);
    this.keepSlowest = Math.max(0, options.keepSlowest ?? 20);
    this.keepErrored = Math.max(0, options.keepErrored ?? 20);
  }

  get spanCount(): number {
    return this.spanTotal;
  }

  get bytes(): number {
    return this.byteTotal;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  get(traceId: string): TraceEntry | undefined {
    return this.traces.get(traceId);
  }

  /** Every trace kept, oldest first. */
  all(): IterableIterator<TraceEntry> {
    return this.traces.values();
  }

  add(spans: readonly SpanRecord[], receivedMs: number): AddResult {
    let accepted = 0;
    let dropped = 0;
    for (const s of spans) {
      let t = this.traces.get(s.traceId);
      if (!t) {
        t = new TraceEntry(s.traceId, receivedMs);
        this.traces.set(s.traceId, t);
      } else if (t.spans.length >= this.maxPerTrace || t.has(s.spanId)) {
        dropped++;
        continue;
      }
      t.add(s, receivedMs);
      this.spanTotal++;
      this.byteTotal += s.bytes;
      accepted++;
      this.noteTail(t, s);
    }
    this.acceptedSpans += accepted;
    this.evict();
    return { accepted, dropped };
  }

  /** The n slowest traces that overlap [fromMs, toMs] (default: all kept), slowest first. */
  slowestTraces(n: number, fromMs = -Infinity, toMs = Infinity): TraceEntry[] {
    const inWindow: TraceEntry[] = [];
    for (const t of this.traces.values()) if (t.endMs >= fromMs && t.startMs <= toMs) inWindow.push(t);
    inWindow.sort((a, b) => b.durationMs - a.durationMs);
    return inWindow.slice(0, n);
  }

  private noteTail(t: TraceEntry, s: SpanRecord): void {
    if (this.keepSlowest > 0) {
      const i = this.slowest.indexOf(t);
      if (i >= 0) this.slowest.splice(i, 1);
      const d = t.durationMs;
      let at = this.slowest.findIndex((x) => x.durationMs < d);
      if (at < 0) at = this.slowest.length;
      if (at < this.keepSlowest) {
        this.slowest.splice(at, 0, t);
        if (this.slowest.length > this.keepSlowest) this.slowest.pop();
      }
    }
    if (this.keepErrored > 0 && s.status === 'error' && !this.errored.includes(t)) {
      this.errored.push(t);
      if (this.errored.length > this.keepErrored) this.errored.shift();
    }
  }

  private isKept(t: TraceEntry): boolean {
    return this.slowest.includes(t) || this.errored.includes(t);
  }

  private evict(): void {
    if (this.spanTotal <= this.maxSpans && this.byteTotal <= this.maxBytes) return;
    for (const [id, t] of this.traces) {
      if (this.spanTotal <= this.maxSpans && this.byteTotal <= this.maxBytes) return;
      if (this.isKept(t)) continue;
      this.drop(id, t);
    }
    // Still over: the kept traces alone exceed the bounds; the oldest of them go too.
    for (const [id, t] of this.traces) {
      if (this.spanTotal <= this.maxSpans && this.byteTotal <= this.maxBytes) return;
      this.drop(id, t);
      remove(this.slowest, t);
      remove(this.errored, t);
    }
  }

  private drop(id: string, t: TraceEntry): void {
    this.traces.delete(id);
    this.spanTotal -= t.spans.length;
    this.byteTotal -= t.bytes;
    this.evictedTraces++;
  }
}

function remove<X>(a: X[], x: X): void {
  const i = a.indexOf(x);
  if (i >= 0) a.splice(i, 1);
}
