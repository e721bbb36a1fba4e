import * as assert from 'node:assert/strict';
import { CHILD_NODE_TEST_TIMEOUT_MS, TURBOFANNED, compiledIn, requireOf, runNode, runWithNatives, traceOf } from '../helpers/v8Natives';
import { Registry, RegistryContentType, Histogram, Summary } from 'prom-client';
import { Sample, seriesKey } from '../../../src/core/model';
import { ScrapeDeriver, quantileName, rateName } from '../../../src/core/scrape/derive';
import { MetricFamily, SampleColumnPool, parseExposition, parseExpositionBytes } from '../../../src/core/scrape/parser';
import { SeriesCache } from '../../../src/core/scrape/seriesCache';
import { chatRegistry } from './exposition';
import { fakeClock } from '../helpers/fakeClock';

function families(text: string): readonly MetricFamily[] {
  const p = parseExposition(text);
  assert.deepEqual(p.problems, []);
  return p.families;
}

/** The samples without their declared metadata (checked on its own below). */
function plain(samples: readonly Sample[]): { name: string; labels: Sample['labels']; value: number }[] {
  return samples.map(({ name, labels, value }) => ({ name, labels, value }));
}

function byKey(samples: readonly Sample[]): Map<string, number> {
  return new Map(samples.map((s) => [seriesKey(s.name, s.labels), s.value]));
}

