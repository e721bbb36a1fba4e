import { Metric } from '../../../src/core/model';
import assert from 'node:assert/strict';
import { TimeRing, ValueColumn } from '../../../src/core/store/ringBuffer';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { seriesKey } from '../../../src/core/model';
import { CHILD_NODE_TEST_TIMEOUT_MS, TURBOFANNED, compiledIn, requireOf, runWithNatives, traceOf } from '../helpers/v8Natives';

describe('TimeRing', () => {
  it('keeps the newest `capacity` rows in time order, for every column', () => {
    const r = new TimeRing(3, 8, false);
    const a = r.addColumn();
    for (let i = 1; i <= 5; i++) {
      a.next = i;
      r.push(i * 1000);
    }
    assert.equal(a.length, 3);
    assert.deepEqual([0, 1, 2].map((i) => a.valueAt(i)), [3, 4, 5]);
    assert.deepEqual([...a.window(4000, 5000).values], [4, 5]);
    assert.deepEqual([...a.window(0, 3500).values], [3]);
  });

  it('a column that joins later holds the rows since it joined, sharing their times', () => {
    const r = new TimeRing(4, 2, false);
    const a = r.addColumn();
    let b: ValueColumn | undefined;
    for (let i = 1; i <= 6; i++) {
      if (i === 3) b = r.addColumn();
      a.next = i;
      if (b) b.next = i * 10;
      if (r.full && r.slots < r.capacity) r.grow(r.slots * 2);
      r.push(i * 1000);
    }
    assert.deepEqual([...a.window(-Infinity, Infinity).times], [3000, 4000, 5000, 6000]);
    assert.deepEqual([...b!.window(-Infinity, Infinity).times], [3000, 4000, 5000, 6000]);
    assert.deepEqual([...b!.window(-Infinity, Infinity).values], [30, 40, 50, 60]);
    assert.equal(r.bytes, 4 * 8 * 3, 'one time column and two value columns');
  });

  it('push writes its columns by index: no iterator (an object a column a tick until V8 optimised it)', () => {
    for (const slabMinBytes of [Number.POSITIVE_INFINITY, 8]) {
      const r = new TimeRing(4, 2, false, slabMinBytes, 1);
      const cols = [r.addColumn(), r.addColumn()];
      const row = (i: number): void => {
        cols[0]!.next = i;
        cols[1]!.next = -i;
        r.push(i * 1000);
      };
      row(1);
      row(2);
      r.grow(4);
      assert.equal(r.slabPages.length > 0, slabMinBytes === 8, 'columns of their own, or a slab');
      Object.defineProperty((r as unknown as { cols: ValueColumn[] }).cols, Symbol.iterator, {
        value: () => {
          throw new Error('iterated');
        },
      });
      row(3);
      row(4);
      assert.deepEqual([...cols[1]!.window(-Infinity, Infinity).values], [-1, -2, -3, -4], `slab from ${slabMinBytes} B`);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new TimeRing(0, 8, false), /positive integer/);
  });
});

