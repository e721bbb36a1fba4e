/**
 * OpenMetrics exemplars of the scraped histograms. A bucket may name one observation
 * that fell in it: its value, when, and the trace it belongs to (`trace_id`). The
 * monitor keeps the latest of each histogram, bounded, so the latency chart can draw
 * them as points that open their trace. A trace id is the watched side's text: it is
 * checked to be hex here, and shown inert wherever it goes.
 */
import { Labels } from '../model';

export interface Exemplar {
  /** The histogram family (`chat_message_latency_seconds`). */
  readonly histogram: string;
  /** Series keys of the histogram's quantiles for this label set (`…_p95{…}`): the lines the point belongs with. */
  readonly seriesKeys: readonly string[];
  /** 32 lowercase hex digits (a 64-bit id is left-padded with zeros, as OpenTelemetry does). */
  readonly traceId: string;
  /** The exemplar's own timestamp, else when the monitor first saw it. */
  readonly timeMs: number;
  /** The observed value, in the histogram's unit. */
  readonly value: number;
}

/** Label names exporters use for the trace id (OpenTelemetry, prom-client users, Grafana's docs). */
const TRACE_ID_LABELS = ['trace_id', 'traceId', 'traceID', 'TraceID'] as const;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** The trace id an exemplar's labels name, normalised; undefined when none is a valid id. */
export function exemplarTraceId(labels: Labels): string | undefined {
  for (const name of TRACE_ID_LABELS) {
    const raw = labels[name];
    if (raw === undefined) continue;
    const v = raw.toLowerCase();
    const id = HEX32.test(v) ? v : HEX16.test(v) ? '0'.repeat(16) + v : undefined;
    // All zeros is the W3C "invalid" trace id: it names no trace.
    return id !== undefined && !/^0+$/.test(id) ? id : undefined;
  }
  return undefined;
}

export const DEFAULT_EXEMPLARS_PER_HISTOGRAM = 64;
export const DEFAULT_EXEMPLAR_HISTOGRAMS = 32;

/**
 * The latest exemplars of each histogram (per label set), oldest dropped first, and at
 * most so many histograms (the one heard from least recently goes). A server repeats a
 * bucket's exemplar on every scrape until a newer observation replaces it: the same
 * trace and value is kept once.
 */
export class ExemplarStore {
  private readonly byHistogram = new Map<string, Exemplar[]>();

  constructor(
    readonly maxPerHistogram = DEFAULT_EXEMPLARS_PER_HISTOGRAM,
    readonly maxHistograms = DEFAULT_EXEMPLAR_HISTOGRAMS,
  ) {}

  add(exemplars: readonly Exemplar[]): void {
    for (const e of exemplars) {
      const key = e.seriesKeys[0] ?? e.histogram;
      let list = this.byHistogram.get(key);
      if (list === undefined) {
        if (this.byHistogram.size >= this.maxHistograms) this.dropStalest();
        list = [];
        this.byHistogram.set(key, list);
      } else {
        // Most recently heard from last: the stalest is the map's first entry.
        this.byHistogram.delete(key);
        this.byHistogram.set(key, list);
      }
      if (list.some((x) => x.traceId === e.traceId && x.value === e.value)) continue;
      let i = list.length;
      while (i > 0 && list[i - 1]!.timeMs > e.timeMs) i--;
      list.splice(i, 0, e);
      if (list.length > this.maxPerHistogram) list.shift();
    }
  }

  /** Every kept exemplar at or after `fromMs`, oldest first. */
  since(fromMs: number): Exemplar[] {
    const out: Exemplar[] = [];
    for (const list of this.byHistogram.values()) {
      for (const e of list) if (e.timeMs >= fromMs) out.push(e);
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  get size(): number {
    let n = 0;
    for (const list of this.byHistogram.values()) n += list.length;
    return n;
  }

  clear(): void {
    this.byHistogram.clear();
  }

  private dropStalest(): void {
    const first = this.byHistogram.keys().next();
    if (!first.done) this.byHistogram.delete(first.value);
  }
}
