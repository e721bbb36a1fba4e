/**
 * Span ingest: OTLP export bodies of 500 spans (100 chat-message traces of 5 spans,
 * the attributes the example server's SDK sets) decoded and put into the span store
 * and the per-operation figures — spans per CPU-second on one core, for protobuf and
 * for JSON; then memory per kept span (heap + buffers after GC, the store full).
 * The bodies are encoded here with protobufjs from the OTLP definitions (the same
 * bytes an SDK sends for these spans; the decode path is the receiver's).
 */
import * as protobuf from 'protobufjs/light';
import { BenchContext, BenchRow } from './lib/row';

interface Wire {
  resourceSpans: unknown[];
}

function hex(n: number, len: number): string {
  return n.toString(16).padStart(len, '0');
}

/** One export request: `traces` traces of 5 spans, ids unique per `batch`. */
function request(batch: number, traces: number, json: boolean): Wire {
  const t0 = 1767225600000000000n + BigInt(batch) * 1_000_000_000n;
  const spans: unknown[] = [];
  const id = (s: string) => (json ? s : Buffer.from(s, 'hex'));
  const time = (ns: bigint) => (json ? ns.toString() : (protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): unknown }).fromString(ns.toString(), true));
  const str = (v: string) => ({ stringValue: v });
  for (let t = 0; t < traces; t++) {
    const traceId = hex(batch, 16) + hex(t, 16);
    const base = t0 + BigInt(t) * 1_000_000n;
    const mk = (n: number, parent: number | undefined, name: string, kind: number, startUs: number, durUs: number, attrs: [string, string][]) =>
      spans.push({
        traceId: id(traceId),
        spanId: id(hex(batch * 1e4 + t * 10 + n, 16)),
        ...(parent !== undefined ? { parentSpanId: id(hex(batch * 1e4 + t * 10 + parent, 16)) } : {}),
        name,
        kind,
        startTimeUnixNano: time(base + BigInt(startUs) * 1000n),
        endTimeUnixNano: time(base + BigInt(startUs + durUs) * 1000n),
        attributes: attrs.map(([key, v]) => ({ key, value: str(v) })),
        status: {},
      });
    mk(1, undefined, 'chat message', 2, 0, 4000, [['chat.room', 'lobby'], ['code.filepath', '/app/examples/chat-server/server.js'], ['code.function', 'tracedChat']]);
    mk(2, 1, 'POST', 3, 100, 900, [['http.request.method', 'POST'], ['url.full', 'http://127.0.0.1:40123/moderate'], ['server.address', '127.0.0.1']]);
    mk(3, 2, 'POST /moderate', 2, 200, 300, [['http.request.method', 'POST'], ['http.route', '/moderate']]);
    mk(4, 1, 'db.query INSERT messages', 3, 1100, 2500, [['db.system', 'sqlite'], ['db.operation.name', 'INSERT'], ['db.statement', 'INSERT INTO messages (room, user, text, at) VALUES (?, ?, ?, ?)']]);
    mk(5, 1, 'broadcast', 1, 3700, 200, [['chat.members', '12']]);
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('chat-server') }] }, scopeSpans: [{ scope: { name: 'chat-server', version: '1.0.0' }, spans }] }] };
}

function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { OTLP_DESCRIPTOR } = await import('../src/core/traces/otlpSchema');
  const { decodeTraces } = await import('../src/core/traces/otlpDecode');
  const { SpanStore } = await import('../src/core/traces/spanStore');
  const { OperationTracker } = await import('../src/core/traces/operations');
  const Req = protobuf.Root.fromJSON(OTLP_DESCRIPTOR).lookupType('otlp.ExportTraceServiceRequest');
  const batches = ctx.smoke ? 4 : 200;
  const perBatch = 100; // traces → 500 spans a body
  const bodies = (json: boolean) =>
    Array.from({ length: batches }, (_, i) => (json ? Buffer.from(JSON.stringify(request(i + 1, perBatch, true))) : Buffer.from(Req.encode(Req.fromObject(request(i + 1, perBatch, false))).finish())));

  const measure = (encoding: 'protobuf' | 'json') => {
    const input = bodies(encoding === 'json');
    // Warm-up on a separate store.
    const warm = new SpanStore();
    for (const b of input.slice(0, Math.min(10, input.length))) warm.add(decodeTraces(b, encoding).spans, 0);
    const store = new SpanStore({ maxSpans: 50_000 });
    const ops = new OperationTracker();
    const c0 = process.cpuUsage();
    let spans = 0;
    for (const b of input) {
      const d = decodeTraces(b, encoding).spans;
      store.add(d, 0);
      ops.add(d);
      spans += d.length;
    }
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    const bytes = input.reduce((a, b) => a + b.length, 0);
    return { perSecond: spans / cpuS, spans, cpuS, bodyBytes: bytes / input.length, kept: store.spanCount };
  };
  const pb = measure('protobuf');
  const js = measure('json');

  // Memory per kept span: a full store of 50,000 (smoke: 2,000) spans.
  const keep = ctx.smoke ? 2000 : 50_000;
  const memInput = Array.from({ length: Math.ceil(keep / 500) }, (_, b) => Buffer.from(Req.encode(Req.fromObject(request(10_000 + b, perBatch, false))).finish()));
  const before = usedBytes();
  const store = new SpanStore({ maxSpans: keep, maxBytes: 1e12 });
  for (const b of memInput) store.add(decodeTraces(b, 'protobuf').spans, 0);
  const perSpan = (usedBytes() - before) / store.spanCount;
  const estimate = store.bytes / store.spanCount;

  return [
    {
      id: 'traces.ingest.protobuf',
      figure: 'OTLP protobuf spans ingested (decode, store, RED figures) per CPU-second, one core',
      ours: { value: pb.perSecond, unit: 'spans/s', what: 'CPU' },
      budget: { text: '≥ 50,000 spans/s', holds: pb.perSecond >= 50_000 },
      note: `${pb.spans} spans in bodies of 500 (${(pb.bodyBytes / 1024).toFixed(0)} KiB each), ${pb.cpuS.toFixed(2)} s CPU`,
      raw: pb,
    },
    {
      id: 'traces.ingest.json',
      figure: 'OTLP JSON spans ingested (parse, store, RED figures) per CPU-second, one core',
      ours: { value: js.perSecond, unit: 'spans/s', what: 'CPU' },
      budget: { text: '≥ 50,000 spans/s', holds: js.perSecond >= 50_000 },
      note: `${js.spans} spans in bodies of 500 (${(js.bodyBytes / 1024).toFixed(0)} KiB each), ${js.cpuS.toFixed(2)} s CPU`,
      raw: js,
    },
    {
      id: 'traces.memoryPerKeptSpan',
      figure: 'Memory per kept span (heap + buffers after GC, store full)',
      ours: { value: perSpan, unit: 'B/span' },
      budget: { text: '≤ 1,024 B (3 attributes a span)', holds: perSpan <= 1024 },
      note: `${store.spanCount} kept; the store's own estimate ${estimate.toFixed(0)} B/span (what its byte bound counts); ${((perSpan * 50_000) / 1048576).toFixed(1)} MiB for the default 50,000`,
      raw: { kept: store.spanCount, perSpan, estimate },
    },
  ];
}