describe('SeriesStore', () => {
  it('canonical keys sort labels and escape values', () => {
    assert.equal(seriesKey('m', { b: '1', a: 'x"y\\\n' }), 'm{a="x\\"y\\\\\\n",b="1"}');
    assert.equal(seriesKey('m', {}), 'm');
  });

  it('marks a series that missed the latest tick as stale', () => {
    const s = new SeriesStore(10);
    s.append(1000, [{ name: 'a', labels: {}, value: 1 }, { name: 'b', labels: {}, value: 2 }]);
    s.append(2000, [{ name: 'a', labels: {}, value: 3 }]);
    assert.deepEqual(s.latest('a'), { timeMs: 2000, value: 3, stale: false });
    assert.deepEqual(s.latest('b'), { timeMs: 1000, value: 2, stale: true });
    assert.equal(s.latestValue('b'), undefined);
    assert.equal(s.latestValue('a'), 3);
  });

  it('selects by name and label matchers', () => {
    const s = new SeriesStore(10);
    s.append(1000, [
      { name: 'h', labels: { room: 'a' }, value: 1 },
      { name: 'h', labels: { room: 'b' }, value: 2 },
      { name: 'h', labels: { room: 'cc' }, value: 3 },
    ]);
    assert.equal(s.select('h').length, 3);
    assert.deepEqual(s.select('h', [{ label: 'room', op: '=', value: 'a' }]).map((i) => i.labels.room), ['a']);
    assert.deepEqual(s.select('h', [{ label: 'room', op: '=~', value: '.' }]).map((i) => i.labels.room), ['a', 'b']);
    assert.deepEqual(s.select('h', [{ label: 'room', op: '!~', value: 'a|b' }]).map((i) => i.labels.room), ['cc']);
  });

  it('refuses series beyond its limit and says how many', () => {
    const s = new SeriesStore(10, 2);
    const refused = s.append(1000, [1, 2, 3, 4].map((i) => ({ name: 'x', labels: { i: String(i) }, value: i })));
    assert.equal(refused, 2);
    // Two series kept, and the store's own series saying how many it refused.
    assert.deepEqual(s.allSeries().map((i) => i.key), ['x{i="1"}', 'x{i="2"}', 'store_series_refused']);
  });

  describe('memory grows with the samples, within one budget', () => {
    it('a series starts small and grows as samples arrive, keeping order, up to its capacity', () => {
      const s = new SeriesStore(3600);
      s.append(0, [{ name: 'x', labels: {}, value: 0 }]);
      assert.equal(s.usedBytes, 8 * 16, 'a new series costs 8 samples, not an hour');
      for (let i = 1; i < 100; i++) s.append(i * 1000, [{ name: 'x', labels: {}, value: i }]);
      assert.equal(s.usedBytes, 128 * 16);
      assert.equal(s.length('x'), 100);
      for (let i = 100; i < 5000; i++) s.append(i * 1000, [{ name: 'x', labels: {}, value: i }]);
      assert.equal(s.usedBytes, 3600 * 16, 'never past the capacity');
      assert.equal(s.length('x'), 3600);
      assert.deepEqual(s.window('x', 0, 1_400_000)?.values[0], 1400);
      assert.equal(s.budgetCappedSeries, 0);
    });

    it('never exceeds its budget: scraped series keep their newest samples, own series their whole history', () => {
      const budget = 64 * 1024;
      const s = new SeriesStore(3600, 1000, budget);
      for (let t = 0; t < 2000; t++) {
        const samples: { name: string; labels: Record<string, string>; value: number }[] = [{ name: Metric.processCpuPercent, labels: {}, value: t }];
        for (let k = 0; k < 20; k++) samples.push({ name: 'chat_room_users', labels: { room: String(k) }, value: t });
        s.append(t * 1000, samples);
        assert.ok(s.usedBytes <= budget, `tick ${t}: ${s.usedBytes} bytes`);
      }
      assert.equal(s.length(Metric.processCpuPercent), 2000, 'the rules\' input keeps its whole history');
      const room = s.window('chat_room_users{room="0"}', 0)!;
      assert.ok(room.times.length < 2000 && room.times.length >= 64, String(room.times.length));
      assert.equal(room.values[room.values.length - 1], 1999, 'the newest samples are the ones kept');
      assert.ok(s.budgetCappedSeries >= 20, String(s.budgetCappedSeries));
      assert.equal(s.latest(Metric.storeHistoryCappedSeries)?.value, s.budgetCappedSeries, 'and it says so');
    });

    it('an hour of 10,000 series costs what is held, not 10,000 hours preallocated', () => {
      const s = new SeriesStore(3600, 20_000);
      s.append(0, Array.from({ length: 10_000 }, (_, i) => ({ name: 'x', labels: { i: String(i) }, value: i })));
      assert.equal(s.usedBytes, (10_000 + 1) * 8 * 8, 'and one shared time column');
    });
  });
});

