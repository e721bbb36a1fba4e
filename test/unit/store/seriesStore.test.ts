import { Metric } from '../../../src/core/model';
import assert from 'node:assert/strict';
import { RingBuffer } from '../../../src/core/store/ringBuffer';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { seriesKey } from '../../../src/core/model';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` samples in time order', () => {
    const r = new RingBuffer(3);
    for (let i = 1; i <= 5; i++) {
      r.push(i * 1000, i);
    }
    assert.equal(r.length, 3);
    assert.deepEqual([0, 1, 2].map((i) => r.valueAt(i)), [3, 4, 5]);
    assert.deepEqual([...r.window(4000, 5000).values], [4, 5]);
    assert.deepEqual([...r.window(0, 3500).values], [3]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new RingBuffer(0), /positive integer/);
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
    it('a ring starts small and grows as samples arrive, keeping order, up to its capacity', () => {
      const r = new RingBuffer(3600);
      assert.equal(r.bytes, 8 * 16, 'a new series costs 8 samples, not an hour');
      for (let i = 0; i < 100; i++) r.push(i * 1000, i);
      assert.equal(r.slots, 128);
      assert.equal(r.length, 100);
      assert.deepEqual([r.timeAt(0), r.valueAt(99)], [0, 99]);
      for (let i = 100; i < 5000; i++) r.push(i * 1000, i);
      assert.equal(r.slots, 3600, 'never past the capacity');
      assert.equal(r.length, 3600);
      assert.equal(r.valueAt(0), 1400);
      assert.equal(r.cappedDrops, 0);
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
      assert.equal(s.usedBytes, 10_000 * 8 * 16);
    });
  });
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