function close(actual: number | undefined, expected: number, what = ''): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what} ${actual} is not ${expected}`);
}

describe('ScrapeDeriver', () => {
  it('reuses its output objects on alternate scrapes: the latest two results keep their values, a duplicate series gets its own object', () => {
    const d = new ScrapeDeriver();
    const body = (v: number) => `# TYPE g gauge\ng{a="x"} ${v}\ng{a="y"} ${v + 1}\n# TYPE c counter\nc_total{a="x"} ${v * 10}\n`;
    // One labels object per series across bodies, as the scraper's series cache gives.
    const cache = new SeriesCache();
    const parse = (t: string) => parseExposition(t, { seriesCache: cache }).families;
    const r1 = d.derive(parse(body(1)), 1000).samples;
    const r2 = d.derive(parse(body(2)), 2000).samples;
    assert.deepEqual(plain(r1), [{ name: 'g', labels: { a: 'x' }, value: 1 }, { name: 'g', labels: { a: 'y' }, value: 2 }]);
    assert.deepEqual(plain(r2), [
      { name: 'g', labels: { a: 'x' }, value: 2 },
      { name: 'g', labels: { a: 'y' }, value: 3 },
      { name: 'c_per_second', labels: { a: 'x' }, value: 10 },
    ]);
    const r3 = d.derive(parse(body(5)), 3000).samples;
    assert.equal(r3[0], r1[0], "the third scrape writes into the first one's objects");
    assert.notEqual(r3[0], r2[0]);
    assert.equal(r3, r1, "and into the first one's array: no array is made per scrape");
    assert.notEqual(r3, r2);
    assert.deepEqual(plain(r2), [
      { name: 'g', labels: { a: 'x' }, value: 2 },
      { name: 'g', labels: { a: 'y' }, value: 3 },
      { name: 'c_per_second', labels: { a: 'x' }, value: 10 },
    ], 'the previous result is untouched');
    assert.deepEqual(plain(r3).map((x) => x.value), [5, 6, 30]);
    const dup = d.derive(parse('# TYPE g gauge\ng{a="x"} 7\ng{a="x"} 8\n'), 4000).samples;
    assert.notEqual(dup[0], dup[1]);
    assert.deepEqual(dup.map((x) => x.value), [7, 8]);
    assert.deepEqual(Object.keys(dup[0]!), ['name', 'labels', 'value', 'meta'], 'a plain sample, as before');
  });

  it("derives the same from the parse's columns as from ParsedSample objects, scrape after scrape", async () => {
    for (const openMetrics of [false, true]) {
      const { register, messages, activeUsers, latency } = chatRegistry(openMetrics);
      const format = openMetrics ? 'openmetrics' : 'prometheus';
      const fromObjects = new ScrapeDeriver();
      const fromColumns = new ScrapeDeriver();
      const pool = new SampleColumnPool();
      for (let scrape = 0; scrape < 4; scrape++) {
        messages.inc(3 + scrape);
        activeUsers.set({ room: `r${scrape % 2}` }, scrape);
        latency.observe(0.02 * (scrape + 1));
        const body = Buffer.from(await register.metrics());
        const t = 1000 * (scrape + 1);
        const a = fromObjects.derive(parseExpositionBytes(body, { format }).families, t);
        const b = fromColumns.derive(parseExpositionBytes(body, { format, columns: pool }).families, t);
        assert.deepEqual(b, a);
        if (scrape > 0) {
          assert.ok(b.samples.some((s) => s.name === 'chat_messages_per_second'), 'a rate from the columns');
          assert.ok(b.samples.some((s) => s.name === quantileName('chat_message_latency_seconds', 0.95)), 'a quantile from the columns');
        }
      }
    }
  });

  it('passes gauges, untyped and unknown samples through as they are', () => {
    const d = new ScrapeDeriver();
    const r = d.derive(
      families('# TYPE g gauge\ng{room="a"} 3\nu 4\n# TYPE k unknown\nk 5\n# TYPE st stateset\nst{st="on"} 1\n# EOF\n'),
      0,
    );
    assert.deepEqual(plain(r.samples), [
      { name: 'g', labels: { room: 'a' }, value: 3 },
      { name: 'u', labels: {}, value: 4 },
      { name: 'k', labels: {}, value: 5 },
      { name: 'st', labels: { st: 'on' }, value: 1 },
    ]);
  });

  describe('counters', () => {
    it('names the rate foo_per_second, stripping _total', () => {
      assert.equal(rateName('chat_messages_total'), 'chat_messages_per_second');
      assert.equal(rateName('chat_messages'), 'chat_messages_per_second');
    });

    it('gives no rate on the first scrape, then the increase over the clock time between scrapes', () => {
      const clock = fakeClock();
      const d = new ScrapeDeriver();
      const body = (v: number): readonly MetricFamily[] => families(`# TYPE chat_messages_total counter\nchat_messages_total{room="a"} ${v}\n`);
      assert.deepEqual(plain(d.derive(body(100), clock.now()).samples), []);
      clock.tick(2000);
      assert.deepEqual(plain(d.derive(body(130), clock.now()).samples), [
        { name: 'chat_messages_per_second', labels: { room: 'a' }, value: 15 },
      ]);
      // Same increase over a longer time: a lower rate (time, not sample count, divides).
      clock.tick(6000);
      assert.equal(d.derive(body(160), clock.now()).samples[0]!.value, 5);
    });

    it('treats a decrease as a reset: the new value is the increase since the restart', () => {
      const clock = fakeClock();
      const d = new ScrapeDeriver();
      const body = (v: number): readonly MetricFamily[] => families(`# TYPE c counter\nc_total ${v}\n# EOF\n`);
      d.derive(body(1000), clock.now());
      clock.tick(2000);
      // The server restarted and has counted 10 since: 10 over 2 s, not -990.
      assert.deepEqual(plain(d.derive(body(10), clock.now()).samples), [{ name: 'c_per_second', labels: {}, value: 5 }]);
    });

    it('reads a typed counter without _total', () => {
      const d = new ScrapeDeriver();
      d.derive(families('# TYPE hits counter\nhits 1\n'), 0);
      assert.deepEqual(plain(d.derive(families('# TYPE hits counter\nhits 3\n'), 1000).samples), [
        { name: 'hits_per_second', labels: {}, value: 2 },
      ]);
    });

    it('gives nothing for a scrape at the same instant (nothing to divide by)', () => {
      const d = new ScrapeDeriver();
      d.derive(families('# TYPE c counter\nc_total 1\n'), 5000);
      assert.deepEqual(plain(d.derive(families('# TYPE c counter\nc_total 2\n'), 5000).samples), []);
    });
  });

  describe('histograms', () => {
    function latencyRegistry(): { register: Registry<RegistryContentType>; h: Histogram<'room'> } {
      const register = new Registry<RegistryContentType>();
      const h = new Histogram({
        name: 'chat_message_latency_seconds',
        help: 'Latency.',
        labelNames: ['room'],
        buckets: [0.01, 0.05, 0.1, 1],
        registers: [register],
      });
      return { register, h };
    }

    it('emits p50/p95/p99, mean and per_second from the bucket increases of real prom-client output', async () => {
      const clock = fakeClock();
      const { register, h } = latencyRegistry();
      for (let i = 0; i < 5; i++) {
        h.observe({ room: 'a' }, 0.5); // before the first scrape: not in any increase
      }
      const d = new ScrapeDeriver();
      assert.deepEqual(plain(d.derive(families(await register.metrics()), clock.now()).samples), []);

      // 100 observations between the scrapes: 10 ≤ 0.01, 40 in (0.01, 0.05], 40 in (0.05, 0.1], 10 in (0.1, 1]
      for (let i = 0; i < 10; i++) h.observe({ room: 'a' }, 0.005);
      for (let i = 0; i < 40; i++) h.observe({ room: 'a' }, 0.03);
      for (let i = 0; i < 40; i++) h.observe({ room: 'a' }, 0.07);
      for (let i = 0; i < 10; i++) h.observe({ room: 'a' }, 0.2);
      clock.tick(2000);
      const got = byKey(d.derive(families(await register.metrics()), clock.now()).samples);
      const k = (n: string): string => seriesKey(n, { room: 'a' });
      // p50: rank 50 = the end of (0.01, 0.05] → 0.05
      close(got.get(k('chat_message_latency_seconds_p50')), 0.05, 'p50');
      // p95: rank 95 → (0.1, 1], 10 in it, 5 past its start → 0.1 + 0.9 × 0.5 = 0.55
      close(got.get(k('chat_message_latency_seconds_p95')), 0.55, 'p95');
      // p99: 0.1 + 0.9 × 9/10 = 0.91
      close(got.get(k('chat_message_latency_seconds_p99')), 0.91, 'p99');
      // mean: (10×0.005 + 40×0.03 + 40×0.07 + 10×0.2) / 100 = 0.0605
      close(got.get(k('chat_message_latency_seconds_mean')), 0.0605, 'mean');
      // 100 observations in 2 s
      close(got.get(k('chat_message_latency_seconds_per_second')), 50, 'per_second');
      assert.equal(got.size, 5);
    });

    it('returns the highest finite bound when the quantile falls in the +Inf bucket', () => {
      const d = new ScrapeDeriver();
      const body = (inf: number): readonly MetricFamily[] =>
        families(`# TYPE h histogram\nh_bucket{le="0.1"} 0\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} ${inf}\nh_count ${inf}\nh_sum 0\n`);
      d.derive(body(0), 0);
      const got = byKey(d.derive(body(100), 1000).samples);
      assert.equal(got.get('h_p95'), 1);
    });

    it('leaves a gap, not 0, when the window holds no observations', () => {
      const clock = fakeClock();
      const d = new ScrapeDeriver({ histogramWindowMs: 10_000 });
      const body = (n: number): readonly MetricFamily[] =>
        families(`# TYPE h histogram\nh_bucket{le="0.1"} ${n}\nh_bucket{le="+Inf"} ${n}\nh_count ${n}\nh_sum ${n * 0.05}\n`);
      d.derive(body(0), clock.now());
      clock.tick(1000);
      assert.ok(byKey(d.derive(body(10), clock.now()).samples).has('h_p50'));
      // Still inside the 10 s window: the 10 observations still count.
      clock.tick(5000);
      assert.ok(byKey(d.derive(body(10), clock.now()).samples).has('h_p50'));
      // The window has moved past them: no quantile, no mean — but the rate is a true 0.
      clock.tick(6000);
      const got = byKey(d.derive(body(10), clock.now()).samples);
      assert.equal(got.has('h_p50'), false);
      assert.equal(got.has('h_mean'), false);
      assert.equal(got.get('h_per_second'), 0);
    });

    it('counts the buckets of a restarted server from zero, like rate()', () => {
      const d = new ScrapeDeriver();
      const body = (a: number, inf: number): readonly MetricFamily[] =>
        families(`# TYPE h histogram\nh_bucket{le="1"} ${a}\nh_bucket{le="+Inf"} ${inf}\nh_count ${inf}\nh_sum 0\n`);
      d.derive(body(500, 1000), 0);
      // Restarted: 4 observations ≤ 1 and 4 more above since then.
      const got = byKey(d.derive(body(4, 8), 1000).samples);
      // rank 4 of 8 = the end of [0, 1] → 1; 8 per second
      assert.equal(got.get('h_p50'), 1);
      assert.equal(got.get('h_per_second'), 8);
    });

    it('keeps the window right scrape after scrape while snapshots leaving it lend their storage to new ones', () => {
      const d = new ScrapeDeriver({ histogramWindowMs: 10_000 });
      // One observation per second: ≤ 1 for the first 30 s, in (1, 2] after that.
      const body = (i: number): readonly MetricFamily[] => {
        const le1 = Math.min(i, 30);
        return families(`# TYPE h histogram\nh_bucket{le="1"} ${le1}\nh_bucket{le="2"} ${i}\nh_bucket{le="+Inf"} ${i}\nh_count ${i}\nh_sum ${i}\n`);
      };
      const at = new Map<number, Map<string, number>>();
      for (let i = 0; i <= 100; i++) {
        at.set(i, byKey(d.derive(body(i), i * 1000).samples));
      }
      // At 35 s the window (25 s → 35 s) holds 5 observations ≤ 1 and 5 in (1, 2].
      close(at.get(35)!.get('h_p50'), 1, 'p50 at 35 s');
      close(at.get(35)!.get('h_p95'), 1.9, 'p95 at 35 s');
      // From 40 s on, all 10 are in (1, 2]: rank 5 of 10 is half-way.
      close(at.get(70)!.get('h_p50'), 1.5, 'p50 at 70 s');
      close(at.get(100)!.get('h_p99'), 1.99, 'p99 at 100 s');
      close(at.get(100)!.get('h_per_second'), 1, 'rate at 100 s');
    });

    it('hands on one labels object per histogram group and per summary quantile series, scrape after scrape', () => {
      const d = new ScrapeDeriver();
      const body = (n: number): readonly MetricFamily[] =>
        families(
          `# TYPE h histogram\nh_bucket{room="a",le="1"} ${n}\nh_bucket{room="a",le="+Inf"} ${n}\nh_count{room="a"} ${n}\nh_sum{room="a"} ${n}\n` +
            `# TYPE s summary\ns{room="a",quantile="0.5"} ${n}\ns_count{room="a"} ${n}\ns_sum{room="a"} ${n}\n`,
        );
      d.derive(body(0), 0);
      const first = d.derive(body(10), 1000).samples;
      const second = d.derive(body(20), 2000).samples;
      for (const name of ['h_p50', 'h_per_second', 's_p50']) {
        const a = first.find((s) => s.name === name);
        const b = second.find((s) => s.name === name);
        assert.ok(a && b, name);
        assert.deepEqual({ ...b.labels }, { room: 'a' });
        assert.equal(b.labels, a.labels, `${name}: the same labels object`);
      }
      const h = second.filter((s) => s.name.startsWith('h_'));
      assert.ok(h.every((s) => s.labels === h[0]!.labels), 'every series of the group shares it');
    });

    it('starts over when the exporter changes its buckets', () => {
      const d = new ScrapeDeriver();
      d.derive(families('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\n'), 0);
      const got = d.derive(families('# TYPE h histogram\nh_bucket{le="2"} 5\nh_bucket{le="+Inf"} 5\n'), 1000);
      assert.deepEqual(plain(got.samples), []);
    });

    it('says so when a histogram has no +Inf bucket', () => {
      const d = new ScrapeDeriver();
      const r = d.derive(families('# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n'), 0);
      assert.deepEqual(r.problems, ['histogram h has no le="+Inf" bucket, so its quantiles cannot be computed.']);
    });

    it('reads quantiles of a gauge histogram straight from its buckets', () => {
      const d = new ScrapeDeriver();
      const r = d.derive(
        families('# TYPE q gaugehistogram\nq_bucket{le="10"} 50\nq_bucket{le="+Inf"} 100\nq_gcount 100\nq_gsum 2000\n# EOF\n'),
        0,
      );
      const got = byKey(r.samples);
      assert.equal(got.get('q_p50'), 10);
      assert.equal(got.get('q_mean'), 20);
    });
  });

  describe('summaries', () => {
    it('names the quantile series foo_pNN without the quantile label, and rates _count', async () => {
      const register = new Registry<RegistryContentType>();
      const s = new Summary({ name: 'chat_msg_bytes', help: 'Sizes.', labelNames: ['room'], percentiles: [0.5, 0.95, 0.999], registers: [register] });
      s.observe({ room: 'a' }, 100);
      const d = new ScrapeDeriver();
      const first = byKey(d.derive(families(await register.metrics()), 0).samples);
      assert.deepEqual([...first.keys()], [
        'chat_msg_bytes_p50{room="a"}',
        'chat_msg_bytes_p95{room="a"}',
        'chat_msg_bytes_p99_9{room="a"}',
      ]);
      assert.equal(first.get('chat_msg_bytes_p95{room="a"}'), 100);
      s.observe({ room: 'a' }, 100);
      s.observe({ room: 'a' }, 100);
      const second = byKey(d.derive(families(await register.metrics()), 4000).samples);
      assert.equal(second.get('chat_msg_bytes_per_second{room="a"}'), 0.5);
    });

    it('formats quantile names as percentages', () => {
      assert.equal(quantileName('x', 0.5), 'x_p50');
      assert.equal(quantileName('x', 0.95), 'x_p95');
      assert.equal(quantileName('x', 0.99), 'x_p99');
      assert.equal(quantileName('x', 0.999), 'x_p99_9');
      assert.equal(quantileName('x', 0.01), 'x_p1');
    });
  });

  it("drops the series the monitor measures itself (prom-client's process metrics) and counts them", () => {
    const d = new ScrapeDeriver();
    const r = d.derive(families('process_resident_memory_bytes 5\nprocess_open_fds 9\nchat_active_users 2\n'), 0);
    assert.deepEqual(plain(r.samples), [{ name: 'chat_active_users', labels: {}, value: 2 }]);
    assert.equal(r.ownDropped, 2);
  });

  it('drops NaN and ±Inf values and counts them', () => {
    const d = new ScrapeDeriver();
    const r = d.derive(families('a NaN\nb +Inf\nc -Inf\nd 1\n# TYPE s summary\ns{quantile="0.5"} NaN\n'), 0);
    assert.deepEqual(plain(r.samples), [{ name: 'd', labels: {}, value: 1 }]);
    assert.equal(r.nonFiniteDropped, 4);
  });

  it('forgets series that stopped appearing, so state stays bounded', () => {
    const clock = fakeClock();
    const d = new ScrapeDeriver({ forgetAfterMs: 60_000 });
    const room = (name: string, v: number): string => `chat_messages_total{room="${name}"} ${v}\n`;
    const t = '# TYPE chat_messages_total counter\n';
    d.derive(families(t + room('a', 1) + room('b', 1)), clock.now());
    assert.equal(d.trackedSeries, 2);
    clock.tick(30_000);
    d.derive(families(t + room('a', 2)), clock.now());
    assert.equal(d.trackedSeries, 2, 'b is remembered for a while');
    clock.tick(31_000);
    d.derive(families(t + room('a', 3)), clock.now());
    assert.equal(d.trackedSeries, 1, 'b is forgotten after forgetAfterMs');
    // Back again: a first scrape once more, so no rate over the long gap.
    clock.tick(1000);
    const r = d.derive(families(t + room('a', 4) + room('b', 500)), clock.now());
    assert.deepEqual(r.samples.map((s) => s.labels['room']), ['a']);
  });

  it('walks its tracked series only when one of them can be due to be forgotten, not every scrape (issue 20)', () => {
    const d = new ScrapeDeriver({ forgetAfterMs: 60_000 });
    let walks = 0;
    const state = d as unknown as { counters: Map<string, unknown>; histograms: Map<string, unknown> };
    for (const map of [state.counters, state.histograms]) {
      const iterate = map[Symbol.iterator].bind(map);
      Object.defineProperty(map, Symbol.iterator, { value: () => (walks++, iterate()) });
    }
    const t = '# TYPE chat_messages_total counter\n';
    // Every series seen every second for 200 s: a walk per forgetAfterMs at most (there were 400).
    for (let i = 0; i < 200; i++) d.derive(families(`${t}chat_messages_total{room="a"} ${i}\nchat_messages_total{room="b"} ${i}\n`), i * 1000);
    assert.ok(walks <= 2 * 4, `${walks} walks`);
    assert.equal(d.trackedSeries, 2);
  });

  it('forgets the same series at the same scrape as a walk every scrape, series coming and going and the clock stepping back (seeded)', () => {
    /** The walk every scrape, as before: the reference. */
    function walkEveryScrape(this: { counters: Map<string, { lastSeenMs: number }>; histograms: Map<string, { lastSeenMs: number }>; forgetAfterMs: number }, nowMs: number): void {
      const cutoff = nowMs - this.forgetAfterMs;
      for (const [k, s] of this.counters) if (s.lastSeenMs < cutoff) this.counters.delete(k);
      for (const [k, s] of this.histograms) if (s.lastSeenMs < cutoff) this.histograms.delete(k);
    }
    let drops = 0;
    for (let seed = 1; seed <= 4; seed++) {
      let x = seed * 7919;
      const rnd = (): number => ((x = (x * 48271) % 2147483647), x / 2147483647);
      const d = new ScrapeDeriver({ forgetAfterMs: 20_000 });
      const ref = new ScrapeDeriver({ forgetAfterMs: 20_000 });
      (ref as unknown as { forget: typeof walkEveryScrape }).forget = walkEveryScrape;
      let now = 1_000_000;
      for (let i = 0; i < 300; i++) {
        now += rnd() < 0.05 ? -Math.floor(rnd() * 30_000) : Math.floor(rnd() * 4000);
        if (i % 97 === 50) {
          d.reset();
          ref.reset();
        }
        let text = '# TYPE c counter\n# TYPE h histogram\n';
        // Each series is there for ~32 scrapes, then away for ~32 (longer than forgetAfterMs).
        const there = (k: number): boolean => ((i + 11 * k) >> 5) % 2 === 0 && rnd() < 0.9;
        for (let k = 0; k < 6; k++) if (there(k)) text += `c_total{k="${k}"} ${i * (k + 1)}\n`;
        for (let k = 0; k < 3; k++) {
          if (there(6 + k)) text += `h_bucket{k="${k}",le="1"} ${i}\nh_bucket{k="${k}",le="+Inf"} ${2 * i}\nh_sum{k="${k}"} ${i}\nh_count{k="${k}"} ${2 * i}\n`;
        }
        const f = families(text);
        const before = ref.trackedSeries;
        const a = d.derive(f, now);
        const b = ref.derive(f, now);
        assert.deepEqual(plain(a.samples), plain(b.samples), `seed ${seed}, scrape ${i}`);
        assert.equal(d.trackedSeries, ref.trackedSeries, `seed ${seed}, scrape ${i}`);
        if (ref.trackedSeries < before) drops++;
      }
    }
    assert.ok(drops > 10, `series were forgotten ${drops} times`);
  });

  it('reads the families by index: no iterator a scrape', () => {
    const d = new ScrapeDeriver();
    const f = [...families('# TYPE g gauge\ng 1\n# TYPE c counter\nc_total 1\n')];
    Object.defineProperty(f, Symbol.iterator, {
      value: () => {
        throw new Error('iterated');
      },
    });
    d.derive(f, 1000);
    assert.deepEqual(plain(d.derive(f, 2000).samples), [
      { name: 'g', labels: {}, value: 1 },
      { name: 'c_per_second', labels: {}, value: 0 },
    ]);
  });

  it('keeps its optimised code through garbage collections between scrapes (issue 20: "weak objects")', () => {
    // Every scrape's DeriveRun died before the next: a full GC collected their hidden class
    // and V8 threw away the optimised functions checking it (deriveCounter, 1-4 times in 400).
    // Like the example server: counters of a few rooms, two histograms, gauges.
    let text = '';
    for (let f = 0; f < 6; f++) {
      text += `# TYPE c${f}_total counter\n`;
      for (let k = 0; k < 5; k++) text += `c${f}_total{room="r${k}"} ${k * 7 + f}\n`;
    }
    for (let f = 0; f < 2; f++) {
      text += `# TYPE h${f} histogram\n`;
      for (let k = 0; k < 3; k++) {
        for (const le of ['0.1', '1', '+Inf']) text += `h${f}_bucket{room="r${k}",le="${le}"} ${k + 1}\n`;
        text += `h${f}_sum{room="r${k}"} 1\nh${f}_count{room="r${k}"} ${k + 1}\n`;
      }
    }
    for (let f = 0; f < 20; f++) text += `# TYPE g${f} gauge\ng${f} ${f}\n`;
    const body = Buffer.from(text).toString('base64');
    const script = `
      const { ScrapeDeriver } = require(${JSON.stringify(require.resolve('../../../src/core/scrape/derive'))});
      const { parseExpositionBytes, SampleColumnPool } = require(${JSON.stringify(require.resolve('../../../src/core/scrape/parser'))});
      const body = Buffer.from('${body}', 'base64');
      const pool = new SampleColumnPool();
      const d = new ScrapeDeriver();
      for (let i = 0; i < 400; i++) {
        d.derive(parseExpositionBytes(body, { format: 'prometheus', columns: pool }).families, 1000 * (i + 1));
        if (i % 10 === 9) gc();
      }
    `;
    const out = runNode(['--expose-gc', '--trace-deopt'], script);
    const weak = out.split('\n').filter((l) => l.includes('reason: weak objects') && /derive|emit|Counter|Histogram|Summary/.test(l));
    assert.deepEqual(weak, []);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('its reused samples\' sweep is still the optimised code after the first real sweep at scrape 256 (issue 20)', () => {
    // The sweep's walk was first taken at scrape 256: no type feedback when V8 optimised
    // nextScrape (inlined into derive in the monitor), so it was thrown away then.
    const out = runWithNatives(`
      const { ScrapeDeriver, ReusedSamples } = ${requireOf(require.resolve('../../../src/core/scrape/derive'))};
      const { parseExposition } = ${requireOf(require.resolve('../../../src/core/scrape/parser'))};
      let text = '# TYPE c_total counter\\n';
      for (let k = 0; k < 10; k++) text += 'c_total{room="r' + k + '"} ' + k + '\\ng' + k + ' ' + k + '\\n';
      const families = parseExposition(text).families;
      const d = new ScrapeDeriver();
      const f = ReusedSamples.prototype.nextScrape;
      %PrepareFunctionForOptimization(f);
      const lost = [];
      let n = 0;
      for (let i = 1; i <= 300; i++) {
        n += d.derive(families, 1000 * i).samples.length;
        if (i === 30) %OptimizeFunctionOnNextCall(f);
        if (i > 30 && (%GetOptimizationStatus(f) & ${TURBOFANNED}) === 0) lost.push(i);
      }
      console.log(JSON.stringify({ lost, n }));
    `);
    const { lost, n } = JSON.parse(out) as { lost: number[]; n: number };
    assert.equal(n, 10 + 299 * 20, 'ten gauges every scrape, ten rates from the second');
    assert.deepEqual(lost, [], 'scrapes at which nextScrape was no longer optimised');
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('emit stays the optimised code when a value is first NaN minutes in (issue 20)', () => {
    // Its NaN branch was first taken at the first NaN (a gauge's, a mean over no new
    // observation): no type feedback when V8 optimised emit, so it was thrown away then.
    const out = runWithNatives(`
      const { ScrapeDeriver } = ${requireOf(require.resolve('../../../src/core/scrape/derive'))};
      const { parseExposition } = ${requireOf(require.resolve('../../../src/core/scrape/parser'))};
      const d = new ScrapeDeriver();
      let f;
      const lost = [];
      for (let i = 1; i <= 150; i++) {
        let text = '# TYPE c_total counter\\n';
        for (let k = 0; k < 10; k++) text += 'c_total{room="r' + k + '"} ' + k * i + '\\ng' + k + ' ' + (i >= 80 && k === 3 ? 'NaN' : i + 0.5) + '\\n';
        d.derive(parseExposition(text).families, 1000 * i);
        if (i === 1) {
          f = Object.getPrototypeOf(d.lastRun).emit;
          %PrepareFunctionForOptimization(f);
        }
        if (i === 30) %OptimizeFunctionOnNextCall(f);
        if (i > 30 && (%GetOptimizationStatus(f) & ${TURBOFANNED}) === 0) lost.push(i);
      }
      console.log(JSON.stringify(lost));
    `);
    assert.deepEqual(JSON.parse(out), [], 'scrapes at which emit was no longer optimised');
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('reads a family without samples through the columns\' class, so V8 compiles one class\'s reads into derive (issue 20)', () => {
    // The example server declares two labelled metrics nothing has observed yet; they
    // came as ObjectRows beside every other family's columns, and V8 inlined both.
    const trace = traceOf(
      `
      const { ScrapeDeriver } = ${requireOf(require.resolve('../../../src/core/scrape/derive'))};
      const P = ${requireOf(require.resolve('../../../src/core/scrape/parser'))};
      const pool = new P.SampleColumnPool();
      const d = new ScrapeDeriver();
      let n = 0;
      for (let i = 1; i <= 300; i++) {
        let text = '# TYPE idle_total counter\\n# TYPE c_total counter\\n';
        for (let k = 0; k < 10; k++) text += 'c_total{room="r' + k + '"} ' + (k * i) + '\\ng' + k + ' ' + i + '\\n';
        n += d.derive(P.parseExposition(text + '# TYPE idle gauge\\n', { columns: pool }).families, 1000 * i).samples.length;
      }
      if (n !== 10 + 299 * 20) throw new Error('samples: ' + n);`,
      ['--trace-opt', '--trace-turbo-inlining'],
    );
    assert.ok(compiledIn(trace).has('derive'), 'derive was compiled');
    assert.deepEqual(trace.split('\n').filter((l) => /^Inlining .*<SharedFunctionInfo ObjectRows>/.test(l)), []);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('tracks at most maxTrackedSeries and says how many got no rate', () => {
    const d = new ScrapeDeriver({ maxTrackedSeries: 2 });
    const body = families('# TYPE c counter\n' + [1, 2, 3, 4].map((i) => `c_total{i="${i}"} 1\n`).join(''));
    const r = d.derive(body, 0);
    assert.equal(d.trackedSeries, 2);
    assert.deepEqual(r.problems, [
      '2 counter or histogram series got no rate because 2 series are already tracked — the server exposes too many label values.',
    ]);
  });

  it('carries each family\'s declared TYPE and UNIT (one shared object per pair); derived rates and quantiles are gauges', () => {
    const d = new ScrapeDeriver();
    const text = '# TYPE up_total gauge\nup_total 3\n# TYPE lat summary\n# UNIT lat seconds\nlat{quantile="0.5"} 0.2\nlat_count 1\nlat_sum 0.2\nplain_total 1\n# EOF\n';
    const p = parseExposition(text, { format: 'openmetrics' });
    const r = d.derive(p.families, 1000);
    const meta = (n: string): unknown => r.samples.find((x) => x.name === n)?.meta;
    assert.deepEqual(meta('up_total'), { type: 'gauge', unit: '' });
    assert.deepEqual(meta('lat_p50'), { type: 'gauge', unit: 'seconds' });
    assert.deepEqual(meta('plain_total'), { type: 'unknown', unit: '' });
    const again = d.derive(parseExposition(text, { format: 'openmetrics' }).families, 2000);
    assert.equal(again.samples.find((x) => x.name === 'up_total')?.meta, meta('up_total'));
  });
});
