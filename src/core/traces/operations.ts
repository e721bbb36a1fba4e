/**
 * RED figures per operation (service + span name): every span that arrives is
 * counted here, whether or not its trace is still in the span store, so rates, error
 * rates and percentiles do not depend on the store's bounds. Each operation keeps
 * its recent durations in growable typed-array rings (bounded), and the number of
 * operations is bounded too (a span name with an id in it must not grow memory).
 */
import { quantileSorted } from '../analyze/stats';
import { SpanCategory, SpanKind, SpanRecord } from './span';

/** The report's per-operation figures: the JSON contract `traces.operations[]`. */
export interface OperationFigures {
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly category: SpanCategory;
  readonly count: number;
  /** Errored spans / spans, 0..1. */
  readonly errorRate: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /**
   * Spans per second over the part of the window in which spans were arriving: from
   * the window's start or the first span ever received, whichever is later (a window
   * that reaches back before the receiver started does not dilute the rate).
   */
  readonly ratePerSecond: number;
}

export interface OperationTrackerOptions {
  /** Durations kept per operation (default 8,192). */
  readonly capacity?: number;
  /** Operations tracked (default 200); spans of further ones are counted in `untracked`. */
  readonly maxOperations?: number;
}

class OperationRing {
  ends: Float64Array;
  durations: Float64Array;
  errors: Uint8Array;
  next = 0;
  size = 0;
  total = 0;

  constructor(
    readonly service: string,
    readonly name: string,
    readonly kind: SpanKind,
    readonly category: SpanCategory,
    private readonly capacity: number,
  ) {
    const initial = Math.min(64, capacity);
    this.ends = new Float64Array(initial);
    this.durations = new Float64Array(initial);
    this.errors = new Uint8Array(initial);
  }

  add(endMs: number, durationMs: number, error: boolean): void {
    if (this.size === this.ends.length && this.size < this.capacity) this.grow();
    const i = this.next;
    this.ends[i] = endMs;
    this.durations[i] = durationMs;
    this.errors[i] = error ? 1 : 0;
    this.next = (i + 1) % this.ends.length;
    this.size = Math.min(this.size + 1, this.ends.length);
    this.total++;
  }

  private grow(): void {
    const n = Math.min(this.capacity, this.ends.length * 2);
    const ends = new Float64Array(n);
    const durations = new Float64Array(n);
    const errors = new Uint8Array(n);
    // Unroll the ring oldest-first into the bigger arrays.
    for (let k = 0; k < this.size; k++) {
      const j = (this.next - this.size + k + this.ends.length) % this.ends.length;
      ends[k] = this.ends[j]!;
      durations[k] = this.durations[j]!;
      errors[k] = this.errors[j]!;
    }
    this.ends = ends;
    this.durations = durations;
    this.errors = errors;
    this.next = this.size % n;
  }
}

export class OperationTracker {
  private readonly ops = new Map<string, OperationRing>();
  private readonly capacity: number;
  private readonly maxOperations: number;
  /** Spans of operations beyond maxOperations (counted, not tracked). */
  untracked = 0;
  /** The earliest end time of any span received (the rate's earliest start). */
  private firstEndMs = Infinity;

  constructor(options: OperationTrackerOptions = {}) {
    this.capacity = Math.max(16, options.capacity ?? 8192);
    this.maxOperations = Math.max(1, options.maxOperations ?? 200);
  }

  add(spans: readonly SpanRecord[]): void {
    for (const s of spans) {
      const key = s.service + '\u0000' + s.name;
      let op = this.ops.get(key);
      if (!op) {
        if (this.ops.size >= this.maxOperations) {
          this.untracked++;
          continue;
        }
        op = new OperationRing(s.service, s.name, s.kind, s.category, this.capacity);
        this.ops.set(key, op);
      }
      const endMs = s.startMs + s.durationMs;
      if (endMs < this.firstEndMs) this.firstEndMs = endMs;
      op.add(endMs, s.durationMs, s.status === 'error');
    }
  }

  get size(): number {
    return this.ops.size;
  }

  /**
   * Figures per operation for spans that ended in [fromMs, toMs], most frequent
   * first. Queries change nothing.
   */
  figures(fromMs: number, toMs: number): OperationFigures[] {
    const out: OperationFigures[] = [];
    // At least a second: one span just received is not a rate of thousands per second.
    const seconds = Math.max(1, (toMs - Math.max(fromMs, this.firstEndMs)) / 1000);
    for (const op of this.ops.values()) {
      const d: number[] = [];
      let errors = 0;
      for (let k = 0; k < op.size; k++) {
        const e = op.ends[k]!;
        if (e < fromMs || e > toMs) continue;
        d.push(op.durations[k]!);
        errors += op.errors[k]!;
      }
      if (d.length === 0) continue;
      d.sort((a, b) => a - b);
      out.push({
        service: op.service,
        name: op.name,
        kind: op.kind,
        category: op.category,
        count: d.length,
        errorRate: errors / d.length,
        p50Ms: quantileSorted(d, 0.5),
        p95Ms: quantileSorted(d, 0.95),
        p99Ms: quantileSorted(d, 0.99),
        ratePerSecond: d.length / seconds,
      });
    }
    return out.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /** Durations (ms) of one operation's spans that ended in [fromMs, toMs], with their end times. */
  durations(service: string, name: string, fromMs: number, toMs: number): { endMs: number; durationMs: number }[] {
    const op = this.ops.get(service + '\u0000' + name);
    const out: { endMs: number; durationMs: number }[] = [];
    if (!op) return out;
    for (let k = 0; k < op.size; k++) {
      const e = op.ends[k]!;
      if (e >= fromMs && e <= toMs) out.push({ endMs: e, durationMs: op.durations[k]! });
    }
    return out.sort((a, b) => a.endMs - b.endMs);
  }
}