describe('The store\'s hot code stays optimised (issue 20: no compile again when a path is first taken late)', () => {
  it('an append V8 optimised at tick 30 is still the optimised one after ticks 60 and 120, which merge rings', () => {
    // Before, the merge's call sat behind `tick % 60 === 0`: no type feedback when V8 optimised
    // append, so the optimised code was thrown away at tick 60 and compiled again.
    const out = runWithNatives(`
      const { SeriesStore } = ${requireOf(require.resolve('../../../src/core/store/seriesStore'))};
      const append = SeriesStore.prototype.append;
      %PrepareFunctionForOptimization(append);
      const store = new SeriesStore(1000);
      const samples = Array.from({ length: 20 }, (_, i) => ({ name: 'm' + i, labels: { i: String(i) }, value: 0 }));
      const spans = [{ source: 'a', end: 10 }, { source: 'b', end: 20 }];
      const status = [];
      for (let t = 1; t <= 130; t++) {
        for (const s of samples) s.value = t * 1.5;
        if (t === 30) %OptimizeFunctionOnNextCall(append);
        store.append(t * 1000, samples, spans);
        if (t >= 30) status.push(%GetOptimizationStatus(append));
      }
      console.log(JSON.stringify({ status, rings: store.ringCount, series: store.seriesCount }));
    `);
    const { status, rings, series } = JSON.parse(out) as { status: number[]; rings: number; series: number };
    assert.equal(series, 20);
    assert.equal(rings, 2, 'one ring a source');
    const lost = status.flatMap((s, i) => ((s & TURBOFANNED) === 0 ? [30 + i] : []));
    assert.deepEqual(lost, [], 'ticks at which append was no longer optimised');
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('the code V8 compiles for a tick holds no new series\' set-up: a series is added once, on its first tick (issue 20)', () => {
    // 300 ticks of 200 samples in three spans; ten series first appear at tick 100. The
    // column and entry set-up (newColumn, addEntry) ran for every series on the first
    // tick, so V8 had inlined it into append's compiled loop.
    const trace = traceOf(
      `
      const { SeriesStore } = ${requireOf(require.resolve('../../../src/core/store/seriesStore'))};
      const store = new SeriesStore(1000);
      const samples = Array.from({ length: 200 }, (_, i) => ({ name: (i < 20 ? 'process_m' : 'm') + i, labels: { i: String(i) }, value: 0 }));
      const late = Array.from({ length: 10 }, (_, i) => ({ name: 'late' + i, labels: {}, value: 0 }));
      let refused = 0;
      for (let t = 1; t <= 300; t++) {
        for (const s of samples) s.value = t * 1.5;
        const all = t >= 100 ? [...samples, ...late] : samples;
        refused += store.append(t * 1000, all, [{ source: 'a', end: 20 }, { source: 'b', end: 40 }, { source: 'c', end: all.length }]);
      }
      if (refused !== 0 || store.seriesCount !== 210) throw new Error('series: ' + store.seriesCount);`,
      ['--trace-opt', '--trace-turbo-inlining'],
    );
    assert.ok(compiledIn(trace).size > 0, 'V8 compiled the tick');
    assert.deepEqual(trace.split('\n').filter((l) => /^Inlining .*<SharedFunctionInfo (addEntry|newColumn)>/.test(l)), []);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('a ring\'s push and reads V8 optimised before the ring first grows are still the optimised ones after it grows', () => {
    // A ring starts with 8 rows and grows at ticks 9, 17, 33. Before, the first growth's
    // `head = 0` was the first store to `head` since the constructor: V8 had compiled its
    // readers with `head` as a constant, and threw them away (and the append inlining them).
    const out = runWithNatives(`
      const { SeriesStore } = ${requireOf(require.resolve('../../../src/core/store/seriesStore'))};
      const { TimeRing, ValueColumn } = ${requireOf(require.resolve('../../../src/core/store/ringBuffer'))};
      const fns = [TimeRing.prototype.push, TimeRing.prototype.physical, ValueColumn.prototype.lowerBound];
      for (const f of fns) %PrepareFunctionForOptimization(f);
      const store = new SeriesStore(1000);
      const samples = Array.from({ length: 20 }, (_, i) => ({ name: 'm' + i, labels: { i: String(i) }, value: 0 }));
      const status = [];
      let read = 0;
      for (let t = 1; t <= 40; t++) {
        for (const s of samples) s.value = t * 1.5;
        store.append(t * 1000, samples);
        read += store.window('m3{i="3"}', 0, t * 1000).values.length;
        if (t === 4) for (const f of fns) %OptimizeFunctionOnNextCall(f);
        if (t >= 5) status.push(fns.map((f) => %GetOptimizationStatus(f)));
      }
      console.log(JSON.stringify({ status, read, slots: store.window('m3{i="3"}', 0, 40000).values.length }));
    `);
    const { status, read } = JSON.parse(out) as { status: number[][]; read: number };
    assert.equal(read, (40 * 41) / 2, 'every tick read back');
    const lost = status.flatMap((s, i) => (s.some((x) => (x & TURBOFANNED) === 0) ? [5 + i] : []));
    assert.deepEqual(lost, [], 'ticks at which push, physical or lowerBound was no longer optimised');
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});

describe('SeriesStore.load (the restore after "Reload Window")', () => {
  const cols = (name: string, labels: Record<string, string>, times: number[], value: (t: number) => number) => ({
    name,
    labels,
    times: Float64Array.from(times),
    values: Float64Array.from(times.map(value)),
  });

  it('holds what appending the same ticks would hold: newest `capacity` samples, live and stale series, then appends go on', () => {
    const times = Array.from({ length: 50 }, (_, i) => 1000 + i * 1000);
    const series = [
      cols('cpu', {}, times, (t) => t / 100),
      cols('users', { room: 'a"b' }, times, (t) => t % 7),
      cols('rare', {}, times.filter((_, i) => i % 10 === 0), (t) => t),
    ];
    const loaded = new SeriesStore(20);
    const appended = new SeriesStore(20);
    for (const t of times) {
      appended.append(
        t,
        series.filter((s) => s.times.includes(t)).map((s) => ({ name: s.name, labels: s.labels, value: s.values[s.times.indexOf(t)]! })),
      );
    }
    assert.equal(loaded.load(series), 0);
    assert.equal(loaded.latestTimeMs, appended.latestTimeMs);
    for (const key of ['cpu', seriesKey('users', { room: 'a"b' }), 'rare']) {
      const a = appended.window(key, -Infinity)!;
      const b = loaded.window(key, -Infinity)!;
      assert.deepEqual([...b.times], [...a.times], key);
      assert.deepEqual([...b.values], [...a.values], key);
      assert.deepEqual(loaded.latest(key), appended.latest(key), key);
    }
    assert.equal(loaded.latest('rare')!.stale, true, 'a series not sampled in the newest tick is stale');
    assert.equal(loaded.latest('cpu')!.stale, false);
    assert.deepEqual(loaded.select('users').map((i) => i.labels), [{ room: 'a"b' }]);
    loaded.append(51_000, [{ name: 'cpu', labels: {}, value: 1 }]);
    assert.equal(loaded.latest('cpu')!.value, 1);
    assert.equal(loaded.latest(seriesKey('users', { room: 'a"b' }))!.stale, true);
    assert.throws(() => loaded.load(series), /empty store/);
  });

  it('keeps the series limit and the memory budget: refused series are counted, none is over budget', () => {
    const times = Array.from({ length: 100 }, (_, i) => i * 1000);
    const many = Array.from({ length: 10 }, (_, i) => cols(`chat_s${i}`, {}, times, () => i));
    const limited = new SeriesStore(100, 4);
    assert.equal(limited.load(many), 6);
    assert.equal(limited.seriesCount, 4);
    const budget = 100 * 16 * 3;
    const small = new SeriesStore(100, 100, budget);
    small.load(many);
    assert.ok(small.usedBytes <= budget, `${small.usedBytes} bytes > ${budget}`);
  });
});

describe('SeriesStore: the series a source writes in one tick share one time column', () => {
  // One labels object a series, as the scraper keeps them from tick to tick.
  const rooms = Array.from({ length: 20 }, (_, i) => ({ room: String(i) }));
  const tickOf = (n: number, value: (i: number) => number, name = 'chat_room_users') =>
    Array.from({ length: n }, (_, i) => ({ name, labels: rooms[i]!, value: value(i) }));

  it('an hour of one source\'s series costs ≤ 9 bytes a sample (8 for the value, a share of the time)', () => {
    const s = new SeriesStore(3600);
    for (let t = 0; t < 3600; t++) s.append(t * 1000, tickOf(20, (i) => t + i));
    const held = s.allSeries().reduce((n, i) => n + s.length(i.key), 0);
    assert.equal(held, 20 * 3600);
    assert.equal(s.usedBytes, 3600 * 8 * 21);
    assert.ok(s.usedBytes / held <= 9, `${(s.usedBytes / held).toFixed(2)} B a sample`);
    const w = s.window('chat_room_users{room="7"}', 3_000_000, 3_004_000)!;
    assert.deepEqual([...w.times], [3_000_000, 3_001_000, 3_002_000, 3_003_000, 3_004_000]);
    assert.deepEqual([...w.values], [3007, 3008, 3009, 3010, 3011]);
  });

  it('sources apart: a source that fails a tick leaves the others\' sharing alone', () => {
    const s = new SeriesStore(100);
    for (let t = 0; t < 100; t++) {
      const a = tickOf(10, (i) => i, 'a');
      const b = t % 10 === 5 ? [] : tickOf(10, (i) => -i, 'b');
      s.append(t * 1000, [...a, ...b], [
        { source: 'scrape', end: a.length },
        { source: 'process', end: a.length + b.length },
      ]);
    }
    assert.equal(s.length('a{room="3"}'), 100);
    assert.equal(s.length('b{room="3"}'), 90, 'the failed ticks are not in its history');
    assert.equal(s.usedBytes, 100 * 8 * 11 * 2, 'two rings of ten columns, no series moved out');
  });

  it('a series that misses a tick its source writes moves to a ring of its own with all its history', () => {
    const s = new SeriesStore(50);
    for (let t = 0; t < 30; t++) {
      s.append(t * 1000, tickOf(8, (i) => t * 100 + i).filter((x) => !(x.labels.room === '2' && t === 20)));
    }
    const w = s.window('chat_room_users{room="2"}', -Infinity)!;
    assert.deepEqual([...w.times], Array.from({ length: 30 }, (_, t) => t * 1000).filter((t) => t !== 20_000));
    assert.deepEqual([...w.values], Array.from({ length: 30 }, (_, t) => t * 100 + 2).filter((v) => v !== 2002));
    assert.equal(s.length('chat_room_users{room="3"}'), 30);
  });

  it('the series of a source that miss the same tick leave together, into one ring', () => {
    const s = new SeriesStore(50);
    for (let t = 0; t < 30; t++) s.append(t * 1000, tickOf(10, (i) => i).filter((x) => !(t === 20 && Number(x.labels.room) >= 5)));
    assert.equal(s.ringCount, 2, 'the five that missed tick 20 share a ring of their own');
    assert.equal(s.length('chat_room_users{room="7"}'), 29);
  });

  it('a series that left its ring comes back once the missed tick has left its history', () => {
    const s = new SeriesStore(30);
    for (let t = 0; t < 5 + 30 + 60; t++) s.append(t * 1000, tickOf(10, (i) => t * 10 + i).filter((x) => !(t === 5 && x.labels.room === '3')));
    assert.equal(s.ringCount, 1);
    assert.equal(s.usedBytes, 30 * 8 * 11, 'one time column for the ten series again');
    const w = s.window('chat_room_users{room="3"}', -Infinity)!;
    assert.deepEqual([...w.times], Array.from({ length: 30 }, (_, k) => (65 + k) * 1000));
    assert.deepEqual([...w.values], Array.from({ length: 30 }, (_, k) => (65 + k) * 10 + 3));
  });

  it('after a restore, series that come a tick late (rates need two scrapes) share the times again within one history', () => {
    const times = Float64Array.from({ length: 100 }, (_, i) => i * 1000);
    const s = new SeriesStore(100);
    s.load(rooms.map((labels, i) => ({ name: 'chat_room_users', labels, times, values: times.map((t) => t + i) })));
    for (let t = 100; t < 100 + 100 + 60; t++) {
      const samples = tickOf(20, (i) => t + i).filter((x) => t > 100 || Number(x.labels.room) < 15);
      s.append(t * 1000, samples, [{ source: 'scrape', end: samples.length }]);
      const held = rooms.reduce((n, labels) => n + s.length(seriesKey('chat_room_users', labels)), 0);
      if (t === 101) assert.equal(s.ringCount, 2, 'the five late ones left together');
      if (t >= 200) assert.ok(s.usedBytes / held <= 9, `tick ${t}: ${(s.usedBytes / held).toFixed(2)} B a sample`);
    }
    assert.equal(s.ringCount, 1);
    assert.deepEqual([...s.window('chat_room_users{room="17"}', 258_000)!.values], [258 + 17, 259 + 17]);
  });

  it('reads what a ring per series would hold, whatever the pattern of series coming and going', () => {
    // A reference: each series' samples in a plain array, the newest `capacity` kept.
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const capacity = 40;
    const s = new SeriesStore(capacity, 1000);
    const ref = new Map<string, { t: number; v: number }[]>();
    for (let t = 0; t < 400; t++) {
      const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
      const spans: { source: string; end: number }[] = [];
      for (const src of ['x', 'y', 'z']) {
        if (rand() < 0.1) continue; // the source failed this tick
        for (let i = 0; i < 12; i++) {
          // Regular series, rare ones, and ones that come and go in runs.
          const p = i < 6 ? 0.99 : i < 9 ? 0.3 : Math.floor(t / 25) % 2 === 0 ? 1 : 0;
          if (rand() < p) samples.push({ name: `chat_${src}`, labels: { i: String(i) }, value: rand() * 1000 });
        }
        spans.push({ source: src, end: samples.length });
      }
      s.append(t * 1000, samples, spans);
      for (const x of samples) {
        const key = seriesKey(x.name, x.labels);
        const list = ref.get(key) ?? [];
        list.push({ t: t * 1000, v: x.value });
        if (list.length > capacity) list.shift();
        ref.set(key, list);
      }
      if (t % 37 === 0 || t === 399) {
        for (const [key, list] of ref) {
          const w = s.window(key, -Infinity)!;
          assert.deepEqual([...w.times], list.map((p) => p.t), `${key} at tick ${t}`);
          assert.deepEqual([...w.values], list.map((p) => p.v), `${key} at tick ${t}`);
          const from = list[Math.floor(list.length / 2)]!.t;
          const segs = s.windowSegments(key, from)!;
          assert.ok(segs.length <= 2);
          assert.deepEqual(segs.flatMap((g) => [...g.times]), list.filter((p) => p.t >= from).map((p) => p.t));
          assert.deepEqual(s.latest(key)?.value, list[list.length - 1]!.v);
        }
      }
    }
  });

  it('the restore puts series with the same times into one ring', () => {
    const times = Float64Array.from({ length: 100 }, (_, i) => i * 1000);
    const series = Array.from({ length: 10 }, (_, i) => ({ name: 'chat_x', labels: { i: String(i) }, times, values: times.map((t) => t + i) }));
    const odd = { name: 'chat_odd', labels: {}, times: times.filter((_, i) => i % 2 === 0), values: times.filter((_, i) => i % 2 === 0) };
    const s = new SeriesStore(100);
    s.load([...series, odd]);
    assert.equal(s.usedBytes, 100 * 8 * 11 + 50 * 16);
    assert.deepEqual([...s.window('chat_x{i="4"}', 98_000)!.values], [98_004, 99_004]);
    s.append(100_000, series.map((x) => ({ name: x.name, labels: x.labels, value: 1 })));
    assert.equal(s.length('chat_x{i="9"}'), 100);
    assert.equal(s.latest('chat_x{i="9"}')!.timeMs, 100_000);
  });
});
