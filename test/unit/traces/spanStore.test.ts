import { inZhCn } from '../helpers/zhCn';
import assert from 'node:assert/strict';
import { decodeTraces } from '../../../src/core/traces/otlpDecode';
import { OperationTracker } from '../../../src/core/traces/operations';
import { SpanRecord } from '../../../src/core/traces/span';
import { SpanStore } from '../../../src/core/traces/spanStore';
import { analyzeTraces, criticalPath, selfTimes, waterfall } from '../../../src/core/traces/traceAnalysis';
import { chatTrace, fixtureBodies, span } from './helpers';

function sdkSpans(): SpanRecord[] {
  return fixtureBodies()
    .filter((b) => /^sdk-traces-[0-4]\.pb$/.test(b.file))
    .flatMap((b) => decodeTraces(b.body, 'protobuf').spans);
}

/** A deterministic shuffle (seeded LCG). */
function shuffled<X>(xs: readonly X[], seed: number): X[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('span store', () => {
  it('assembles the same trace whatever order the spans arrive in (and ignores a retried duplicate)', () => {
    const spans = sdkSpans();
    const traceId = spans.find((s) => s.name === 'POST /messages')!.traceId;
    const inOrder = new SpanStore();
    inOrder.add(spans, 0);
    const expected = waterfall(inOrder.get(traceId)!);
    for (let seed = 1; seed <= 20; seed++) {
      const st = new SpanStore();
      for (const s of shuffled(spans, seed)) st.add([s], seed);
      const r = st.add([spans[0]!], 99); // an SDK retry sends a span again
      assert.deepEqual(r, { accepted: 0, dropped: 1 });
      assert.equal(st.traceCount, 2);
      assert.equal(st.spanCount, 5);
      const w = waterfall(st.get(traceId)!);
      assert.deepEqual(w, expected, `seed ${seed}`);
    }
    assert.deepEqual(
      expected.spans.map((s) => [s.name, s.depth, s.startOffsetMs, s.durationMs, s.selfMs, s.criticalMs]),
      [
        ['POST /messages', 0, 0, 100, 10, 10],
        ['chat.handle', 1, 5, 90, 10, 10],
        ['db.query INSERT messages', 2, 10, 70, 70, 70],
        ['POST', 2, 82, 10, 10, 10],
      ],
    );
    assert.deepEqual(expected.spans[1]!.code, { file: 'examples/chat-server/server.js', line: 141, function: 'onChat' });
  });

  it('critical path gives every ms of the root to one span, also with concurrent children; self time subtracts their union', () => {
    const st = new SpanStore();
    // root 0..100; a 10..60 and b 30..90 overlap; c 40..50 inside a (hidden behind b).
    st.add(
      [
        span({ traceId: 'f1', spanId: 'r', name: 'root', kind: 'server', startMs: 0, durationMs: 100 }),
        span({ traceId: 'f1', spanId: 'a', parent: 'r', name: 'a', startMs: 10, durationMs: 50 }),
        span({ traceId: 'f1', spanId: 'b', parent: 'r', name: 'b', startMs: 30, durationMs: 60 }),
        span({ traceId: 'f1', spanId: 'c', parent: 'a', name: 'c', startMs: 40, durationMs: 10 }),
      ],
      0,
    );
    const t = st.get('f1'.padStart(32, '0'))!;
    const cp = criticalPath(t);
    const byName = (m: Map<string, number>) => Object.fromEntries([...m].map(([id, v]) => [t.spans.find((s) => s.spanId === id)!.name, v]));
    assert.deepEqual(byName(cp), { root: 20, b: 60, a: 20 });
    assert.equal([...cp.values()].reduce((x, y) => x + y, 0), 100);
    assert.deepEqual(byName(selfTimes(t)), { root: 20, a: 40, b: 60, c: 10 });
  });

  it('a span whose parent never arrived is shown as an orphan root; a cycle of parent ids does not hang', () => {
    const st = new SpanStore();
    st.add([span({ traceId: 'e1', spanId: 'x', parent: 'missing', name: 'child', startMs: 5, durationMs: 5 })], 0);
    st.add([span({ traceId: 'e2', spanId: 'p', parent: 'q', name: 'p', startMs: 0, durationMs: 5 }), span({ traceId: 'e2', spanId: 'q', parent: 'p', name: 'q', startMs: 1, durationMs: 2 })], 0);
    const w = waterfall(st.get('e1'.padStart(32, '0'))!);
    assert.equal(w.spans[0]!.orphan, true);
    const cyc = waterfall(st.get('e2'.padStart(32, '0'))!);
    assert.equal(cyc.spans.length, 2);
  });

  it('stays within its span and byte bounds, evicting the oldest traces but keeping the slowest and the errored', () => {
    const st = new SpanStore({ maxSpans: 300, maxBytes: 10_000_000, keepSlowest: 1, keepErrored: 2 });
    st.add(chatTrace('51', 0, 500), 0); // slow, early
    st.add(chatTrace('e1', 10, 2, 1, 'error'), 0); // errored, early
    for (let i = 0; i < 1000; i++) st.add(chatTrace((0x1000 + i).toString(16), 100 + i, 2), i);
    assert.ok(st.spanCount <= 300, `${st.spanCount} spans`);
    assert.ok(st.get('51'.padStart(32, '0')), 'the slowest trace is kept');
    assert.ok(st.get('e1'.padStart(32, '0')), 'the errored trace is kept');
    assert.equal(st.get((0x1000).toString(16).padStart(32, '0')), undefined, 'an old ordinary trace went');
    assert.ok(st.evictedTraces > 800);
    const byBytes = new SpanStore({ maxSpans: 1e9, maxBytes: 200_000 });
    for (let i = 0; i < 2000; i++) byBytes.add(chatTrace((0x1000 + i).toString(16), i, 2), i);
    assert.ok(byBytes.bytes <= 200_000, `${byBytes.bytes} bytes`);
    assert.ok(byBytes.spanCount > 100);
  });
});

describe('RED figures and the diagnosis', () => {
  it('count, error rate and p50/p95/p99 per operation match spans of known durations', () => {
    const ops = new OperationTracker();
    const spans: SpanRecord[] = [];
    for (let i = 1; i <= 100; i++) spans.push(span({ traceId: i.toString(16), name: 'POST /messages', kind: 'server', startMs: 1000 + i * 10, durationMs: i, status: i % 10 === 0 ? 'error' : 'unset' }));
    ops.add(spans);
    const [f] = ops.figures(0, 1e9);
    assert.equal(f!.count, 100);
    assert.equal(f!.errorRate, 0.1);
    // numpy's linear quantiles of 1..100
    assert.equal(f!.p50Ms, 50.5);
    assert.ok(Math.abs(f!.p95Ms - 95.05) < 1e-9);
    assert.ok(Math.abs(f!.p99Ms - 99.01) < 1e-9);
    // a window keeps only the spans that ended in it
    assert.equal(ops.figures(1000, 1000 + 50 * 10 + 50)[0]!.count, 50);
    // the rate covers the time spans were arriving (ends 1,011…2,100; [0, 2,011] holds 91 of them, over the 1 s since the first),
    // not a window reaching back to 0 (the Traces view asks for everything kept)
    assert.equal(ops.figures(0, 2011)[0]!.ratePerSecond, 91);
    // a window inside the arrivals: its own length (ends 1,506…2,100 in [1,505, 2,505]: 55 spans in 1 s)
    assert.equal(ops.figures(1505, 2505)[0]!.ratePerSecond, 55);
  });

  it('a slow database: "p95 of POST /messages rose from 4 ms to 180 ms; 71% of the slow traces\' time is in db.query INSERT messages"', () => {
    const st = new SpanStore();
    const ops = new OperationTracker();
    const add = (spans: SpanRecord[]) => {
      st.add(spans, 0);
      ops.add(spans);
    };
    // 60 fast requests (1 + 1 + 1 + 1 ms), then 60 slow ones: database 128 ms of 180.
    for (let i = 0; i < 60; i++) add(chatTrace((0x100 + i).toString(16), i * 100, 1, 1));
    for (let i = 0; i < 60; i++) add(chatTrace((0x200 + i).toString(16), 10_000 + i * 200, 128, 50));
    const r = analyzeTraces(st, ops, { fromMs: 0, toMs: 30_000 });
    assert.deepEqual(r.diagnosis, ["p95 of POST /messages rose from 4 ms to 180 ms; 71% of the slow traces' time is in db.query INSERT messages (database)"]);
    // In Chinese the same sentence, span names as they are.
    assert.deepEqual(inZhCn(() => analyzeTraces(st, ops, { fromMs: 0, toMs: 30_000 })).diagnosis, ['POST /messages 的 p95 从 4 ms 升到 180 ms；慢链路 71% 的时间花在 db.query INSERT messages（数据库）']);
    const b = r.breakdown[0]!;
    assert.equal(b.shares[0]!.category, 'db');
    assert.equal(b.shares[1]!.name, 'POST');
    assert.equal(b.shares[1]!.category, 'client');
    assert.equal(r.slowest[0]!.durationMs, 180);
    const op = r.operations.find((o) => o.name === 'POST /messages')!;
    assert.equal(op.count, 120);
    assert.equal(op.service, 'chat-server');
  });

  it('when the first span explains less than half of the slow traces\' time, the diagnosis names the runner-up too', () => {
    const st = new SpanStore();
    const ops = new OperationTracker();
    const add = (spans: SpanRecord[]) => {
      st.add(spans, 0);
      ops.add(spans);
    };
    // 60 fast requests, then 60 of 200 ms where a starved outbound call (90 ms), the database (70 ms)
    // and the handler itself (40 ms) split the time.
    const split = (id: string, t0: number): SpanRecord[] => [
      span({ traceId: id, spanId: `${id}2`, parent: `${id}1`, name: 'db.query INSERT messages', kind: 'client', startMs: t0 + 1, durationMs: 70, attributes: { 'db.system': 'sqlite' } }),
      span({ traceId: id, spanId: `${id}3`, parent: `${id}1`, name: 'POST', kind: 'client', startMs: t0 + 71, durationMs: 90 }),
      span({ traceId: id, spanId: `${id}1`, name: 'POST /messages', kind: 'server', startMs: t0, durationMs: 200 }),
    ];
    for (let i = 0; i < 60; i++) add(chatTrace((0x100 + i).toString(16), i * 100, 1, 1));
    for (let i = 0; i < 60; i++) add(split((0x200 + i).toString(16), 10_000 + i * 300));
    const r = analyzeTraces(st, ops, { fromMs: 0, toMs: 40_000 });
    assert.deepEqual(r.diagnosis, ["p95 of POST /messages rose from 4 ms to 200 ms; 45% of the slow traces' time is in POST (outbound call), 35% in db.query INSERT messages (database)"]);
  });
});
