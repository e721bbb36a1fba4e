/**
 * The traces side of the monitor: the OTLP receiver, the span store and the
 * per-operation figures behind one object, like the LogWatcher for logs. It gives
 * the collector a tick source (RED series per operation, so alerts, anomalies,
 * correlations and the report work on them unchanged), the log pipeline a line
 * stream (OTLP log records), and the report its `traces` object.
 *
 * This module and everything it imports (protobufjs, the OTLP definitions) is the
 * lazily loaded bundle dist/traces.js: the extension loads it only when the
 * receiver is turned on.
 */
import { Clock } from '../clock';
import { SourceOutput, TickSource } from '../collect/tickSource';
import { Disposable, DisposableStore, Emitter, Event } from '../events';
import { LineStream, LogLine } from '../logs/lineStream';
import { Sample, TraceMetric } from '../model';
import { OtlpLogRecord } from './otlpDecode';
import { OtlpReceiver, ReceiverNote } from './otlpReceiver';
import { OperationTracker } from './operations';
import { SpanRecord } from './span';
import { SpanStore, SpanStoreOptions } from './spanStore';
import { analyzeTraces, TracesReport, waterfall, SlowTrace } from './traceAnalysis';

export { OTLP_DEFAULT_PORT } from './otlpReceiver';
export type { TracesReport, SlowTrace };

export { TraceMetric };

export interface TraceWatcherOptions {
  readonly clock: Clock;
  /** OTLP/HTTP port (0: any free port). */
  readonly port: number;
  readonly store?: SpanStoreOptions;
  /** Operations given series each tick (the busiest entry operations; default 10). */
  readonly seriesOperations?: number;
  /** The window the per-tick percentiles cover (default 30 s). */
  readonly seriesWindowMs?: number;
  readonly maxSpansPerSecond?: number;
  readonly maxBodyBytes?: number;
  /** The setting a taken port's sentence tells the user to change, e.g. chatroomMonitor.traces.port. */
  readonly portSetting?: string;
}

export class TraceWatcher implements Disposable {
  readonly store: SpanStore;
  readonly operations = new OperationTracker();
  readonly receiver: OtlpReceiver;
  private readonly lineEmitter = new Emitter<LogLine>();
  private readonly spansEmitter = new Emitter<number>();
  /** OTLP log records as log lines (JSON the log pipeline parses: level, time, message, error). */
  readonly logLines: LineStream = { onLine: this.lineEmitter.event };
  /** Fires with the number of spans taken, after each export. */
  readonly onSpans: Event<number> = this.spansEmitter.event;
  readonly onNote: Event<ReceiverNote>;
  private readonly subscriptions = new DisposableStore();
  private lastNote: ReceiverNote | undefined;

  constructor(private readonly options: TraceWatcherOptions) {
    this.store = new SpanStore(options.store);
    this.receiver = new OtlpReceiver({
      port: options.port,
      clock: options.clock,
      ...(options.maxSpansPerSecond !== undefined ? { maxSpansPerSecond: options.maxSpansPerSecond } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.portSetting !== undefined ? { portSetting: options.portSetting } : {}),
      onSpans: (spans, ms) => this.ingest(spans, ms),
      onLogs: (records, ms) => this.ingestLogs(records, ms),
    });
    this.onNote = this.receiver.onNote;
    this.subscriptions.add(this.receiver.onNote((n) => (this.lastNote = n)));
  }

  /** Starts listening; resolves with the port or rejects with a sentence. */
  start(): Promise<number> {
    return this.receiver.start();
  }

  /** Spans in (the receiver calls it; tests and the bench call it directly). */
  ingest(spans: SpanRecord[], receivedMs: number): { accepted: number; dropped: number } {
    const r = this.store.add(spans, receivedMs);
    this.operations.add(spans);
    this.spansEmitter.fire(r.accepted);
    return r;
  }

  private ingestLogs(records: OtlpLogRecord[], receivedMs: number): void {
    for (const r of records) {
      for (const text of otlpLogLines(r)) this.lineEmitter.fire({ text, source: r.service ? `otlp ${r.service}` : 'otlp', receivedMs });
    }
  }

  /** The traces part of the report for [fromMs, toMs]. */
  report(fromMs: number, toMs: number): TracesReport {
    const notes = this.lastNote ? [this.lastNote.message] : [];
    return analyzeTraces(this.store, this.operations, { fromMs, toMs, rejectedSpans: this.receiver.counters.rejectedSpans, notes });
  }

  /** One trace as a waterfall (the dashboard's trace view). */
  trace(traceId: string): SlowTrace | undefined {
    const t = this.store.get(traceId);
    return t ? waterfall(t) : undefined;
  }

  /** RED series of the busiest entry operations, each tick. */
  tickSource(): TickSource {
    let lastMs: number | undefined;
    return {
      id: 'traces',
      collect: (ctx): Promise<SourceOutput> => {
        const samples: Sample[] = [];
        const window = this.options.seriesWindowMs ?? 30_000;
        const from = lastMs ?? ctx.nowMs - window;
        const ops = this.operations.figures(ctx.nowMs - window, ctx.nowMs).filter((o) => o.kind === 'server' || o.kind === 'consumer');
        const rates = new Map(this.operations.figures(from, ctx.nowMs).map((o) => [o.service + '\u0000' + o.name, o]));
        const seconds = Math.max(1e-3, (ctx.nowMs - from) / 1000);
        for (const o of ops.slice(0, this.options.seriesOperations ?? 10)) {
          const labels = { service: o.service, operation: o.name };
          const recent = rates.get(o.service + '\u0000' + o.name);
          samples.push({ name: TraceMetric.requestsPerSecond, labels, value: (recent?.count ?? 0) / seconds });
          samples.push({ name: TraceMetric.errorsPerSecond, labels, value: ((recent?.count ?? 0) * (recent?.errorRate ?? 0)) / seconds });
          samples.push({ name: TraceMetric.durationP50, labels, value: o.p50Ms / 1000 });
          samples.push({ name: TraceMetric.durationP95, labels, value: o.p95Ms / 1000 });
          samples.push({ name: TraceMetric.durationP99, labels, value: o.p99Ms / 1000 });
        }
        lastMs = ctx.nowMs;
        return Promise.resolve({ samples, problems: [] });
      },
    };
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.receiver.dispose();
    this.lineEmitter.dispose();
    this.spansEmitter.dispose();
  }
}

/** OTLP SeverityNumber ranges → the log pipeline's level words. */
function levelOf(n: number, text: string): string {
  if (n >= 21) return 'fatal';
  if (n >= 17) return 'error';
  if (n >= 13) return 'warn';
  if (n >= 9) return 'info';
  if (n >= 5) return 'debug';
  if (n >= 1) return 'trace';
  return text.toLowerCase() || 'info';
}

/** One OTLP log record as one JSON line (exception.* attributes as `err`). */
export function otlpLogLines(r: OtlpLogRecord): string[] {
  const a = r.attributes;
  const type = a['exception.type'];
  const message = a['exception.message'];
  const stack = a['exception.stacktrace'];
  const err = type !== undefined || stack !== undefined ? { type: String(type ?? 'Error'), message: String(message ?? r.body), ...(stack !== undefined ? { stack: String(stack) } : {}) } : undefined;
  const line = {
    time: r.timeMs,
    level: levelOf(r.severityNumber, r.severityText),
    msg: r.body,
    ...(r.service ? { service: r.service } : {}),
    ...(r.traceId ? { trace_id: r.traceId } : {}),
    ...(err ? { err } : {}),
  };
  return [JSON.stringify(line)];
}
