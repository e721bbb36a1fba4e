import * as assert from 'node:assert/strict';
import { Analysis, analyze, combineByTime } from '../../../src/core/analyze/analyzer';
import { LiveAnalysis } from '../../../src/core/analyze/liveAnalysis';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import * as stats from '../../../src/core/analyze/stats';
import { summarize } from '../../../src/core/analyze/stats';
import { correlate } from '../../../src/core/analyze/correlation';
import * as anomaly from '../../../src/core/analyze/anomaly';
import { seriesMeta } from '../../../src/core/model';
import { MB, scenario, windowOf } from './scenario';
import { T0, mulberry32 } from './synthetic';

describe('analyze', () => {
  it('an empty store: status unknown with a sentence, no exception', () => {
    const a = analyze(new SeriesStore(10), { fromMs: T0, toMs: T0 + 60_000, nowMs: T0 + 60_000 });
    assert.equal(a.status, 'unknown');
    assert.match(a.reasons[0]!, /No samples in this window/);
    assert.deepEqual(a.stats, []);
    assert.deepEqual(a.issues, []);
  });

  it('a single sample: stats with count 1, flat trends, no exception', () => {
    const store = new SeriesStore(10);
    store.append(T0, [{ name: 'process_cpu_usage_percent', labels: {}, value: 12 }]);
    const a = analyze(store, { fromMs: T0 - 1000, toMs: T0, nowMs: T0 });
    assert.equal(a.stats[0]!.summary.count, 1);
    assert.equal(a.stats[0]!.summary.median, 12);
    assert.equal(a.trends[0]!.trend.direction, 'flat');
    assert.equal(a.status, 'healthy');
  });

  it('NaN and Infinity values are counted as invalid and never break a figure', () => {
    const store = new SeriesStore(100);
    for (let i = 0; i < 60; i++) {
      const value = i % 10 === 3 ? NaN : i % 10 === 7 ? Infinity : 50;
      store.append(T0 + i * 1000, [{ name: 'process_resident_memory_bytes', labels: {}, value: value * MB }]);
    }
    const a = analyze(store, { fromMs: T0, toMs: T0 + 60_000, nowMs: T0 + 60_000, memoryLimitBytes: 512 * MB });
    const s = a.stats.find((x) => x.name === 'process_resident_memory_bytes')!;
    assert.equal(s.summary.count, 48);
    assert.equal(s.summary.invalidCount, 12);
    assert.equal(s.summary.max, 50 * MB);
    assert.equal(s.latest?.value, 50 * MB);
  });

  it('a series that appears mid-window is analysed over what it has', () => {
    const store = scenario({ chat_active_users: (i) => (i < 900 ? undefined : 80) }, { seconds: 1800 });
    const a = analyze(store, windowOf(store));
    const users = a.stats.find((s) => s.name === 'chat_active_users')!;
    assert.equal(users.summary.count, 900);
    assert.equal(a.status, 'healthy');
  });

  it('a counter that resets is summarised as a non-negative rate with its increase', () => {
    const store = new SeriesStore(100);
    const raw = [0, 10, 20, 30, 5, 15, 25];
    raw.forEach((v, i) => store.append(T0 + i * 1000, [{ name: 'chat_messages_total', labels: { room: 'a' }, value: v }]));
    const a = analyze(store, { fromMs: T0, toMs: T0 + 6000, nowMs: T0 + 6000 });
    const s = a.stats.find((x) => x.name === 'chat_messages_total')!;
    assert.equal(s.kind, 'counter');
    assert.equal(s.increase, 55);
    assert.equal(s.resets, 1);
    assert.ok(s.summary.min >= 0);
    assert.equal(s.summary.median, 10);
  });

  it('a window that ends before it starts is swapped and said so', () => {
    const store = scenario({}, { seconds: 120 });
    const w = windowOf(store);
    const a = analyze(store, { fromMs: w.toMs, toMs: w.fromMs, nowMs: w.nowMs });
    assert.match(a.problems[0]!, /swapped/);
    assert.ok(a.sampleCount > 0);
    const b = analyze(store, { fromMs: NaN, toMs: w.toMs, nowMs: w.nowMs });
    assert.match(b.problems[0]!, /no valid start or end/);
  });

  it('combines label sets of one name for the rules (sum of messages/s)', () => {
    const store = scenario(
      { chat_messages_per_second: null },
      { seconds: 120, labelled: [1, 2, 3].map((r) => ({ name: 'chat_messages_per_second', labels: { room: String(r) }, gen: () => 10 * r })) },
    );
    const a = analyze(store, windowOf(store));
    assert.equal(a.stats.filter((s) => s.name === 'chat_messages_per_second').length, 3);
    assert.ok(a.correlations.some((c) => c.b === 'chat_messages_per_second'));
  });

  it('caps the series analysed, keeping the monitor\'s own series first', () => {
    const store = scenario(
      {},
      { seconds: 60, labelled: Array.from({ length: 30 }, (_, k) => ({ name: 'chat_room_users', labels: { room: `r${k}` }, gen: () => k })) },
    );
    const a = analyze(store, { ...windowOf(store), maxSeries: 20 });
    assert.equal(a.skippedSeries, store.seriesCount - 20);
    assert.ok(a.stats.some((s) => s.name === 'process_cpu_usage_percent'));
  });

  it('keeps the strongest anomalies when there are too many', () => {
    const store = new SeriesStore(2000);
    for (let i = 0; i < 2000; i++) {
      store.append(T0 + i * 1000, [{ name: 'process_cpu_usage_percent', labels: {}, value: i % 50 === 49 ? 90 + (i % 7) : 10 + (i % 3) }]);
    }
    // The classic detector: the calibrated one learns a spike every 50 s as this series' normal.
    const a = analyze(store, { fromMs: T0, toMs: T0 + 2_000_000, nowMs: T0 + 2_000_000, maxAnomalies: 5, anomaly: { detector: 'robust' } });
    assert.ok(a.anomalyCount > 5);
    assert.equal(a.anomalies.length, 5);
    for (let k = 1; k < 5; k++) assert.ok(a.anomalies[k]!.startMs >= a.anomalies[k - 1]!.startMs);
  });

  it('the GC share and label sets combined by time: the same figures as a running total per time (ticks missing, NaN, several kinds)', () => {
    const store = new SeriesStore(2000);
    const rnd = mulberry32(21);
    const kinds = ['minor', 'major', 'incremental'];
    for (let i = 0; i < 900; i++) {
      const samples = [{ name: 'chat_messages_per_second', labels: {}, value: 10 + rnd() * 5 }];
      for (const [k, kind] of kinds.entries()) {
        if ((i + k) % 7 === 0) continue; // a kind missing from some ticks
        samples.push({ name: 'nodejs_gc_duration_seconds_per_second', labels: { kind }, value: i % 11 === k ? 0 : rnd() * 30 });
        if ((i + k) % 17 !== 0) samples.push({ name: 'nodejs_gc_duration_seconds_mean', labels: { kind }, value: (i + 2 * k) % 13 === 0 ? NaN : rnd() * 0.01 });
      }
      for (const instance of ['a', 'b']) {
        if (instance === 'b' && i % 5 === 0) continue;
        samples.push({ name: 'process_cpu_usage_percent', labels: { instance }, value: i % 23 === 0 ? NaN : rnd() * 100 });
      }
      store.append(T0 + i * 1000, samples);
    }
    // The reference: a running total per time in a map, as the analyzer computed it before.
    const read = (name: string, labels: Record<string, string>) => store.window(store.select(name).find((x) => JSON.stringify(x.labels) === JSON.stringify(labels))!.key, -Infinity)!;
    const gcTotal = new Map<number, number>();
    for (const kind of kinds) {
      const rate = read('nodejs_gc_duration_seconds_per_second', { kind });
      const mean = read('nodejs_gc_duration_seconds_mean', { kind });
      const meanAt = new Map<number, number>();
      for (let i = 0; i < mean.times.length; i++) meanAt.set(mean.times[i]!, mean.values[i]!);
      for (let i = 0; i < rate.times.length; i++) {
        const m = meanAt.get(rate.times[i]!);
        const share = rate.values[i] === 0 ? 0 : m === undefined ? NaN : rate.values[i]! * m;
        if (Number.isFinite(share)) gcTotal.set(rate.times[i]!, (gcTotal.get(rate.times[i]!) ?? 0) + share);
      }
    }
    const cpuTotal = new Map<number, number>();
    for (const instance of ['a', 'b']) {
      const w = read('process_cpu_usage_percent', { instance });
      for (let i = 0; i < w.times.length; i++) {
        const prev = cpuTotal.get(w.times[i]!);
        if (Number.isFinite(w.values[i]!)) cpuTotal.set(w.times[i]!, prev === undefined ? w.values[i]! : prev + w.values[i]!);
      }
    }
    const sorted = (m: Map<number, number>) => {
      const times = Float64Array.from([...m.keys()].sort((x, y) => x - y));
      return { times, values: times.map((t) => m.get(t)!) };
    };
    const a = analyze(store, windowOf(store));
    const gc = sorted(gcTotal);
    const stat = a.stats.find((x) => x.key === 'nodejs_gc_time_ratio')!;
    assert.deepEqual(stat.summary, summarize(gc.values));
    assert.deepEqual(stat.latest, { timeMs: gc.times[gc.times.length - 1], value: gc.values[gc.values.length - 1] });
    // Process CPU of two instances (summed where both have a value), against messages.
    const cpu = sorted(cpuTotal);
    const msgs = read('chat_messages_per_second', {});
    const expected = correlate('process_cpu_usage_percent', cpu.times, cpu.values, 'chat_messages_per_second', msgs.times, msgs.values);
    assert.ok(expected.n > 800);
    assert.deepEqual(
      a.correlations.find((c) => c.a === 'process_cpu_usage_percent'),
      expected,
    );
  });

  it('combines label sets on the same ticks index by index: the merge\'s figures, each time read about twice, not searched (issue 20)', () => {
    const rnd = mulberry32(33);
    const n = 500;
    const ticks = Float64Array.from({ length: n }, (_, i) => T0 + i * 1000 + (i % 3));
    const odd = [NaN, Infinity, -Infinity];
    const parts = Array.from({ length: 6 }, (_, k) => ({
      times: ticks.slice(),
      values: Float64Array.from({ length: n }, (_, i) => ((i + k) % 9 === 0 || i % 50 === 7 ? odd[(i + k) % 3]! : rnd() * 10 - 2)),
    }));
    // Reads of the times counted: the merge searches every part for the next time.
    let reads = 0;
    const counted = parts.map((p) => ({ values: p.values, times: new Proxy(p.times, { get: (t, key) => (typeof key === 'string' && /^[0-9]+$/.test(key) && reads++, Reflect.get(t, key)) }) as unknown as Float64Array }));
    for (const how of ['sum', 'max'] as const) {
      const combine = how === 'sum' ? (acc: number, v: number) => acc + v : (acc: number, v: number) => Math.max(acc, v);
      // The reference: a running total per time, the parts in order.
      const at = new Map<number, number>();
      for (const p of parts) {
        for (let i = 0; i < n; i++) {
          const v = p.values[i]!;
          if (!Number.isFinite(v)) continue;
          const prev = at.get(p.times[i]!);
          at.set(p.times[i]!, prev === undefined ? v : combine(prev, v));
        }
      }
      const times = Float64Array.from([...at.keys()].sort((x, y) => x - y));
      reads = 0;
      const got = combineByTime(counted, combine);
      assert.deepEqual(got, { times, values: times.map((t) => at.get(t)!) }, how);
      assert.ok(got.times.length < n, 'some ticks have no finite value');
      assert.ok(reads <= 2.5 * parts.length * n, `${reads} reads of ${parts.length} × ${n} times`);
    }
  });

  it("works out each series' kind and detector once, and again when its declared TYPE changes (issue 20)", () => {
    const store = new SeriesStore(120);
    const gauge = seriesMeta('gauge', '');
    const counter = seriesMeta('counter', '');
    const tick = (i: number, meta: typeof gauge) =>
      store.append(T0 + i * 1000, [
        { name: 'chat_rooms', labels: {}, value: i % 5 },
        { name: 'jobs_total', labels: {}, value: 10 * i, meta },
        { name: 'process_cpu_usage_percent', labels: {}, value: 20 + (i % 7) },
      ]);
    for (let i = 0; i < 60; i++) tick(i, gauge);
    const table = anomaly as { detectorFor: typeof anomaly.detectorFor };
    const detectorFor = table.detectorFor;
    const asked: string[] = [];
    table.detectorFor = (name, kind) => {
      asked.push(name);
      return detectorFor(name, kind);
    };
    try {
      const at = (i: number) => analyze(store, { fromMs: T0, toMs: T0 + i * 1000, nowMs: T0 + i * 1000 });
      const first = at(59);
      assert.equal(first.stats.find((x) => x.name === 'jobs_total')!.kind, 'gauge', 'declared a gauge: a level, scored');
      const once = asked.length;
      assert.ok(once >= 3, `${once} series looked up`);
      at(59);
      at(59);
      assert.equal(asked.length, once, 'not again for the same series');
      for (let i = 60; i < 70; i++) tick(i, counter);
      const redeclared = at(69);
      assert.deepEqual(asked.slice(once), ['jobs_total'], 'again for the series whose TYPE changed, only');
      assert.equal(redeclared.stats.find((x) => x.name === 'jobs_total')!.kind, 'counter');
    } finally {
      table.detectorFor = detectorFor;
    }
  });

  describe('LiveAnalysis (the one place analysis remembers between ticks)', () => {
    const optionsFor = (store: SeriesStore) => (windowMs: number) => ({ fromMs: store.latestTimeMs - windowMs, toMs: store.latestTimeMs, nowMs: store.latestTimeMs, memoryLimitBytes: 512 * MB });

    it('re-analyses on tick everyTicks, then once every everyTicks ticks, not on the first tick (issue 20)', () => {
      const store = scenario({}, { seconds: 300 });
      const live = new LiveAnalysis({ windowMs: 120_000, everyTicks: 3 });
      assert.equal(live.analysis, undefined);
      const made = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => live.tick(store, optionsFor(store)));
      assert.deepEqual(made, [false, false, true, false, false, true, false, false, true, false]);
      assert.deepEqual(live.analysis, analyze(store, optionsFor(store)(120_000)), 'fed once, the live result is exactly the pure analysis of its window');
    });

    /** Appends one tick of a running server's process samples at second `i`. */
    const running = (store: SeriesStore, i: number) =>
      store.append(T0 + i * 1000, [
        { name: 'target_up', labels: {}, value: 1 },
        { name: 'process_cpu_usage_percent', labels: {}, value: 10 },
      ]);

    it('while the window holds too few samples to judge the server, a read re-analyses after each tick and the ticks do not; a read never gets one everyTicks ticks old (issue 20)', () => {
      const store = new SeriesStore(400);
      const live = new LiveAnalysis({ windowMs: 120_000, everyTicks: 15 });
      const verdicts: string[] = [];
      const readsMade: number[] = [];
      for (let i = 0; i < 25; i++) {
        running(store, i);
        assert.equal(live.tick(store, optionsFor(store)), false, `tick ${i + 1}: the samples span less than a forecast needs`);
        const before = live.analysis;
        const read = live.read(store, optionsFor(store));
        assert.equal(live.read(store, optionsFor(store)), read, 'every reader of a tick sees the same analysis');
        if (read !== before) readsMade.push(i + 1);
        verdicts.push(read.issues.some((x) => x.id === 'too-few-samples') ? 'few' : read.status);
      }
      // Ticks 1–4 hold 1–4 samples (the rules need 5): the reader gets each one's verdict,
      // and the fifth sample's verdict on its tick; from there the kept analysis until it
      // is everyTicks ticks old (no tick makes one before 2 min of samples).
      assert.deepEqual(verdicts.slice(0, 6), ['few', 'few', 'few', 'few', 'healthy', 'healthy']);
      assert.deepEqual(readsMade, [1, 2, 3, 4, 5, 20]);
    });

    it('makes no analysis on a tick until the samples span a forecast\'s minimum, then one every everyTicks ticks; a restored history spans it at once (issue 20)', () => {
      const store = new SeriesStore(400);
      const live = new LiveAnalysis({ windowMs: 300_000, everyTicks: 15 });
      const made: number[] = [];
      for (let i = 0; i < 160; i++) {
        running(store, i);
        if (live.tick(store, optionsFor(store))) made.push(i);
      }
      // Sample 120 is the first 2 min after sample 0 (ForecastRules.minSpanMs).
      assert.deepEqual(made, [120, 135, 150]);
      assert.equal(live.analysis?.window.toMs, T0 + 150_000);

      const restored = scenario({}, { seconds: 600 });
      const fresh = new LiveAnalysis({ windowMs: 300_000, everyTicks: 15 });
      const first = Array.from({ length: 15 }, () => fresh.tick(restored, optionsFor(restored))).indexOf(true);
      assert.equal(first, 14, 'the 15th tick, as for a monitor running for long');
      live.reset();
      assert.equal(live.analysis, undefined);
      assert.equal(live.tick(store, optionsFor(store)), false, 'after a reset it waits everyTicks again');
    });

    it('feeds the anomaly detectors only the samples since its previous analysis, and finds the spike a full analysis finds', () => {
      const store = new SeriesStore(4000);
      const rnd = mulberry32(5);
      const append = (i: number) =>
        store.append(T0 + i * 1000, [
          { name: 'process_cpu_usage_percent', labels: {}, value: i === 790 ? 95 : 20 + rnd() * 4 },
          { name: 'chat_messages_per_second', labels: {}, value: 50 + rnd() * 5 },
        ]);
      for (let i = 0; i < 600; i++) append(i);
      const live = new LiveAnalysis({ windowMs: 300_000, everyTicks: 1 });
      live.tick(store, optionsFor(store));
      assert.equal(live.liveDetectors.samplesFed, 2 * 301, 'the first analysis feeds the window: 2 scored series × 301 samples (both ends included)');
      for (let i = 600; i < 800; i++) {
        append(i);
        const before = live.liveDetectors.samplesFed;
        live.tick(store, optionsFor(store));
        assert.equal(live.liveDetectors.samplesFed - before, 2, `tick ${i}: one new sample per series, not the window`);
      }
      const spike = (a: Analysis | undefined) => a?.anomalies.filter((x) => x.series === 'process_cpu_usage_percent').map((x) => [x.startMs, x.direction]);
      const full = analyze(store, optionsFor(store)(300_000));
      assert.deepEqual(spike(full), [[T0 + 790_000, 'high']]);
      assert.deepEqual(spike(live.analysis), spike(full));
      assert.equal(live.liveDetectors.size, 2);
      live.reset();
      assert.equal(live.liveDetectors.size, 0);
    });

    it('makes the statistics and trends of series the rules do not read only when they are read, equal to a full analysis (issue 20)', () => {
      const store = new SeriesStore(4000);
      const rnd = mulberry32(9);
      const extra = Array.from({ length: 20 }, (_, k) => `chat_room_${k}_members`);
      const append = (i: number) =>
        store.append(T0 + i * 1000, [
          { name: 'process_cpu_usage_percent', labels: {}, value: 20 + rnd() * 4 },
          ...extra.map((name, k) => ({ name, labels: {}, value: k + rnd() + (k === 3 && i === 430 ? 40 : 0) })),
          { name: 'chat_messages_total', labels: {}, value: 7 * i, meta: { type: 'counter', unit: '' } },
          { name: 'process_start_time_seconds', labels: {}, value: 1_767_000_000 },
        ]);
      for (let i = 0; i < 400; i++) append(i);
      const live = new LiveAnalysis({ windowMs: 300_000, everyTicks: 1 });
      for (let i = 400; i < 460; i++) {
        append(i);
        live.tick(store, optionsFor(store));
      }
      // Only the one rule input (process CPU) is followed: its window once, then per analysis
      // its new sample and the window's first and last minutes (liveStats.ts). Before, the 20
      // other gauges' statistics were kept too: 21 times as many samples read.
      assert.ok(live.liveStats.samplesRead <= 301 + 60 * (1 + 2 * 61), `${live.liveStats.samplesRead} samples read`);
      const a = live.analysis!;
      const full = analyze(store, optionsFor(store)(300_000));
      assert.equal(a.sampleCount, full.sampleCount);
      assert.deepEqual(
        a.anomalies.map((x) => [x.series, x.startMs]),
        [[extra[3], T0 + 430_000]],
        'a series whose statistics are not made yet still has its detector',
      );
      assert.deepEqual(a.stats, full.stats);
      assert.deepEqual(a.trends, full.trends);
      assert.equal(a.stats, a.stats, 'made once, then read as they are');
      assert.equal(a.stats.length, 23);
    });

    it('makes the rate statistics of a counter the rules read (target restarts) only when read, equal to a full analysis (issue 20)', () => {
      const store = new SeriesStore(4000);
      const append = (i: number) =>
        store.append(T0 + i * 1000, [
          { name: 'target_up', labels: {}, value: 1 },
          { name: 'process_cpu_usage_percent', labels: {}, value: 20 + (i % 9) },
          { name: 'target_restarts_total', labels: {}, value: i < 200 ? 0 : 1 },
        ]);
      for (let i = 0; i < 400; i++) append(i);
      const table = stats as { rateSeries: typeof stats.rateSeries };
      const rateSeries = table.rateSeries;
      const rated: number[] = [];
      table.rateSeries = (times, values) => {
        rated.push(times.length);
        return rateSeries(times, values);
      };
      try {
        const live = new LiveAnalysis({ windowMs: 300_000, everyTicks: 1 });
        for (let i = 400; i < 420; i++) {
          append(i);
          live.tick(store, optionsFor(store));
        }
        assert.deepEqual(rated, [], 'no analysis made the rates of the window: only the rules read the counter');
        const a = live.analysis!;
        const full = analyze(store, optionsFor(store)(300_000));
        assert.equal(rated.length, 1, 'the full analysis made them');
        assert.equal(a.sampleCount, full.sampleCount);
        assert.deepEqual(a.issues, full.issues, 'the restart is still judged');
        assert.deepEqual(a.stats, full.stats);
        assert.deepEqual(a.trends, full.trends);
        assert.equal(rated.length, 2, 'made when read');
        assert.equal(a.stats.find((x) => x.name === 'target_restarts_total')!.increase, 1);
      } finally {
        table.rateSeries = rateSeries;
      }
    });

    it("makes the GC share's statistics only when read, equal to a full analysis; the rules still judge it (issue 20)", () => {
      const store = new SeriesStore(4000);
      const append = (i: number) =>
        store.append(T0 + i * 1000, [
          { name: 'target_up', labels: {}, value: 1 },
          { name: 'process_cpu_usage_percent', labels: {}, value: 20 + (i % 9) },
          ...['minor', 'major'].flatMap((kind, k) => [
            { name: 'nodejs_gc_duration_seconds_per_second', labels: { kind }, value: 40 + ((i * (k + 3)) % 17) },
            { name: 'nodejs_gc_duration_seconds_mean', labels: { kind }, value: 0.004 + ((i + k) % 5) * 0.001 },
          ]),
        ]);
      for (let i = 0; i < 400; i++) append(i);
      const table = stats as { summarize: typeof stats.summarize };
      const summarizeOf = table.summarize;
      let summarized = 0;
      table.summarize = (values) => {
        summarized++;
        return summarizeOf(values);
      };
      try {
        const live = new LiveAnalysis({ windowMs: 300_000, everyTicks: 1 });
        for (let i = 400; i < 410; i++) {
          append(i);
          live.tick(store, optionsFor(store));
        }
        assert.equal(summarized, 0, 'no analysis summarised the GC share');
        const a = live.analysis!;
        const full = analyze(store, optionsFor(store)(300_000));
        assert.deepEqual(a.issues.map((x) => x.id), full.issues.map((x) => x.id));
        assert.ok(a.issues.some((x) => x.id === 'gc-pressure'), 'the rules read the GC share: ~50 % of the time in GC');
        const before = summarized;
        assert.deepEqual(a.stats, full.stats);
        assert.equal(summarized, before + 1, 'summarised when read');
        assert.ok(a.stats.some((x) => x.kind === 'derived' && x.key === 'nodejs_gc_time_ratio'));
      } finally {
        table.summarize = summarizeOf;
      }
    });

    it('shows a forecast only after it has been there for 3 evaluations', () => {
      const store = new SeriesStore(4000);
      const live = new LiveAnalysis({ windowMs: 1_000_000, everyTicks: 1 });
      const shown: number[] = [];
      for (let i = 0; i < 700; i++) {
        store.append(T0 + i * 1000, [{ name: 'process_resident_memory_bytes', labels: {}, value: 100 * MB + (i / 60) * 5 * MB }]);
        if (i >= 600) {
          live.tick(store, optionsFor(store));
          shown.push(live.shownForecasts.length);
        }
      }
      assert.deepEqual(shown.slice(0, 4), [0, 0, 1, 1]);
      assert.ok(live.shownForecasts[0]!.etaRoundedMs > 0);
      live.reset();
      assert.equal(live.shownForecasts.length, 0);
      assert.equal(live.analysis, undefined);
    });
  });
});
