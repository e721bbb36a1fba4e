import * as assert from 'node:assert/strict';
import { Histogram, OpenMetricsContentType, Registry } from 'prom-client';
import { seriesKey } from '../../../src/core/model';
import { ScrapeDeriver } from '../../../src/core/scrape/derive';
import { Exemplar, ExemplarStore, exemplarTraceId } from '../../../src/core/scrape/exemplars';
import { parseExposition } from '../../../src/core/scrape/parser';

const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const T2 = '0af7651916cd43dd8448eb211c80319c';

function ex(traceId: string, timeMs: number, value = 0.1, key = 'lat_p95'): Exemplar {
  return { histogram: 'lat', seriesKeys: [key], traceId, timeMs, value };
}

describe('exemplars', () => {
  it('a trace id from trace_id, traceId or traceID: hex, lowercased, a 64-bit one padded; anything else names no trace', () => {
    assert.equal(exemplarTraceId({ trace_id: T1 }), T1);
    assert.equal(exemplarTraceId({ traceID: T1.toUpperCase() }), T1);
    assert.equal(exemplarTraceId({ traceId: 'a3ce929d0e0e4736' }), '0000000000000000a3ce929d0e0e4736');
    assert.equal(exemplarTraceId({ trace_id: '0'.repeat(32) }), undefined);
    assert.equal(exemplarTraceId({ trace_id: '<script>alert(1)</script>' }), undefined);
    assert.equal(exemplarTraceId({ span_id: 'a3ce929d0e0e4736' }), undefined);
  });

  it('the real prom-client histogram with exemplars, scraped as OpenMetrics: each exemplar with its trace, value, time and quantile series', async () => {
    const register = new Registry<OpenMetricsContentType>();
    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const h = new Histogram({ name: 'lat_seconds', help: 'x', buckets: [0.01, 0.1, 1], labelNames: ['room'] as const, enableExemplars: true, registers: [register] });
    // prom-client's types tie exemplar label names to the metric's own; its code does not.
    const exemplar = (labels: Record<string, string>) => labels as unknown as Partial<Record<'room', string>>;
    h.observe({ labels: { room: 'a' }, value: 0.05, exemplarLabels: exemplar({ trace_id: T1 }) });
    h.observe({ labels: { room: 'a' }, value: 0.5, exemplarLabels: exemplar({ trace_id: T2 }) });
    h.observe({ labels: { room: 'a' }, value: 0.006, exemplarLabels: {} }); // no exemplar labels: none recorded
    const body = await register.metrics();
    const p = parseExposition(body, { format: 'openmetrics' });
    assert.deepEqual(p.problems, []);
    const d = new ScrapeDeriver();
    const before = Date.now();
    const r = d.derive(p.families, 1_000);
    const keys = ['lat_seconds_p50', 'lat_seconds_p95', 'lat_seconds_p99'].map((n) => seriesKey(n, { room: 'a' }));
    assert.deepEqual(
      r.exemplars.map((e) => [e.histogram, e.traceId, e.value, e.seriesKeys]),
      [
        ['lat_seconds', T1, 0.05, keys],
        ['lat_seconds', T2, 0.5, keys],
      ],
    );
    // prom-client stamps each exemplar with the time it was observed.
    for (const e of r.exemplars) assert.ok(e.timeMs >= before - 5_000 && e.timeMs <= Date.now(), String(e.timeMs));
  });

  it('an exemplar without a timestamp takes the scrape time; one without a trace id is not kept', () => {
    const body = ['# TYPE lat histogram', `lat_bucket{le="1"} 1 # {trace_id="${T1}"} 0.3`, 'lat_bucket{le="+Inf"} 2 # {user="x"} 3', 'lat_count 2', 'lat_sum 3.3', '# EOF', ''].join('\n');
    const r = new ScrapeDeriver().derive(parseExposition(body).families, 42_000);
    assert.deepEqual(r.exemplars, [{ histogram: 'lat', seriesKeys: ['lat_p50', 'lat_p95', 'lat_p99'], traceId: T1, timeMs: 42_000, value: 0.3 }]);
  });

  it('the store keeps an exemplar repeated scrape after scrape once, newest last, and at most so many per histogram', () => {
    const s = new ExemplarStore(3, 2);
    s.add([ex(T1, 1000)]);
    s.add([ex(T1, 1000)]); // the next scrape repeats the bucket's exemplar
    s.add([ex(T2, 500)]);
    assert.deepEqual(s.since(0).map((e) => [e.traceId, e.timeMs]), [[T2, 500], [T1, 1000]]);
    assert.deepEqual(s.since(600).map((e) => e.traceId), [T1]);
    const ids = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32));
    ids.forEach((id, i) => s.add([ex(id, 2000 + i)]));
    assert.deepEqual(s.since(0).map((e) => e.traceId), ids.slice(1), 'the oldest go first');
    assert.equal(s.size, 3);
  });

  it('the store bounds the histograms too: the one heard from least recently goes', () => {
    const s = new ExemplarStore(10, 2);
    s.add([ex(T1, 1, 0.1, 'a_p95')]);
    s.add([ex(T1, 2, 0.1, 'b_p95')]);
    s.add([ex(T2, 3, 0.1, 'a_p95')]); // a heard from again
    s.add([ex(T1, 4, 0.1, 'c_p95')]); // b goes
    assert.deepEqual(s.since(0).map((e) => e.seriesKeys[0]), ['a_p95', 'a_p95', 'c_p95']);
  });
});
